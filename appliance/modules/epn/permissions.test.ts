// Who may call what: members and managers get nothing, animateurs run the space, admins hold credentials and retention.
import { describe, expect, test } from "bun:test";
import { addMember } from "../../test/harness";
import { epnWorld } from "./testing";

const FAKE = "0190a0b0-0000-7000-8000-000000000000";
/** Routes an animateur may not call (credentials, deletions, legal retention). */
const ADMIN_ONLY = [
  "POST /api/epn/rooms", "DELETE /api/epn/rooms/:id", "POST /api/epn/workstations", "DELETE /api/epn/workstations/:id",
  "POST /api/epn/workstations/:id/token", "DELETE /api/epn/workstations/:id/token", "GET /api/epn/patrons/purge", "POST /api/epn/patrons/purge",
  "GET /api/epn/connection-log", "GET /api/epn/connection-log.csv", "GET /api/epn/connection-log/purge", "POST /api/epn/connection-log/purge",
];

describe("droits sur les routes EPN", () => {
  test("chaque route du personnel : 403 pour un membre et un responsable sans rôle EPN ; les routes d'administration refusent l'animateur", async () => {
    const w = await epnWorld();
    const member = await addMember(w, w.owner, "membre@mairie.test", "member");
    const manager = await addMember(w, w.owner, "resp@mairie.test", "manager");
    const anim = await addMember(w, w.owner, "anim@mairie.test", "member", ["epn_animateur"]);
    const routes = w.app.routes.filter((r) => r.path.startsWith("/api/epn/") && !r.path.startsWith("/api/epn/kiosk"));
    expect(routes.length).toBeGreaterThan(35);
    const failures: string[] = [];
    for (const r of routes) {
      const path = r.path.replace(/:[^/]+/g, FAKE);
      const key = `${r.method} ${r.path}`;
      const body = ["GET", "HEAD"].includes(r.method) ? undefined : {};
      for (const [who, c] of [["membre", member], ["responsable", manager]] as const) {
        const res = await c.req(r.method, path, body);
        if (res.status !== 403) failures.push(`${who} ${key} → ${res.status}`);
      }
      const a = await anim.req(r.method, path, body);
      const adminOnly = ADMIN_ONLY.includes(key);
      if (adminOnly && a.status !== 403) failures.push(`animateur ${key} → ${a.status} (403 attendu)`);
      if (!adminOnly && a.status === 403) failures.push(`animateur ${key} → 403`);
    }
    expect(failures).toEqual([]);
  });

  test("un animateur fait le travail du quotidien ; un jeton d'API en lecture seule ne peut rien écrire", async () => {
    const w = await epnWorld();
    const anim = await addMember(w, w.owner, "anim@mairie.test", "member", ["epn_animateur"]);
    const p = (await anim.post("/api/epn/patrons", { firstName: "Léa", lastName: "Martin", consent: true, reglement: true })).body;
    expect((await anim.post("/api/epn/codes", { patronId: p.id })).status).toBe(200);
    expect((await anim.post(`/api/epn/workstations/${w.kiosks[0]!.id}/commands`, { type: "lock" })).status).toBe(200);
    expect((await anim.patch(`/api/epn/rooms/${w.room.id}`, { hours: { "1": [["10:00", "12:00"]] } })).status).toBe(200);
    const tok = (await w.owner.post("/api/org/tokens", { name: "lecture", scope: "read", role: "admin" })).body.token;
    const { Client } = await import("../../test/harness");
    const script = new Client(w.app);
    script.bearer = tok;
    expect((await script.get("/api/epn/stats")).status).toBe(200);
    expect((await script.post("/api/epn/patrons", { firstName: "X", lastName: "Y", consent: true })).status).toBe(403);
  });
});
