// The platform's purges remove exactly what has expired, keep the rest, and GET /api/jobs shows their runs.
import { describe, expect, test } from "bun:test";
import { setupApp, addMember, Client } from "../../test/harness";
import { coreServices, type CoreWiring } from "../services";
import { verifyChain } from "../audit/service";

const DAY = 24 * 3600_000;

async function world() {
  let core!: CoreWiring;
  const t = await setupApp({ extra: (d) => (core = coreServices(d)).routes });
  const q = (sql: string, ...args: any[]) => t.deps.db.$client.query(sql).all(...args) as any[];
  const iso = (offsetMs: number) => new Date(t.deps.clock.now().getTime() + offsetMs).toISOString();
  return { ...t, core, q, iso };
}

describe("tâches de la plateforme", () => {
  test("sessions expirées et liens de réinitialisation utilisés ou expirés sont supprimés, les autres restent", async () => {
    const t = await world();
    const uid = t.q("SELECT id FROM users")[0].id;
    const sess = (id: string, exp: number) => t.q("INSERT INTO auth_sessions (id, token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, 'x', ?, ?, ?)", id, "h-" + id, uid, t.iso(-DAY), t.iso(-DAY), t.iso(exp));
    sess("expiree", -1000);
    sess("valide", 3600_000);
    const reset = (id: string, exp: number, used: string | null) => t.q("INSERT INTO password_resets (id, user_id, token_hash, expires_at, used_at, created_at) VALUES (?, ?, ?, ?, ?, ?)", id, uid, "r-" + id, t.iso(exp), used, t.iso(-DAY));
    reset("utilise", 3600_000, t.iso(-60_000));
    reset("perime", -1, null);
    reset("actif", 600_000, null);
    expect(await t.core.jobs.runJob("purge-sessions")).toMatchObject({ status: "ok", result: { sessions: 1 } });
    expect(await t.core.jobs.runJob("purge-password-resets")).toMatchObject({ status: "ok", result: { liens: 2 } });
    const ids = t.q("SELECT id FROM auth_sessions").map((r) => r.id);
    expect(ids).toContain("valide");
    expect(ids).not.toContain("expiree");
    expect(t.q("SELECT id FROM password_resets").map((r) => r.id)).toEqual(["actif"]);
    // The owner's own session (from setup) is still valid: still logged in.
    expect((await t.owner.get("/api/auth/me")).status).toBe(200);
  });

  test("invitations expirées depuis plus de 30 jours supprimées (et auditées) ; récentes ou acceptées gardées", async () => {
    const t = await world();
    await t.owner.post("/api/org/invitations", { email: "vieille@mairie.test", role: "member" });
    await t.owner.post("/api/org/invitations", { email: "recente@mairie.test", role: "member" });
    await addMember(t, t.owner, "acceptee@mairie.test", "member");
    t.q("UPDATE invitations SET expires_at = ? WHERE email IN ('vieille@mairie.test', 'acceptee@mairie.test')", t.iso(-31 * DAY));
    t.q("UPDATE invitations SET expires_at = ? WHERE email = 'recente@mairie.test'", t.iso(-10 * DAY));
    expect(await t.core.jobs.runJob("purge-invitations")).toMatchObject({ status: "ok", result: { invitations: 1 } });
    expect(t.q("SELECT email FROM invitations ORDER BY email").map((r) => r.email)).toEqual(["acceptee@mairie.test", "recente@mairie.test"]);
    const audit = await t.owner.get("/api/audit?entity=invitation");
    expect(audit.body.items[0]).toMatchObject({ action: "invitation.purged", actorLabel: "Système", data: { count: 1 } });
    expect(verifyChain(t.deps.db, t.orgId).ok).toBe(true);
  });

  test("e-mails envoyés depuis plus de 90 jours supprimés ; les en attente, quel que soit leur âge, jamais", async () => {
    const t = await world();
    const mail = (id: string, status: string, sentAgo: number | null) =>
      t.q(`INSERT INTO mail_outbox (id, org_id, "to", subject, text, status, attempts, next_attempt_at, sent_at, created_at, updated_at) VALUES (?, NULL, 'a@b.fr', 's', 't', ?, 0, ?, ?, ?, ?)`, id, status, t.iso(-200 * DAY), sentAgo === null ? null : t.iso(-sentAgo), t.iso(-200 * DAY), t.iso(-200 * DAY));
    mail("vieux", "sent", 91 * DAY);
    mail("recent", "sent", 89 * DAY);
    mail("attente", "pending", null);
    mail("echec", "failed", null);
    expect(await t.core.jobs.runJob("purge-sent-mail")).toMatchObject({ result: { emails: 1 } });
    expect(t.q("SELECT id FROM mail_outbox WHERE id IN ('vieux','recent','attente','echec') ORDER BY id").map((r) => r.id)).toEqual(["attente", "echec", "recent"]);
  });

  test("GET /api/jobs : réservé aux administrateurs, montre chaque tâche et sa dernière exécution", async () => {
    const t = await world();
    await t.core.jobs.runJob("purge-sessions");
    const r = await t.owner.get("/api/jobs");
    expect(r.status).toBe(200);
    // Core jobs first, then those modules register (their own names).
    expect(r.body.map((j: any) => j.name).slice(0, 4)).toEqual(["purge-sessions", "purge-password-resets", "purge-invitations", "purge-sent-mail"]);
    expect(r.body[0]).toMatchObject({ label: "Suppression des sessions expirées", lastStatus: "ok", lastRunAt: t.deps.clock.now().toISOString(), running: false });
    expect(r.body[1].lastRunAt).toBeNull();
    const bob = await addMember(t, t.owner, "bob@mairie.test", "manager");
    expect((await bob.get("/api/jobs")).status).toBe(403);
    expect((await new Client(t.app).get("/api/jobs")).status).toBe(401);
  });
});
