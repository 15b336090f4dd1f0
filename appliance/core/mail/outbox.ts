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
  signalQueued(tx);
  return id;
}

// Senders waiting on each database: woken after the caller's (synchronous) transaction has finished.
const waiting = new WeakMap<object, Set<() => void>>();

/** Calls `fn` soon after any mail is queued on `db` (once the queuing transaction is over); returns an unsubscribe. */
export function onMailQueued(db: Db, fn: () => void) {
  let set = waiting.get(db.$client);
  if (!set) waiting.set(db.$client, (set = new Set()));
  set.add(fn);
  return () => void set.delete(fn);
}

const signalled = new WeakSet<object>();

function signalQueued(db: Db) {
  const set = waiting.get(db.$client);
  if (!set?.size || signalled.has(db.$client)) return;
  signalled.add(db.$client); // one wake-up for a whole batch queued in one transaction
  // A timer, not a microtask: by then withTransaction has committed (or rolled back, and the sender finds nothing).
  setTimeout(() => {
    signalled.delete(db.$client);
    for (const fn of set) fn();
  }, 0);
}
