// One organisation can never read or change another's EPN rows: every route that takes an id, table-driven.
import { describe, expect, test } from "bun:test";
import { addMember, Client } from "../../test/harness";
import { ALWAYS, epnWorld, Kiosk } from "./testing";

/** Organisation A (bob is its admin and animateur) and organisation B with one of everything. */
async function twoOrgs() {
  const a = await epnWorld({ hours: ALWAYS });
  const bob = await addMember(a, a.owner, "bob@mairie.test", "admin", ["epn_animateur"]);
  const created = await a.owner.post("/api/orgs", { name: "CCAS de Testville" });
  const b = new Client(a.app);
  Object.assign(b, { cookie: a.owner.cookie, csrf: a.owner.csrf, org: created.body.id });
  const must = a.must;
  const room = must(await b.post("/api/epn/rooms", { name: "Salle B", hours: ALWAYS }), "room");
  const ws = must(await b.post("/api/epn/workstations", { name: "B01", roomId: room.id }), "ws");
  const ws2 = must(await b.post("/api/epn/workstations", { name: "B02", roomId: room.id }), "ws2");
  const kioskB = new Kiosk(a.app, must(await b.post(`/api/epn/workstations/${ws.id}/token`), "tok").token, ws.id);
  const patron = must(await b.post("/api/epn/patrons", { firstName: "Bea", lastName: "Bé", consent: true, reglement: true }), "patron");
  const code = must(await b.post("/api/epn/codes", { patronId: patron.id, multiUse: true }), "code").codes[0];
  const guest = must(await b.post("/api/epn/codes", { count: 2 }), "guest");
  const session = must(await kioskB.open(code.code), "session");
  const closure = must(await b.post("/api/epn/closures", { roomId: room.id, fromDay: "2026-12-25", label: "Noël" }), "closure");
  const reservation = must(await b.post("/api/epn/reservations", { workstationId: ws2.id, patronId: patron.id, startsAt: "2026-03-02T15:00:00Z", durationMinutes: 60 }), "res");
  const command = must(await b.post(`/api/epn/workstations/${ws.id}/commands`, { type: "message", text: "B seulement" }), "cmd").command;
  const ids: Record<string, string> = { room: room.id, ws: ws.id, ws2: ws2.id, patron: patron.id, code: code.id, batch: guest.batchId, session: session.id, closure: closure.id, reservation: reservation.id, command: command.id };
  return { ...a, bob, b, kioskB, ids };
}

/** Everything B can see, to prove nothing changed. */
async function snapshot(b: Client, ids: Record<string, string>) {
  const parts = await Promise.all([
    b.get("/api/epn/rooms"), b.get("/api/epn/closures"), b.get("/api/epn/workstations"), b.get(`/api/epn/patrons/${ids.patron}`),
    b.get("/api/epn/codes"), b.get("/api/epn/reservations?day=2026-03-02"), b.get(`/api/epn/workstations/${ids.ws}/commands`),
  ]);
  return JSON.stringify(parts.map((p) => p.body));
}

describe("isolation EPN entre organisations", () => {
  const cases: { route: string; method: string; path: (i: Record<string, string>) => string; body?: (i: Record<string, string>) => unknown }[] = [
    { route: "PATCH /rooms/:id", method: "PATCH", path: (i) => `/api/epn/rooms/${i.room}`, body: () => ({ name: "Piratée" }) },
    { route: "DELETE /rooms/:id", method: "DELETE", path: (i) => `/api/epn/rooms/${i.room}` },
    { route: "DELETE /closures/:id", method: "DELETE", path: (i) => `/api/epn/closures/${i.closure}` },
    { route: "POST /closures (salle de B)", method: "POST", path: () => "/api/epn/closures", body: (i) => ({ roomId: i.room, fromDay: "2026-03-02", label: "x" }) },
    { route: "GET /workstations?roomId", method: "GET", path: (i) => `/api/epn/workstations?roomId=${i.room}` },
    { route: "POST /workstations (salle de B)", method: "POST", path: () => "/api/epn/workstations", body: (i) => ({ name: "Intrus", roomId: i.room }) },
    { route: "GET /workstations/:id", method: "GET", path: (i) => `/api/epn/workstations/${i.ws}` },
    { route: "PATCH /workstations/:id", method: "PATCH", path: (i) => `/api/epn/workstations/${i.ws}`, body: () => ({ maintenance: true }) },
    { route: "DELETE /workstations/:id", method: "DELETE", path: (i) => `/api/epn/workstations/${i.ws2}` },
    { route: "POST /workstations/:id/token", method: "POST", path: (i) => `/api/epn/workstations/${i.ws}/token` },
    { route: "DELETE /workstations/:id/token", method: "DELETE", path: (i) => `/api/epn/workstations/${i.ws}/token` },
    { route: "POST /workstations/:id/commands", method: "POST", path: (i) => `/api/epn/workstations/${i.ws}/commands`, body: () => ({ type: "logout" }) },
    { route: "GET /workstations/:id/commands", method: "GET", path: (i) => `/api/epn/workstations/${i.ws}/commands` },
    { route: "GET /sessions/:id/events", method: "GET", path: (i) => `/api/epn/sessions/${i.session}/events` },
    { route: "POST /sessions/:id/end", method: "POST", path: (i) => `/api/epn/sessions/${i.session}/end` },
    { route: "GET /patrons/:id", method: "GET", path: (i) => `/api/epn/patrons/${i.patron}` },
    { route: "PATCH /patrons/:id", method: "PATCH", path: (i) => `/api/epn/patrons/${i.patron}`, body: () => ({ lastName: "Pirate" }) },
    { route: "POST /patrons/:id/accept", method: "POST", path: (i) => `/api/epn/patrons/${i.patron}/accept`, body: () => ({ kind: "rgpd" }) },
    { route: "GET /patrons/:id/export", method: "GET", path: (i) => `/api/epn/patrons/${i.patron}/export` },
    { route: "DELETE /patrons/:id", method: "DELETE", path: (i) => `/api/epn/patrons/${i.patron}` },
    { route: "POST /codes (usager de B)", method: "POST", path: () => "/api/epn/codes", body: (i) => ({ patronId: i.patron }) },
    { route: "POST /codes/:id/revoke", method: "POST", path: (i) => `/api/epn/codes/${i.code}/revoke` },
    { route: "POST /codes/tickets (ids)", method: "POST", path: () => "/api/epn/codes/tickets", body: (i) => ({ ids: [i.code] }) },
    { route: "POST /codes/tickets (lot)", method: "POST", path: () => "/api/epn/codes/tickets", body: (i) => ({ batchId: i.batch }) },
    { route: "POST /reservations (poste de B)", method: "POST", path: () => "/api/epn/reservations", body: (i) => ({ workstationId: i.ws2, patronId: i.patron, startsAt: "2026-03-02T16:00:00Z", durationMinutes: 30 }) },
    { route: "POST /reservations/:id/cancel", method: "POST", path: (i) => `/api/epn/reservations/${i.reservation}/cancel` },
  ];
  for (const c of cases)
    test(`${c.route} : un administrateur de A reçoit 404 et B ne change pas`, async () => {
      const t = await twoOrgs();
      const before = await snapshot(t.b, t.ids);
      const r = await t.bob.req(c.method, c.path(t.ids), c.body?.(t.ids));
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe("not_found");
      expect(await snapshot(t.b, t.ids)).toBe(before);
    });

  test("les listes de A ne montrent rien de B, même filtrées par un identifiant de B", async () => {
    const t = await twoOrgs();
    for (const path of ["/api/epn/workstations", "/api/epn/rooms", "/api/epn/closures", `/api/epn/codes?patronId=${t.ids.patron}`, `/api/epn/codes?batchId=${t.ids.batch}`, `/api/epn/connection-log?workstationId=${t.ids.ws}`]) {
      const r = await t.bob.get(path);
      expect(r.status).toBe(200);
      expect(JSON.stringify(r.body)).not.toContain(t.ids.ws);
      expect(JSON.stringify(r.body)).not.toContain("B01");
    }
    expect((await t.bob.get("/api/epn/patrons?q=Bea")).body.total).toBe(0);
    expect((await t.bob.get("/api/epn/stats")).body.patrons.total).toBe(0);
    expect((await t.bob.get("/api/epn/workstations", { "x-guichet-org": t.b.org! })).status).toBe(403);
  });

  test("un poste de A ne peut ni acquitter une commande de B ni utiliser un code de B", async () => {
    const t = await twoOrgs();
    const kA = t.kiosks[0]!;
    expect((await kA.req("POST", `/commands/${t.ids.command}/ack`, { ok: true })).status).toBe(404);
    const codeB = (await t.b.get("/api/epn/codes")).body.find((c: any) => c.batchId === t.ids.batch).code;
    const r = await kA.open(codeB);
    expect(r.body.error.code).toBe("code_unknown");
    expect((await t.kioskB.commands()).body.map((c: any) => c.status)).toEqual(["delivered"]);
  });
});
