// One organisation can never read or change another's rows: every core route that takes an id, table-driven.
import { describe, expect, test } from "bun:test";
import { setupApp, addMember, Client } from "../../test/harness";

async function twoOrgs() {
  const a = await setupApp();
  // The owner of A creates organisation B and works in it; carol is admin of B only.
  const b = await a.owner.post("/api/orgs", { name: "CCAS de Testville" });
  expect(b.status).toBe(200);
  const ownerInB = new Client(a.app);
  ownerInB.cookie = a.owner.cookie;
  ownerInB.csrf = a.owner.csrf;
  ownerInB.org = b.body.id;
  const bobInA = await addMember(a, a.owner, "bob@mairie.test", "admin");
  const carolInB = await addMember(a, ownerInB, "carol@ccas.test", "admin");
  const inviteB = await ownerInB.post("/api/org/invitations", { email: "dave@ccas.test", role: "member" });
  const tokenB = await ownerInB.post("/api/org/tokens", { name: "script B", scope: "read", role: "member" });
  const membersB = (await ownerInB.get("/api/org/members")).body as { id: string; email: string }[];
  return { ...a, orgB: b.body.id as string, ownerInB, bobInA, carolInB, ids: { invitation: inviteB.body.id, token: tokenB.body.id, member: membersB.find((m) => m.email === "carol@ccas.test")!.id } };
}

describe("isolation entre organisations", () => {
  const cases: { name: string; method: "PATCH" | "DELETE"; path: (ids: Record<string, string>) => string; body?: unknown; check: string }[] = [
    { name: "modifier un membre de B", method: "PATCH", path: (i) => `/api/org/members/${i.member}`, body: { role: "member" }, check: "/api/org/members" },
    { name: "retirer un membre de B", method: "DELETE", path: (i) => `/api/org/members/${i.member}`, check: "/api/org/members" },
    { name: "annuler une invitation de B", method: "DELETE", path: (i) => `/api/org/invitations/${i.invitation}`, check: "/api/org/invitations" },
    { name: "révoquer un jeton de B", method: "DELETE", path: (i) => `/api/org/tokens/${i.token}`, check: "/api/org/tokens" },
  ];
  for (const c of cases) {
    test(`un administrateur de A ne peut pas ${c.name} (404, rien ne change)`, async () => {
      const t = await twoOrgs();
      const before = (await t.ownerInB.get(c.check)).body;
      const r = await t.bobInA.req(c.method, c.path(t.ids), c.body);
      expect(r.status).toBe(404);
      expect((await t.ownerInB.get(c.check)).body).toEqual(before);
    });
  }

  test("forcer l'en-tête d'organisation vers B est refusé (403) pour un membre de A seulement", async () => {
    const t = await twoOrgs();
    for (const path of ["/api/org", "/api/org/members", "/api/org/invitations", "/api/org/tokens", "/api/audit"]) {
      const r = await t.bobInA.get(path, { "x-guichet-org": t.orgB });
      expect(r.status).toBe(403);
    }
    const orgs = (await t.bobInA.get("/api/orgs")).body as { id: string }[];
    expect(orgs.map((o) => o.id)).toEqual([t.orgId]);
  });

  test("un jeton d'API de A ne lit que A, et un jeton en lecture seule ne peut pas écrire", async () => {
    const t = await twoOrgs();
    const tok = await t.owner.post("/api/org/tokens", { name: "export", scope: "read", role: "admin" });
    const script = new Client(t.app);
    script.bearer = tok.body.token;
    expect((await script.get("/api/org")).body.id).toBe(t.orgId);
    expect((await script.get("/api/org", { "x-guichet-org": t.orgB })).status).toBe(403);
    expect((await script.get("/api/audit")).status).toBe(200);
    const w = await script.patch("/api/org", { name: "Changé par jeton" });
    expect(w.status).toBe(403);
    expect((await t.owner.get("/api/org")).body.name).toBe("Mairie de Testville");
    await t.owner.del(`/api/org/tokens/${tok.body.id}`);
    expect((await script.get("/api/org")).status).toBe(401);
  });

  test("le journal d'audit de A ne montre rien de B", async () => {
    const t = await twoOrgs();
    const a = (await t.owner.get("/api/audit?limit=200")).body.items as { entity: string; data: any }[];
    expect(a.some((e) => JSON.stringify(e.data).includes("carol@ccas.test"))).toBe(false);
    const b = (await t.ownerInB.get("/api/audit?limit=200")).body.items as { data: any }[];
    expect(b.some((e) => JSON.stringify(e.data).includes("carol@ccas.test"))).toBe(true);
  });
});

describe("rôles", () => {
  test("un administrateur ne peut pas se faire propriétaire ni destituer le dernier propriétaire", async () => {
    const t = await setupApp();
    const bob = await addMember(t, t.owner, "bob@mairie.test", "admin");
    const members = (await t.owner.get("/api/org/members")).body as { id: string; email: string; role: string }[];
    const bobId = members.find((m) => m.email === "bob@mairie.test")!.id;
    const ownerId = members.find((m) => m.role === "owner")!.id;
    expect((await bob.patch(`/api/org/members/${bobId}`, { role: "owner" })).status).toBe(403);
    expect((await t.owner.patch(`/api/org/members/${ownerId}`, { role: "admin" })).status).toBe(409);
    expect((await bob.del(`/api/org/members/${ownerId}`)).status).toBe(403);
    const r = await t.owner.patch(`/api/org/members/${bobId}`, { role: "manager", moduleRoles: ["epn_animateur", "pas_un_role"] });
    expect(r.status).toBe(422);
    expect((await t.owner.patch(`/api/org/members/${bobId}`, { role: "manager", moduleRoles: ["epn_animateur"] })).body.moduleRoles).toEqual(["epn_animateur"]);
  });

  test("l'installation initiale se ferme une fois faite", async () => {
    const t = await setupApp();
    const again = await new Client(t.app).post("/api/setup", { organisation: { name: "Pirate" }, admin: { name: "X", email: "x@x.fr", password: "0123456789ab" } });
    expect(again.status).toBe(409);
    expect((await new Client(t.app).get("/api/setup")).body.needed).toBe(false);
  });

  test("SIRET invalide et e-mail invalide refusés à l'installation, sans rien créer", async () => {
    const { testDeps } = await import("../../test/harness");
    const { buildApp } = await import("../../app");
    const deps = testDeps();
    const c = new Client(buildApp(deps));
    const r = await c.post("/api/setup", { organisation: { name: "Mairie", siret: "12345678901234" }, admin: { name: "A", email: "pas-un-email", password: "0123456789ab" } });
    expect(r.status).toBe(422);
    expect(r.body.error.fields.siret).toContain("SIRET");
    expect((await c.get("/api/setup")).body.needed).toBe(true);
  });
});
