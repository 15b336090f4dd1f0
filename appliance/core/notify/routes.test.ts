// /api/notifications: list, unread count, mark read, mark all read — each user sees only theirs, in the current organisation.
import { describe, expect, test } from "bun:test";
import { setupApp, addMember, Client } from "../../test/harness";
import { coreServices } from "../services";
import { systemCtx } from "../context";
import { withTransaction } from "../db/client";
import { notify } from "./service";

async function world() {
  const t = await setupApp({ extra: (d) => coreServices(d).routes });
  const bob = await addMember(t, t.owner, "bob@mairie.test", "admin");
  const b = await t.owner.post("/api/orgs", { name: "CCAS de Testville" });
  const orgB = b.body.id as string;
  const ownerInB = new Client(t.app);
  Object.assign(ownerInB, { cookie: t.owner.cookie, csrf: t.owner.csrf, org: orgB });
  const uid = (email: string) => (t.deps.db.$client.query("SELECT id FROM users WHERE email = ?").get(email) as { id: string }).id;
  const send = (org: string, email: string, title: string) => {
    t.deps.clock.advance(1000);
    return withTransaction(t.deps.db, (tx) => notify(tx, systemCtx(t.deps, org), { userIds: [uid(email)], kind: "system", title })).notified[0]!;
  };
  return { ...t, bob, ownerInB, orgB, uid, send };
}

describe("mes notifications", () => {
  test("liste (récentes d'abord), compteur, lecture d'une, puis de toutes", async () => {
    const t = await world();
    const ids = ["Un", "Deux", "Trois"].map((title) => t.send(t.orgId, "bob@mairie.test", title));
    let r = await t.bob.get("/api/notifications");
    expect(r.body.items.map((i: any) => i.title)).toEqual(["Trois", "Deux", "Un"]);
    expect(r.body.unread).toBe(3);
    expect((await t.bob.get("/api/notifications/unread-count")).body).toEqual({ unread: 3 });
    const one = await t.bob.post(`/api/notifications/${ids[1]}/read`);
    expect(one.body).toEqual({ ok: true, unread: 2 });
    expect((await t.bob.post(`/api/notifications/${ids[1]}/read`)).body.unread).toBe(2); // idempotent
    r = await t.bob.get("/api/notifications?unread=1");
    expect(r.body.items.map((i: any) => i.title)).toEqual(["Trois", "Un"]);
    const page = await t.bob.get("/api/notifications?limit=2");
    expect(page.body.items).toHaveLength(2);
    const next = await t.bob.get(`/api/notifications?limit=2&before=${encodeURIComponent(page.body.nextBefore)}`);
    expect(next.body.items.map((i: any) => i.title)).toEqual(["Un"]);
    expect((await t.bob.post("/api/notifications/read-all")).body).toEqual({ updated: 2, unread: 0 });
    expect((await t.bob.get("/api/notifications/unread-count")).body.unread).toBe(0);
  });

  test("un membre ne voit ni ne marque les notifications d'un autre membre", async () => {
    const t = await world();
    const forOwner = t.send(t.orgId, "alice@mairie.test", "Pour Alice");
    expect((await t.bob.get("/api/notifications")).body.items).toEqual([]);
    const r = await t.bob.post(`/api/notifications/${forOwner}/read`);
    expect(r.status).toBe(404);
    expect(r.body.error.message).toBe("Notification introuvable.");
    await t.bob.post("/api/notifications/read-all");
    expect((await t.owner.get("/api/notifications/unread-count")).body.unread).toBe(1);
  });

  test("isolation : un utilisateur de A ne lit ni ne marque les notifications de B", async () => {
    const t = await world();
    // carol belongs to B only; the owner belongs to both.
    const carol = await addMember(t, t.ownerInB, "carol@ccas.test", "admin");
    const inB = t.send(t.orgB, "carol@ccas.test", "Secret du CCAS");
    const ownerInB = t.send(t.orgB, "alice@mairie.test", "Pour Alice dans B");
    t.send(t.orgId, "alice@mairie.test", "Pour Alice dans A");
    // bob (A) cannot reach B's notifications by id, nor by forcing the organisation header.
    expect((await t.bob.post(`/api/notifications/${inB}/read`)).status).toBe(404);
    expect((await t.bob.get("/api/notifications", { "x-guichet-org": t.orgB })).status).toBe(403);
    expect((await t.bob.post(`/api/notifications/${inB}/read`, {}, { "x-guichet-org": t.orgB })).status).toBe(403);
    expect((await carol.get("/api/notifications")).body.unread).toBe(1);
    // The owner, member of both, sees each organisation's own list and cannot mark B's from A.
    expect((await t.owner.get("/api/notifications")).body.items.map((i: any) => i.title)).toEqual(["Pour Alice dans A"]);
    expect((await t.ownerInB.get("/api/notifications")).body.items.map((i: any) => i.title)).toEqual(["Pour Alice dans B"]);
    expect((await t.owner.post(`/api/notifications/${ownerInB}/read`)).status).toBe(404);
    await t.owner.post("/api/notifications/read-all");
    expect((await t.ownerInB.get("/api/notifications/unread-count")).body.unread).toBe(1);
  });

  test("sans session : 401 partout ; écriture sans jeton anti-CSRF : 403", async () => {
    const t = await world();
    const id = t.send(t.orgId, "bob@mairie.test", "x");
    const anon = new Client(t.app);
    for (const [m, p] of [["GET", "/api/notifications"], ["GET", "/api/notifications/unread-count"], ["POST", `/api/notifications/${id}/read`], ["POST", "/api/notifications/read-all"], ["GET", "/api/notifications/prefs"], ["PUT", "/api/notifications/prefs"]] as const)
      expect((await anon.req(m, p, m === "GET" ? undefined : {})).status).toBe(401);
    expect((await t.bob.post(`/api/notifications/${id}/read`, {}, { "x-csrf-token": "" })).status).toBe(403);
    expect((await t.bob.get("/api/notifications/unread-count")).body.unread).toBe(1);
  });
});
