/** E-mails are first written to the outbox (in the caller's transaction), then sent by the mail Service. */
import { mailOutbox } from "../db/schema";
import type { Db } from "../db/client";
import type { Clock } from "../clock";
import { Invalid } from "../errors";

export interface MailInput {
  to: string;
  subject: string;
  text: string;
  html?: string;
  orgId?: string | null;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

export function isEmail(s: unknown): s is string {
  return typeof s === "string" && s.length <= 254 && EMAIL.test(s);
}

/** Queues one message; the sender picks it up at once and retries until the SMTP server takes it. */
export function queueMail(tx: Db, clock: Clock, m: MailInput) {
  if (!isEmail(m.to)) throw new Invalid(`Adresse e-mail invalide : ${m.to}`);
  const now = clock.now().toISOString();
  const id = Bun.randomUUIDv7();
  tx.insert(mailOutbox)
    .values({ id, orgId: m.orgId ?? null, to: m.to, subject: m.subject, text: m.text, html: m.html ?? null, status: "pending", attempts: 0, nextAttemptAt: now, createdAt: now, updatedAt: now })
    .run();
  return id;
}
