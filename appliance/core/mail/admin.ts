/** What an administrator sees of the outbox (never message bodies: they hold invitation and reset links) and the retry action. */
import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { mailOutbox, memberships, users } from "../db/schema";
import type { Ctx } from "../context";
import { changed, withTransaction } from "../db/client";
import { audit } from "../audit/service";
import { Conflict, Invalid, NotFound } from "../errors";

export const MAIL_STATUSES = ["pending", "sent", "failed"] as const;

const COLUMNS = {
  id: mailOutbox.id,
  orgId: mailOutbox.orgId,
  to: mailOutbox.to,
  subject: mailOutbox.subject,
  status: mailOutbox.status,
  attempts: mailOutbox.attempts,
  nextAttemptAt: mailOutbox.nextAttemptAt,
  lastError: mailOutbox.lastError,
  sentAt: mailOutbox.sentAt,
  createdAt: mailOutbox.createdAt,
};

// Rows of this organisation, plus appliance-wide ones (password resets) sent to one of its members.
function visibleTo(ctx: Ctx): SQL {
  const memberEmails = ctx.db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, ctx.org));
  return or(eq(mailOutbox.orgId, ctx.org), and(isNull(mailOutbox.orgId), inArray(mailOutbox.to, memberEmails)))!;
}

function shape(r: { orgId: string | null } & Record<string, unknown>) {
  const { orgId, ...rest } = r;
  return { ...rest, scope: orgId ? ("organisation" as const) : ("appliance" as const) };
}

/** The outbox as the current organisation's admin may see it, newest first, with counts per status. */
export function listOutbox(ctx: Ctx, q: { status?: string; before?: string; limit?: number }) {
  if (q.status && !(MAIL_STATUSES as readonly string[]).includes(q.status)) throw new Invalid("Statut inconnu : attendu pending, sent ou failed.", { status: "Statut inconnu." });
  const conds: SQL[] = [visibleTo(ctx)];
  if (q.status) conds.push(eq(mailOutbox.status, q.status));
  if (q.before) conds.push(lt(mailOutbox.createdAt, q.before));
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const rows = ctx.db.select(COLUMNS).from(mailOutbox).where(and(...conds)).orderBy(desc(mailOutbox.createdAt), desc(mailOutbox.id)).limit(limit).all();
  const counts = { pending: 0, sent: 0, failed: 0 };
  for (const c of ctx.db.select({ status: mailOutbox.status, n: sql<number>`count(*)` }).from(mailOutbox).where(visibleTo(ctx)).groupBy(mailOutbox.status).all())
    if (c.status in counts) counts[c.status as keyof typeof counts] = c.n;
  return { counts, items: rows.map(shape), nextBefore: rows.length === limit ? rows[rows.length - 1]!.createdAt : null };
}

/** Puts a pending or failed message back at the head of the queue with a fresh attempt budget. */
export function retryMail(ctx: Ctx, id: string) {
  return withTransaction(ctx.db, (tx) => {
    const row = tx.select(COLUMNS).from(mailOutbox).where(and(eq(mailOutbox.id, id), visibleTo({ ...ctx, db: tx }))).get();
    if (!row) throw new NotFound("Message introuvable.");
    if (row.status === "sent") throw new Conflict("Ce message a déjà été envoyé.");
    const now = ctx.clock.now().toISOString();
    const r = tx.update(mailOutbox).set({ status: "pending", attempts: 0, nextAttemptAt: now, updatedAt: now }).where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, row.status))).run();
    if (!changed(r)) throw new Conflict("Ce message vient de changer d'état : rechargez la liste.");
    audit(tx, ctx, { action: "mail.retry", entity: "mail", entityId: id, data: { to: row.to, subject: row.subject, previousStatus: row.status } });
    return shape({ ...row, status: "pending", attempts: 0, nextAttemptAt: now });
  });
}
