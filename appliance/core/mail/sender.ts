/** The mail Service: delivers the outbox over SMTP, retrying with backoff so no message is lost while the server is down. */
import { createTransport } from "nodemailer";
import { and, asc, eq, lte } from "drizzle-orm";
import { mailOutbox } from "../db/schema";
import type { Deps } from "../context";
import type { Service } from "../service";
import { onMailQueued } from "./outbox";

/** First retry after 30 s, doubling each time, never more than an hour apart. */
export const RETRY_BASE_MS = 30_000;
export const RETRY_MAX_MS = 3600_000;
/** About two days of hourly retries before a message is marked failed (an admin can still retry it). */
export const MAX_ATTEMPTS = 55;
const POLL_MS = 15_000;
const BATCH = 20;

/** Delay before the next attempt, after `attempts` failed ones. */
export function retryDelayMs(attempts: number) {
  return Math.min(RETRY_BASE_MS * 2 ** Math.max(attempts - 1, 0), RETRY_MAX_MS);
}

/** Removes SMTP credentials (URL user-info, the password itself, its base64 forms) from an error text. */
export function redactSmtpError(message: string, smtpUrl: string | null): string {
  let out = message.replace(/([a-z][\w+.-]*:\/\/)[^/@\s]+@/gi, "$1[masqué]@");
  if (smtpUrl) {
    try {
      const u = new URL(smtpUrl);
      const pass = decodeURIComponent(u.password);
      const user = decodeURIComponent(u.username);
      const forms = [u.password, pass, btoa(unescape(encodeURIComponent(pass))), btoa(unescape(encodeURIComponent(`\0${user}\0${pass}`)))];
      for (const s of forms) if (s && s.length >= 2) out = out.split(s).join("[masqué]");
    } catch {
      // An unparsable URL was refused by config.ts already; nothing more to hide.
    }
  }
  return out.slice(0, 500);
}

/** What one delivery pass did. */
export interface PassResult {
  sent: number;
  retried: number;
  failed: number;
}

// Errors about the connection (not about one message): the rest of the batch would fail the same way.
const CONNECTION_ERRORS = new Set(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "EAUTH", "ETLS", "ECONNREFUSED", "EPROTOCOL"]);

export type SenderState = "disabled" | "stopped" | "running";

/** Delivers pending outbox rows; wakes when a mail is queued and polls for due retries. */
export class MailSender implements Service {
  readonly name = "mail";
  private transport: ReturnType<typeof createTransport> | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private queued: Promise<PassResult> | null = null;
  private stopping = false;
  private started = false;
  readonly smtpUrl: string | null;

  constructor(
    private deps: Deps,
    private opts: { smtpUrl?: string | null; from?: string; pollMs?: number; batch?: number; timeoutMs?: number } = {},
  ) {
    this.smtpUrl = opts.smtpUrl !== undefined ? opts.smtpUrl : deps.config.smtpUrl;
  }

  /** "disabled" when GUICHET_SMTP_URL is unset: mails then stay queued until it is configured. */
  get state(): SenderState {
    if (!this.smtpUrl) return "disabled";
    return this.started && !this.stopping ? "running" : "stopped";
  }

  start() {
    if (!this.smtpUrl) return;
    // Short enough that a stop (SIGTERM) waiting for a hung server ends well within systemd's 90 s.
    const timeout = this.opts.timeoutMs ?? 15_000;
    this.transport = createTransport({ url: this.smtpUrl, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout * 2, logger: false, debug: false } as any);
    this.stopping = false;
    this.started = true;
    this.unsubscribe = onMailQueued(this.deps.db, () => this.wake());
    this.timer = setInterval(() => this.wake(), this.opts.pollMs ?? POLL_MS);
    this.wake();
  }

  /** Asks for a delivery pass soon (coalesced with one already waiting). */
  wake() {
    if (!this.started || this.stopping) return;
    void this.runOnce().catch((e) => this.deps.log.error("file d'envoi des e-mails : erreur inattendue", { erreur: String(e) }));
  }

  /** Runs one delivery pass after any pass in progress; concurrent callers share the waiting pass. */
  runOnce(): Promise<PassResult> {
    if (this.queued) return this.queued;
    const p = this.chain.then(() => {
      this.queued = null;
      return this.pass();
    });
    this.queued = p;
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async pass(): Promise<PassResult> {
    const res: PassResult = { sent: 0, retried: 0, failed: 0 };
    if (!this.transport) return res;
    const batch = this.opts.batch ?? BATCH;
    for (;;) {
      const now = this.deps.clock.now().toISOString();
      const due = this.deps.db
        .select()
        .from(mailOutbox)
        .where(and(eq(mailOutbox.status, "pending"), lte(mailOutbox.nextAttemptAt, now)))
        .orderBy(asc(mailOutbox.nextAttemptAt), asc(mailOutbox.id))
        .limit(batch)
        .all();
      for (const m of due) {
        if (this.stopping) return res;
        const { outcome, connectionDown } = await this.deliver(m);
        res[outcome]++;
        // The server is unreachable: the others wait for the next pass instead of each burning an attempt.
        if (connectionDown) return res;
      }
      if (due.length < batch || this.stopping) return res;
    }
  }

  private async deliver(m: typeof mailOutbox.$inferSelect): Promise<{ outcome: keyof PassResult; connectionDown: boolean }> {
    const { db, clock, log, config } = this.deps;
    try {
      await this.transport!.sendMail({ from: this.opts.from ?? config.mailFrom, to: m.to, subject: m.subject, text: m.text, ...(m.html ? { html: m.html } : {}) });
      const now = clock.now().toISOString();
      db.update(mailOutbox).set({ status: "sent", sentAt: now, attempts: m.attempts + 1, lastError: null, updatedAt: now }).where(eq(mailOutbox.id, m.id)).run();
      log.debug("e-mail envoyé", { id: m.id });
      return { outcome: "sent", connectionDown: false };
    } catch (e) {
      const err = e as Error & { code?: string; responseCode?: number };
      const attempts = m.attempts + 1;
      const now = clock.now();
      const reason = redactSmtpError(`${err.code ? err.code + " : " : ""}${err.message}`, this.smtpUrl);
      const failed = attempts >= MAX_ATTEMPTS;
      db.update(mailOutbox)
        .set({ status: failed ? "failed" : "pending", attempts, lastError: reason, nextAttemptAt: new Date(now.getTime() + retryDelayMs(attempts)).toISOString(), updatedAt: now.toISOString() })
        .where(eq(mailOutbox.id, m.id))
        .run();
      if (failed) log.error("e-mail abandonné après de trop nombreux essais", { id: m.id, essais: attempts, erreur: reason });
      else log.warn("envoi d'e-mail reporté", { id: m.id, essais: attempts, erreur: reason });
      return { outcome: failed ? "failed" : "retried", connectionDown: !err.responseCode || CONNECTION_ERRORS.has(err.code ?? "") };
    }
  }

  /** Stops polling, lets the message being sent finish (its row is updated), then closes the connection. */
  async stop() {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.chain;
    this.transport?.close();
    this.transport = null;
    this.started = false;
  }
}
