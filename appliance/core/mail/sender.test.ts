// The mail Service against a real SMTP server (aiosmtpd): delivery, MIME/UTF-8, outages, backoff, secrets.
import { afterEach, describe, expect, test } from "bun:test";
import { testDeps } from "../../test/harness";
import { startSmtpSink, type SmtpSink } from "../../test/smtp-sink";
import { createLogger } from "../log";
import { queueMail } from "./outbox";
import { MailSender, MAX_ATTEMPTS, redactSmtpError, retryDelayMs } from "./sender";
import { withTransaction } from "../db/client";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function sink(opts?: Parameters<typeof startSmtpSink>[0]) {
  const s = await startSmtpSink(opts);
  cleanup.push(() => s.stop());
  return s;
}

function sender(deps: ReturnType<typeof testDeps>, smtpUrl: string) {
  // A long poll: anything delivered in these tests got there by the queue signal or an explicit runOnce().
  const s = new MailSender(deps, { smtpUrl, pollMs: 3600_000, timeoutMs: 3000 });
  s.start();
  cleanup.push(() => s.stop());
  return s;
}

type Row = { status: string; attempts: number; next_attempt_at: string; last_error: string | null; sent_at: string | null };
const row = (deps: ReturnType<typeof testDeps>, id: string) => deps.db.$client.query("SELECT * FROM mail_outbox WHERE id = ?").get(id) as Row;

/** A port where nothing listens (a sink started then stopped). */
async function deadPort() {
  const s = await startSmtpSink();
  await s.stop();
  return s.port;
}

describe("envoi des e-mails", () => {
  test("un e-mail mis en file part aussitôt, avec le bon destinataire, l'objet et le corps en UTF-8", async () => {
    const smtp = await sink();
    const deps = testDeps();
    sender(deps, smtp.url);
    const body = "Bonjour Élodie,\n\nLa réunion du conseil a lieu à 18 h 30 en salle des fêtes.\nÀ l'ordre du jour : budget 2026 — 12 500 € ; « voirie » ; café ☕.\n" + "Une ligne très longue ".repeat(10);
    const id = withTransaction(deps.db, (tx) => queueMail(tx, deps.clock, { to: "elodie@mairie.test", subject: "Réunion du conseil — ordre du jour ✓", text: body }));
    const m = await smtp.waitFor((x) => x.to === "elodie@mairie.test", 10_000);
    expect(m.subject).toBe("Réunion du conseil — ordre du jour ✓");
    expect(m.text.trimEnd()).toBe(body.trimEnd());
    expect(m.from).toBe("guichet@localhost");
    await Bun.sleep(50);
    const r = row(deps, id);
    expect(r.status).toBe("sent");
    expect(r.sent_at).toBe(deps.clock.now().toISOString());
    expect(r.last_error).toBeNull();
  });

  test("un corps non latin (encodé en base64) et une version HTML arrivent intacts", async () => {
    const smtp = await sink();
    const deps = testDeps();
    const s = sender(deps, smtp.url);
    const text = "Здравствуйте! Γειά σας! こんにちは — 日本語のテキスト。".repeat(3);
    queueMail(deps.db, deps.clock, { to: "intl@mairie.test", subject: "Ελληνικά και русский", text, html: "<p>Bonjour <b>Zoé</b></p>" });
    await s.runOnce();
    const [m] = await smtp.messages();
    expect(m!.subject).toBe("Ελληνικά και русский");
    expect(m!.text.trimEnd()).toBe(text);
    expect(m!.html).toContain("<b>Zoé</b>");
  });

  test("serveur arrêté : le message reste en file, les essais s'espacent, puis il part au retour du serveur", async () => {
    const port = await deadPort();
    const deps = testDeps();
    const s = sender(deps, `smtp://127.0.0.1:${port}`);
    const id = queueMail(deps.db, deps.clock, { to: "a@mairie.test", subject: "Panne", text: "Toujours là" });
    const other = queueMail(deps.db, deps.clock, { to: "b@mairie.test", subject: "Panne 2", text: "Moi aussi" });
    let res = await s.runOnce();
    expect(res.sent).toBe(0);
    let r = row(deps, id);
    expect(r.status).toBe("pending");
    expect(r.attempts).toBe(1);
    expect(r.last_error).toMatch(/ECONNREFUSED|ECONNECTION|ESOCKET/);
    expect(Date.parse(r.next_attempt_at) - deps.clock.now().getTime()).toBe(30_000);
    // The connection is down: the second message was not even tried (no attempt burnt).
    expect(row(deps, other).attempts).toBe(0);
    await s.runOnce(); // now "other" is the only due one: it fails in its turn
    expect(row(deps, id).attempts).toBe(1); // not due yet: the clock did not move
    expect(row(deps, other).attempts).toBe(1);
    deps.clock.advance(31_000);
    await s.runOnce();
    r = row(deps, id);
    expect(r.attempts).toBe(2);
    expect(Date.parse(r.next_attempt_at) - deps.clock.now().getTime()).toBe(60_000);

    const back = await sink({ port });
    deps.clock.advance(61_000);
    res = await s.runOnce();
    expect(res.sent).toBe(2);
    expect(row(deps, id).status).toBe("sent");
    expect(row(deps, other).status).toBe("sent");
    const got = await back.messages();
    expect(got.map((m) => m.subject).sort()).toEqual(["Panne", "Panne 2"]);
  });

  test("l'attente entre essais double de 30 s jusqu'à une heure ; abandon seulement après ~2 jours d'essais", () => {
    expect([1, 2, 3, 4, 7, 8, 20].map(retryDelayMs)).toEqual([30_000, 60_000, 120_000, 240_000, 1_920_000, 3_600_000, 3_600_000]);
    let total = 0;
    for (let a = 1; a < MAX_ATTEMPTS; a++) total += retryDelayMs(a);
    expect(total / 3600_000).toBeGreaterThan(48);
    expect(total / 3600_000).toBeLessThan(56);
  });

  test("marqué « failed » après le dernier essai permis, pas avant", async () => {
    const port = await deadPort();
    const deps = testDeps();
    const s = sender(deps, `smtp://127.0.0.1:${port}`);
    const id = queueMail(deps.db, deps.clock, { to: "a@mairie.test", subject: "x", text: "y" });
    deps.db.$client.query("UPDATE mail_outbox SET attempts = ? WHERE id = ?").run(MAX_ATTEMPTS - 2, id);
    await s.runOnce();
    expect(row(deps, id).status).toBe("pending");
    deps.clock.advance(3600_000);
    const res = await s.runOnce();
    expect(res.failed).toBe(1);
    expect(row(deps, id).status).toBe("failed");
    deps.clock.advance(3600_000);
    await s.runOnce();
    expect(row(deps, id).attempts).toBe(MAX_ATTEMPTS); // no longer tried
  });

  test("les identifiants SMTP n'apparaissent ni dans les journaux ni dans last_error", async () => {
    const pass = "S3cr3t-Pässwörd!";
    const lines: string[] = [];
    const deps = { ...testDeps(), log: createLogger("debug", (l) => lines.push(l)) };
    const enc = encodeURIComponent(pass);
    // 1. Server down.
    const port = await deadPort();
    const down = sender(deps, `smtp://guichet:${enc}@127.0.0.1:${port}`);
    const id = queueMail(deps.db, deps.clock, { to: "a@mairie.test", subject: "Secret ?", text: "z" });
    await down.runOnce();
    await down.stop();
    // 2. Wrong password on a server that requires AUTH.
    const smtp = await sink({ auth: { user: "guichet", pass } });
    deps.clock.advance(60_000);
    const wrong = sender(deps, `smtp://guichet:${encodeURIComponent("pas-le-bon")}@127.0.0.1:${smtp.port}`);
    await wrong.runOnce();
    expect(row(deps, id).last_error).toContain("EAUTH");
    await wrong.stop();
    // 3. Right password: delivered, authenticated.
    deps.clock.advance(120_000);
    const good = sender(deps, `smtp://guichet:${enc}@127.0.0.1:${smtp.port}`);
    await good.runOnce();
    expect(row(deps, id).status).toBe("sent");
    expect((await smtp.messages())[0]!.authLogin).toBe("guichet");
    const all = lines.join("\n") + JSON.stringify(deps.db.$client.query("SELECT * FROM mail_outbox").all());
    expect(lines.length).toBeGreaterThan(1);
    for (const secret of [pass, enc, "pas-le-bon", btoa("\0guichet\0" + "pas-le-bon")]) expect(all).not.toContain(secret);
  });

  test("redactSmtpError masque l'URL, le mot de passe et ses formes encodées", () => {
    const url = "smtp://user:p%40ss%20word@mail.mairie.fr:587";
    const msg = `failed smtp://user:p%40ss%20word@mail.mairie.fr:587 with p@ss word / ${btoa("\0user\0p@ss word")}`;
    const out = redactSmtpError(msg, url);
    expect(out).not.toContain("p@ss word");
    expect(out).not.toContain("p%40ss");
    expect(out).not.toContain(btoa("\0user\0p@ss word"));
    expect(out).toContain("[masqué]");
  });

  test("sans GUICHET_SMTP_URL le service est « disabled » et les messages restent en file", async () => {
    const deps = testDeps();
    const s = new MailSender(deps);
    expect(s.state).toBe("disabled");
    s.start();
    const id = queueMail(deps.db, deps.clock, { to: "a@mairie.test", subject: "x", text: "y" });
    expect(await s.runOnce()).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(row(deps, id)).toMatchObject({ status: "pending", attempts: 0 });
    await s.stop();
    // Restarted with an SMTP server configured: the waiting message leaves at start, nothing else needed.
    const smtp = await sink();
    sender(deps, smtp.url);
    expect((await smtp.waitFor()).subject).toBe("x");
  });
});
