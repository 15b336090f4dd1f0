import { describe, expect, test } from "bun:test";
import { setupApp, Client, ADMIN, addMember } from "../../test/harness";
import { totpAt } from "./totp";
import { MAX_FAILURES } from "./service";

describe("connexion", () => {
  test("un mauvais mot de passe est refusé avec un message en français, sans cookie", async () => {
    const { app } = await setupApp();
    const c = new Client(app);
    const r = await c.post("/api/auth/login", { email: ADMIN.email, password: "pas le bon" });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("bad_credentials");
    expect(r.body.error.message).toContain("mot de passe incorrect");
    expect(c.cookie).toBeNull();
    const me = await c.get("/api/auth/me");
    expect(me.status).toBe(401);
  });

  test("le mot de passe est gardé en argon2id (19 Mio, 2 passes), jamais en clair ; un hachage plus ancien se vérifie encore", async () => {
    const { app, deps } = await setupApp();
    const q = deps.db.$client;
    const stored = (q.query("SELECT password_hash FROM users WHERE email = ?").get(ADMIN.email) as { password_hash: string }).password_hash;
    expect(stored).toStartWith("$argon2id$v=19$m=19456,t=2,p=1$");
    expect(stored).not.toContain(ADMIN.password);
    // Accounts hashed with Bun's former default (64 Mio) keep logging in.
    q.query("UPDATE users SET password_hash = ? WHERE email = ?").run(await Bun.password.hash(ADMIN.password, { algorithm: "argon2id" }), ADMIN.email);
    expect((await new Client(app).login(ADMIN.email, ADMIN.password)).status).toBe(200);
  });

  test("une adresse inconnue reçoit la même réponse qu'un mauvais mot de passe", async () => {
    const { app } = await setupApp();
    const r = await new Client(app).post("/api/auth/login", { email: "personne@nulle.part", password: "whatever123" });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe("bad_credentials");
  });

  test("le compte est verrouillé après 5 échecs, même avec le bon mot de passe, puis se déverrouille", async () => {
    const { app, deps } = await setupApp();
    const c = new Client(app);
    for (let i = 1; i < MAX_FAILURES; i++) expect((await c.post("/api/auth/login", { email: ADMIN.email, password: "faux" + i })).status).toBe(401);
    const last = await c.post("/api/auth/login", { email: ADMIN.email, password: "encore faux" });
    expect(last.status).toBe(429);
    expect(last.body.error.message).toContain("verrouillé");
    const good = await c.post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password });
    expect(good.status).toBe(429);
    expect(c.cookie).toBeNull();
    deps.clock.advance(16 * 60_000);
    const later = await c.login(ADMIN.email, ADMIN.password);
    expect(later.status).toBe(200);
    expect((await c.get("/api/auth/me")).body.email).toBe(ADMIN.email);
  });

  test("la double authentification est exigée après son activation ; code faux refusé, bon code accepté", async () => {
    const { app, deps, owner } = await setupApp();
    const setup = await owner.post("/api/auth/totp/setup");
    expect(setup.status).toBe(200);
    expect(setup.body.qrSvgDataUrl).toStartWith("data:image/svg+xml;base64,");
    const bad = await owner.post("/api/auth/totp/enable", { code: "000000" });
    expect(bad.status).toBe(422);
    const en = await owner.post("/api/auth/totp/enable", { code: totpAt(setup.body.secret, deps.clock.now()) });
    expect(en.status).toBe(200);
    expect(en.body.recoveryCodes).toHaveLength(10);

    const c = new Client(app);
    const step1 = await c.post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password });
    expect(step1.body.mfaRequired).toBe(true);
    const blocked = await c.get("/api/auth/me");
    expect(blocked.status).toBe(401);
    expect(blocked.body.error.code).toBe("mfa_required");
    expect((await c.get("/api/org/members")).status).toBe(401);
    const wrong = await c.post("/api/auth/login/totp", { code: "123456" });
    expect(wrong.status).toBe(401);
    const ok = await c.post("/api/auth/login/totp", { code: totpAt(setup.body.secret, deps.clock.now()) });
    expect(ok.status).toBe(200);
    expect((await c.refresh()).status).toBe(200);

    // A recovery code works once.
    const d = new Client(app);
    await d.post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password });
    expect((await d.post("/api/auth/login/totp", { code: en.body.recoveryCodes[0] })).status).toBe(200);
    const e = new Client(app);
    await e.post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password });
    expect((await e.post("/api/auth/login/totp", { code: en.body.recoveryCodes[0] })).status).toBe(401);
  });

  test("une écriture avec cookie mais sans jeton anti-CSRF est refusée et ne change rien", async () => {
    const { owner } = await setupApp();
    const r = await owner.patch("/api/org", { name: "Pirate" }, { "x-csrf-token": "" });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe("csrf");
    const wrong = await owner.patch("/api/org", { name: "Pirate" }, { "x-csrf-token": "faux-jeton" });
    expect(wrong.status).toBe(403);
    expect((await owner.get("/api/org")).body.name).toBe("Mairie de Testville");
    const ok = await owner.patch("/api/org", { name: "Mairie de Testville-sur-Mer" });
    expect(ok.status).toBe(200);
    expect(ok.body.name).toBe("Mairie de Testville-sur-Mer");
  });

  test("mes sessions : liste et révocation d'une autre session", async () => {
    const { app, owner } = await setupApp();
    const other = new Client(app);
    await other.login(ADMIN.email, ADMIN.password);
    const list = await owner.get("/api/auth/sessions");
    expect(list.body).toHaveLength(2);
    const target = list.body.find((s: any) => !s.current);
    expect((await owner.del(`/api/auth/sessions/${target.id}`)).status).toBe(200);
    expect((await other.get("/api/auth/me")).status).toBe(401);
    expect((await owner.get("/api/auth/me")).status).toBe(200);
  });

  test("réinitialisation du mot de passe par lien reçu par e-mail, utilisable une seule fois", async () => {
    const { app, deps } = await setupApp();
    const c = new Client(app);
    expect((await c.post("/api/auth/password/forgot", { email: ADMIN.email })).status).toBe(200);
    expect((await c.post("/api/auth/password/forgot", { email: "inconnu@x.fr" })).status).toBe(200);
    const mails = deps.db.$client.query(`SELECT "to", text FROM mail_outbox`).all() as { to: string; text: string }[];
    expect(mails.map((m) => m.to)).toEqual([ADMIN.email]);
    const token = /#\/reinitialiser\/([\w-]+)/.exec(mails[0]!.text)![1]!;
    expect((await c.post("/api/auth/password/reset", { token, password: "court" })).status).toBe(422);
    expect((await c.post("/api/auth/password/reset", { token, password: "un nouveau mot de passe" })).status).toBe(200);
    expect((await c.post("/api/auth/password/reset", { token, password: "encore un autre mdp" })).status).toBe(422);
    expect((await c.login(ADMIN.email, ADMIN.password)).status).toBe(401);
    expect((await c.login(ADMIN.email, "un nouveau mot de passe")).status).toBe(200);
  });

  test("un membre simple est refusé sur une route d'administration", async () => {
    const ctx = await setupApp();
    const bob = await addMember(ctx, ctx.owner, "bob@mairie.test", "member");
    const r = await bob.get("/api/audit");
    expect(r.status).toBe(403);
    expect(r.body.error.message).toContain("droits");
    expect((await bob.post("/api/org/invitations", { email: "x@y.fr", role: "member" })).status).toBe(403);
    expect((await bob.patch("/api/org", { name: "X" })).status).toBe(403);
    expect((await bob.get("/api/org")).status).toBe(200);
  });
});
