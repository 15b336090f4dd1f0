// notify(): rows and e-mails in the caller's transaction, per-user preferences, live event only after commit.
import { describe, expect, test } from "bun:test";
import { setupApp, addMember, Client } from "../../test/harness";
import { coreServices } from "../services";
import { systemCtx } from "../context";
import { withTransaction } from "../db/client";
import type { LiveEvent } from "./bus";
import { notify } from "./service";
import { registerNotificationKind } from "./prefs";

// As a module does at load time: the kind is listed on the preferences page before any arrives.
registerNotificationKind("itsm.ticket", "Tickets d'assistance");

async function world() {
  const t = await setupApp({ extra: (d) => coreServices(d).routes });
  const bob = await addMember(t, t.owner, "bob@mairie.test", "member");
  const b = await t.owner.post("/api/orgs", { name: "CCAS de Testville" });
  const ownerInB = new Client(t.app);
  Object.assign(ownerInB, { cookie: t.owner.cookie, csrf: t.owner.csrf, org: b.body.id });
  const carol = await addMember(t, ownerInB, "carol@ccas.test", "member");
  const uid = (email: string) => (t.deps.db.$client.query("SELECT id FROM users WHERE email = ?").get(email) as { id: string }).id;
  const events: LiveEvent[] = [];
  t.deps.events.subscribe((e) => events.push(e));
  const mails = () => t.deps.db.$client.query(`SELECT "to", subject, text, org_id as orgId FROM mail_outbox WHERE subject NOT LIKE 'Invitation%'`).all() as { to: string; subject: string; text: string; orgId: string }[];
  return { ...t, bob, carol, ownerInB, orgB: b.body.id as string, uid, events, mails };
}

const tick = () => Bun.sleep(5);

describe("notify()", () => {
  test("crée la notification et l'e-mail de chaque membre visé ; ignore ceux d'une autre organisation", async () => {
    const t = await world();
    const ctx = systemCtx(t.deps, t.orgId);
    const r = withTransaction(t.deps.db, (tx) =>
      notify(tx, ctx, { userIds: [t.uid("bob@mairie.test"), t.uid("carol@ccas.test")], kind: "system", title: "Sauvegarde terminée", body: "La copie de 2 Go est prête.", link: "#/systeme" }),
    );
    expect(r.notified).toHaveLength(1);
    expect(r.emailed).toBe(1);
    const list = await t.bob.get("/api/notifications");
    expect(list.body.unread).toBe(1);
    expect(list.body.items[0]).toMatchObject({ kind: "system", title: "Sauvegarde terminée", body: "La copie de 2 Go est prête.", link: "#/systeme", readAt: null });
    expect((await t.carol.get("/api/notifications")).body.items).toEqual([]);
    const [m] = t.mails();
    expect(m).toMatchObject({ to: "bob@mairie.test", subject: "Mairie de Testville : Sauvegarde terminée", orgId: t.orgId });
    expect(m!.text).toContain("La copie de 2 Go est prête.");
    expect(m!.text).toContain("Voir : http://guichet.test/#/systeme");
  });

  test("l'événement en direct part après la validation, et jamais si la transaction est annulée", async () => {
    const t = await world();
    const ctx = systemCtx(t.deps, t.orgId);
    const bobId = t.uid("bob@mairie.test");
    withTransaction(t.deps.db, (tx) => {
      notify(tx, ctx, { userIds: [bobId], kind: "system", title: "Validée" });
      expect(t.events).toHaveLength(0); // not before commit
    });
    await tick();
    expect(t.events.map((e) => [e.type, e.orgId, e.userId, (e.data as any).title])).toEqual([["notification", t.orgId, bobId, "Validée"]]);
    expect(() =>
      withTransaction(t.deps.db, (tx) => {
        notify(tx, ctx, { userIds: [bobId], kind: "system", title: "Annulée" });
        throw new Error("la suite de l'opération échoue");
      }),
    ).toThrow();
    await tick();
    expect(t.events).toHaveLength(1);
    expect((await t.bob.get("/api/notifications")).body.items.map((i: any) => i.title)).toEqual(["Validée"]);
    expect(t.mails().map((m) => m.subject)).toEqual(["Mairie de Testville : Validée"]);
  });

  test("les préférences décident des canaux : par type, puis le choix général, sinon les deux", async () => {
    const t = await world();
    const ctx = systemCtx(t.deps, t.orgId);
    const bobId = t.uid("bob@mairie.test");
    const ownerId = t.uid("alice@mairie.test");
    // bob: no e-mail at all by default, but e-mails for "itsm.ticket"; owner: nothing in-app for "system".
    expect((await t.bob.req("PUT", "/api/notifications/prefs", { default: { inApp: true, email: false }, kinds: [{ kind: "itsm.ticket", inApp: false, email: true }] })).status).toBe(200);
    expect((await t.owner.req("PUT", "/api/notifications/prefs", { kinds: [{ kind: "system", inApp: false, email: true }] })).status).toBe(200);
    const send = (kind: string) => withTransaction(t.deps.db, (tx) => notify(tx, ctx, { userIds: [bobId, ownerId], kind, title: kind }));
    send("system");
    send("itsm.ticket");
    const inApp = t.deps.db.$client.query("SELECT user_id as u, kind FROM notifications ORDER BY kind, user_id").all();
    expect(inApp).toEqual(
      [
        { u: ownerId, kind: "itsm.ticket" },
        { u: bobId, kind: "system" },
      ].sort((a, b) => (a.kind + a.u < b.kind + b.u ? -1 : 1)),
    );
    expect(t.mails().map((m) => `${m.to} ${m.subject}`).sort()).toEqual([
      "alice@mairie.test Mairie de Testville : itsm.ticket",
      "alice@mairie.test Mairie de Testville : system",
      "bob@mairie.test Mairie de Testville : itsm.ticket",
    ]);
    const prefs = (await t.bob.get("/api/notifications/prefs")).body;
    expect(prefs.default).toEqual({ inApp: true, email: false });
    expect(prefs.kinds.find((k: any) => k.kind === "itsm.ticket")).toMatchObject({ inApp: false, email: true, custom: true });
    expect(prefs.kinds.find((k: any) => k.kind === "system")).toMatchObject({ label: "Messages du système", inApp: true, email: false, custom: false });
    // Reset: the kind follows the default again.
    const reset = await t.bob.req("PUT", "/api/notifications/prefs", { reset: ["itsm.ticket"] });
    expect(reset.body.kinds.find((k: any) => k.kind === "itsm.ticket")).toMatchObject({ label: "Tickets d'assistance", inApp: true, email: false, custom: false });
  });

  test("préférences : un type invalide est refusé en français et rien ne change ; la modification est auditée", async () => {
    const t = await world();
    const before = (await t.bob.get("/api/notifications/prefs")).body;
    const r = await t.bob.req("PUT", "/api/notifications/prefs", { kinds: [{ kind: "system", inApp: false, email: false }, { kind: "Pas Valide!", inApp: true, email: true }] });
    expect(r.status).toBe(422);
    expect(r.body.error.message).toContain("Type de notification invalide");
    expect((await t.bob.get("/api/notifications/prefs")).body).toEqual(before);
    expect((await t.bob.req("PUT", "/api/notifications/prefs", { default: { inApp: "oui" } })).status).toBe(422);
    expect((await t.bob.req("PUT", "/api/notifications/prefs", { default: { inApp: true, email: false } }, { "x-csrf-token": "" })).status).toBe(403);
    await t.bob.req("PUT", "/api/notifications/prefs", { default: { inApp: true, email: false } });
    const row = t.deps.db.$client.query("SELECT action, actor_id FROM audit_log WHERE action = 'notification_prefs.updated'").get() as { actor_id: string };
    expect(row.actor_id).toBe(t.uid("bob@mairie.test"));
  });

  test("un type ou un titre invalide est une erreur du module appelant, sans rien écrire", async () => {
    const t = await world();
    const ctx = systemCtx(t.deps, t.orgId);
    const bobId = t.uid("bob@mairie.test");
    expect(() => withTransaction(t.deps.db, (tx) => notify(tx, ctx, { userIds: [bobId], kind: "Mauvais Type", title: "x" }))).toThrow("Type de notification invalide");
    expect(() => withTransaction(t.deps.db, (tx) => notify(tx, ctx, { userIds: [bobId], kind: "system", title: "  " }))).toThrow("titre");
    expect(t.deps.db.$client.query("SELECT count(*) as n FROM notifications").get()).toEqual({ n: 0 });
  });
});
