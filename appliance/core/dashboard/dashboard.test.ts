// GET /api/dashboard: core figures by role, cards of the enabled modules only, a failing module does not break the page.
import { describe, expect, test } from "bun:test";
import { setupApp, addMember, Client } from "../../test/harness";
import { dashboardRoutes } from "./routes";
import { startOfDay, type DashboardProvider } from "./service";
import { withTransaction } from "../db/client";
import { systemCtx } from "../context";
import { notify } from "../notify/service";

const providers: DashboardProvider[] = [
  { name: "epn", label: "Espace numérique", dashboard: (ctx) => [{ module: "ignored", title: "Postes libres", value: ctx.org.length > 0 ? 4 : 0, hint: "sur 6", link: "#/epn" }] },
  { name: "itsm", label: "Assistance", dashboard: async () => { throw new Error("base indisponible"); } },
  { name: "crm", label: "Relations", dashboard: () => [{ module: "crm", title: "Contacts", value: 12 }] },
  { name: "hr", label: "RH" },
];

async function world() {
  const t = await setupApp({ extra: (d) => [dashboardRoutes(d, providers)] });
  // epn and itsm enabled for this organisation, crm not.
  t.deps.db.$client.query("UPDATE organisations SET modules = ? WHERE id = ?").run(JSON.stringify(["epn", "itsm", "hr"]), t.orgId);
  return t;
}

const byTitle = (cards: any[]) => Object.fromEntries(cards.map((c) => [c.title, c]));

describe("tableau de bord", () => {
  test("l'administrateur voit les chiffres de la plateforme et les cartes des modules activés", async () => {
    const t = await world();
    const bob = await addMember(t, t.owner, "bob@mairie.test", "member");
    await t.owner.post("/api/org/invitations", { email: "zoe@mairie.test", role: "member" });
    const bobId = (t.deps.db.$client.query("SELECT id FROM users WHERE email = 'bob@mairie.test'").get() as { id: string }).id;
    const ownerId = (t.deps.db.$client.query("SELECT id FROM users WHERE email = 'alice@mairie.test'").get() as { id: string }).id;
    withTransaction(t.deps.db, (tx) => notify(tx, systemCtx(t.deps, t.orgId), { userIds: [ownerId, bobId], kind: "system", title: "x" }));
    const r = await t.owner.get("/api/dashboard");
    expect(r.status).toBe(200);
    const c = byTitle(r.body.cards);
    expect(c["Membres"].value).toBe(2);
    expect(c["Invitations en attente"].value).toBe(1);
    expect(c["Notifications non lues"].value).toBe(1);
    // Setup, invitations and acceptance all happened this morning (Paris time).
    const today = (t.deps.db.$client.query("SELECT count(*) as n FROM audit_log WHERE org_id = ?").get(t.orgId) as { n: number }).n;
    expect(c["Entrées du journal aujourd'hui"].value).toBe(today);
    expect(today).toBeGreaterThanOrEqual(4);
    expect(c["Postes libres"]).toEqual({ module: "epn", title: "Postes libres", value: 4, hint: "sur 6", link: "#/epn" });
    expect(c["Assistance"]).toMatchObject({ module: "itsm", value: "—", hint: "Indisponible pour le moment" });
    expect(c["Contacts"]).toBeUndefined(); // crm not enabled for this organisation
    expect(r.body.cards.filter((x: any) => x.module === "hr")).toEqual([]);
    // A member sees no admin-only figure.
    const m = byTitle((await bob.get("/api/dashboard")).body.cards);
    expect(Object.keys(m).sort()).toEqual(["Assistance", "Membres", "Notifications non lues", "Postes libres"]);
    expect(m["Notifications non lues"].value).toBe(1);
    // The next day, only the day's own entries count.
    t.deps.clock.advance(11 * 3600_000);
    await t.owner.get("/api/auth/me"); // keeps the session alive (12 h idle limit)
    t.deps.clock.advance(11 * 3600_000);
    await t.owner.post("/api/org/invitations", { email: "yann@mairie.test", role: "member" });
    expect(byTitle((await t.owner.get("/api/dashboard")).body.cards)["Entrées du journal aujourd'hui"].value).toBe(1);
  });

  test("les chiffres d'une organisation ne comptent rien de l'autre ; anonyme refusé", async () => {
    const t = await world();
    const b = await t.owner.post("/api/orgs", { name: "CCAS" });
    const inB = new Client(t.app);
    Object.assign(inB, { cookie: t.owner.cookie, csrf: t.owner.csrf, org: b.body.id });
    for (const e of ["a@ccas.test", "b@ccas.test", "c@ccas.test"]) await inB.post("/api/org/invitations", { email: e, role: "member" });
    expect(byTitle((await t.owner.get("/api/dashboard")).body.cards)["Invitations en attente"].value).toBe(0);
    expect(byTitle((await inB.get("/api/dashboard")).body.cards)["Invitations en attente"].value).toBe(3);
    expect((await new Client(t.app).get("/api/dashboard")).status).toBe(401);
  });

  test("« aujourd'hui » commence à minuit heure de Paris, heure d'été comprise", () => {
    expect(startOfDay(new Date("2026-01-15T10:00:00Z"), "Europe/Paris").toISOString()).toBe("2026-01-14T23:00:00.000Z");
    expect(startOfDay(new Date("2026-07-15T21:30:00Z"), "Europe/Paris").toISOString()).toBe("2026-07-14T22:00:00.000Z");
    expect(startOfDay(new Date("2026-07-15T22:30:00Z"), "Europe/Paris").toISOString()).toBe("2026-07-15T22:00:00.000Z");
    // The day clocks go forward (29 March 2026): midnight was still winter time.
    expect(startOfDay(new Date("2026-03-29T12:00:00Z"), "Europe/Paris").toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(startOfDay(new Date("2026-10-25T12:00:00Z"), "Europe/Paris").toISOString()).toBe("2026-10-24T22:00:00.000Z");
  });
});
