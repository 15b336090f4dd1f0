// /api/mail/outbox: admins only, scoped to their organisation, never the message bodies; retry per organisation.
import { describe, expect, test } from "bun:test";
import { setupApp, addMember, Client } from "../../test/harness";
import { startSmtpSink } from "../../test/smtp-sink";
import { coreServices, type CoreWiring } from "../services";
import { verifyChain } from "../audit/service";

async function world() {
  let core!: CoreWiring;
  const t = await setupApp({ extra: (d) => (core = coreServices(d)).routes });
  const b = await t.owner.post("/api/orgs", { name: "CCAS de Testville" });
  const ownerInB = new Client(t.app);
  Object.assign(ownerInB, { cookie: t.owner.cookie, csrf: t.owner.csrf, org: b.body.id });
  const bob = await addMember(t, t.owner, "bob@mairie.test", "admin");
  const carol = await addMember(t, ownerInB, "carol@ccas.test", "admin");
  await ownerInB.post("/api/org/invitations", { email: "dave@ccas.test", role: "member" });
  await t.owner.post("/api/org/invitations", { email: "erin@mairie.test", role: "member" });
  // Appliance-wide mails: a reset for a member of A (bob) and one for a member of B only (carol).
  await new Client(t.app).post("/api/auth/password/forgot", { email: "bob@mairie.test" });
  await new Client(t.app).post("/api/auth/password/forgot", { email: "carol@ccas.test" });
  const idOf = (to: string) => (t.deps.db.$client.query(`SELECT id FROM mail_outbox WHERE "to" = ? ORDER BY created_at DESC LIMIT 1`).get(to) as { id: string }).id;
  return { ...t, core, orgB: b.body.id as string, ownerInB, bob, carol, idOf };
}

describe("file d'envoi des e-mails (administration)", () => {
  test("un administrateur de A voit les e-mails de A et les réinitialisations de ses membres, sans leur contenu", async () => {
    const t = await world();
    const r = await t.bob.get("/api/mail/outbox");
    expect(r.status).toBe(200);
    expect(r.body.sender.state).toBe("disabled");
    const to = (r.body.items as { to: string }[]).map((i) => i.to).sort();
    expect(to).toEqual(["bob@mairie.test", "bob@mairie.test", "erin@mairie.test"]);
    expect(r.body.counts).toEqual({ pending: 3, sent: 0, failed: 0 });
    const reset = r.body.items.find((i: any) => i.scope === "appliance");
    expect(reset.subject).toContain("réinitialisation");
    // Bodies carry invitation and reset links: never served.
    const raw = JSON.stringify(r.body);
    expect(raw).not.toContain("#/reinitialiser/");
    expect(raw).not.toContain("#/invitation/");
    expect(r.body.items[0].text).toBeUndefined();
    const inB = (await t.ownerInB.get("/api/mail/outbox")).body.items.map((i: any) => i.to).sort();
    expect(inB).toEqual(["carol@ccas.test", "carol@ccas.test", "dave@ccas.test"]);
  });

  test("un membre simple est refusé ; un statut inconnu donne une erreur claire", async () => {
    const t = await world();
    const m = await addMember(t, t.owner, "mel@mairie.test", "manager");
    expect((await m.get("/api/mail/outbox")).status).toBe(403);
    const bad = await t.owner.get("/api/mail/outbox?status=perdu");
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("Statut inconnu");
    expect((await t.owner.get("/api/mail/outbox?status=pending")).body.items.length).toBeGreaterThan(0);
  });

  test("un administrateur de A ne peut pas relancer un e-mail de B (404, rien ne change)", async () => {
    const t = await world();
    const { db } = t.deps;
    for (const to of ["dave@ccas.test", "carol@ccas.test"]) {
      const id = t.idOf(to);
      db.$client.query("UPDATE mail_outbox SET status = 'failed', attempts = 55 WHERE id = ?").run(id);
      const r = await t.bob.post(`/api/mail/outbox/${id}/retry`);
      expect(r.status).toBe(404);
      expect(db.$client.query("SELECT status, attempts FROM mail_outbox WHERE id = ?").get(id)).toEqual({ status: "failed", attempts: 55 });
    }
    expect((await t.bob.post(`/api/mail/outbox/0190a0b0-0000-7000-8000-000000000000/retry`)).status).toBe(404);
  });

  test("relancer un e-mail en échec le remet en file, l'audite, et il part quand le serveur répond", async () => {
    const t = await world();
    const { db } = t.deps;
    const id = t.idOf("erin@mairie.test");
    db.$client.query("UPDATE mail_outbox SET status = 'failed', attempts = 55, last_error = 'ECONNREFUSED' WHERE id = ?").run(id);
    const r = await t.bob.post(`/api/mail/outbox/${id}/retry`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id, status: "pending", attempts: 0 });
    const audit = await t.owner.get("/api/audit?entity=mail");
    expect(audit.body.items[0]).toMatchObject({ action: "mail.retry", entityId: id });
    expect(verifyChain(db, t.orgId).ok).toBe(true);

    const sink = await startSmtpSink();
    try {
      const { MailSender } = await import("./sender");
      const s = new MailSender(t.deps, { smtpUrl: sink.url, pollMs: 3600_000 });
      s.start();
      await s.runOnce();
      await s.stop();
      expect((await sink.messages()).map((m) => m.to)).toContain("erin@mairie.test");
      const sent = await t.bob.post(`/api/mail/outbox/${id}/retry`);
      expect(sent.status).toBe(409);
      expect(sent.body.error.message).toContain("déjà été envoyé");
    } finally {
      await sink.stop();
    }
  });

  test("sans session : 401 sur la liste et la relance", async () => {
    const t = await world();
    const anon = new Client(t.app);
    expect((await anon.get("/api/mail/outbox")).status).toBe(401);
    expect((await anon.post(`/api/mail/outbox/${t.idOf("erin@mairie.test")}/retry`)).status).toBe(401);
  });
});
