/** Notifications: written in the caller's transaction (in-app row and/or e-mail), pushed live once committed. */
import { and, desc, eq, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import { memberships, notifications, organisations, users } from "../db/schema";
import type { Db } from "../db/client";
import type { Ctx } from "../context";
import { changed } from "../db/client";
import { Invalid, NotFound } from "../errors";
import { queueMail } from "../mail/outbox";
import { publicBaseUrl } from "../settings";
import { channelsFor, KIND_RE } from "./prefs";

/** What a module asks to tell some members of the current organisation. */
export interface NotifyInput {
  userIds: string[];
  /** Stable machine name, e.g. "itsm.ticket_assigned"; users choose channels per kind. */
  kind: string;
  title: string;
  body?: string;
  /** UI route ("#/itsm/tickets/…") or absolute URL; made absolute in e-mails. */
  link?: string;
}

/** The live event type the browser listens to for new notifications. */
export const NOTIFICATION_EVENT = "notification";

/**
 * Notifies members of ctx.org (others are skipped): in-app rows and e-mails per each user's preferences,
 * inside `tx`; the live events go out only after the transaction has committed.
 */
export function notify(tx: Db, ctx: Ctx, n: NotifyInput) {
  if (!KIND_RE.test(n.kind)) throw new Invalid(`Type de notification invalide : ${n.kind}`);
  const title = n.title.trim().slice(0, 200);
  if (!title) throw new Invalid("Une notification doit avoir un titre.");
  const body = (n.body ?? "").slice(0, 4000);
  const ids = [...new Set(n.userIds)];
  if (!ids.length) return { notified: [] as string[], emailed: 0 };
  const members = tx
    .select({ userId: users.id, email: users.email, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, ctx.org), inArray(memberships.userId, ids)))
    .all();
  if (members.length < ids.length) ctx.log.warn("notification : destinataires hors de l'organisation ignorés", { kind: n.kind, ignorés: ids.length - members.length });
  const prefs = channelsFor(tx, members.map((m) => m.userId), n.kind);
  const org = tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, ctx.org)).get();
  const now = ctx.clock.now().toISOString();
  const created: { id: string; userId: string }[] = [];
  let emailed = 0;
  for (const m of members) {
    const p = prefs.get(m.userId)!;
    if (p.inApp) {
      const id = Bun.randomUUIDv7();
      tx.insert(notifications).values({ id, orgId: ctx.org, userId: m.userId, kind: n.kind, title, body, link: n.link ?? null, createdAt: now }).run();
      created.push({ id, userId: m.userId });
    }
    if (p.email) {
      queueMail(tx, ctx.clock, { orgId: ctx.org, to: m.email, subject: `${org?.name ?? "Guichet"} : ${title}`, text: mailText(ctx, m.name, title, body, n.link) });
      emailed++;
    }
  }
  if (created.length) publishAfterCommit(tx, ctx, created, { kind: n.kind, title, body, link: n.link ?? null, createdAt: now });
  return { notified: created.map((c) => c.id), emailed };
}

function mailText(ctx: Ctx, name: string, title: string, body: string, link?: string) {
  const base = publicBaseUrl(ctx);
  const url = link ? (/^https?:\/\//.test(link) ? link : `${base}/${link.replace(/^\/+/, "")}`) : null;
  return [`Bonjour ${name},`, "", title, ...(body ? ["", body] : []), ...(url ? ["", `Voir : ${url}`] : []), "", "—", `Guichet. Vous pouvez choisir les notifications reçues par e-mail dans « Mon compte » : ${base}/#/compte`].join("\n");
}

// withTransaction is synchronous, so a timer fires after COMMIT or ROLLBACK; the rows tell which.
function publishAfterCommit(tx: Db, ctx: Ctx, created: { id: string; userId: string }[], data: Record<string, unknown>) {
  setTimeout(() => {
    let kept: Set<string>;
    try {
      kept = new Set(tx.select({ id: notifications.id }).from(notifications).where(inArray(notifications.id, created.map((c) => c.id))).all().map((r) => r.id));
    } catch {
      return; // database closed (shutdown): nobody is listening any more
    }
    for (const c of created) if (kept.has(c.id)) ctx.events.publish({ orgId: ctx.org, userId: c.userId, type: NOTIFICATION_EVENT, data: { id: c.id, ...data, readAt: null } });
  }, 0);
}

function mine(ctx: Ctx): SQL {
  return and(eq(notifications.orgId, ctx.org), eq(notifications.userId, ctx.actor.userId))!;
}

/** The current user's unread count in the current organisation. */
export function unreadCount(ctx: Ctx) {
  return ctx.db.select({ n: sql<number>`count(*)` }).from(notifications).where(and(mine(ctx), isNull(notifications.readAt))).get()!.n;
}

/** The current user's notifications in the current organisation, newest first (keyset by created_at). */
export function listMine(ctx: Ctx, q: { unread?: boolean; before?: string; limit?: number }) {
  const conds: SQL[] = [mine(ctx)];
  if (q.unread) conds.push(isNull(notifications.readAt));
  if (q.before) conds.push(lt(notifications.createdAt, q.before));
  const limit = Math.min(Math.max(q.limit ?? 30, 1), 100);
  const items = ctx.db
    .select({ id: notifications.id, kind: notifications.kind, title: notifications.title, body: notifications.body, link: notifications.link, readAt: notifications.readAt, createdAt: notifications.createdAt })
    .from(notifications)
    .where(and(...conds))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(limit)
    .all();
  return { items, unread: unreadCount(ctx), nextBefore: items.length === limit ? items[items.length - 1]!.createdAt : null };
}

// Other tabs of the same user update their badge.
function publishRead(ctx: Ctx, ids: string[] | "all") {
  ctx.events.publish({ orgId: ctx.org, userId: ctx.actor.userId, type: "notifications.read", data: { ids, unread: unreadCount(ctx) } });
}

/** Marks one of my notifications read (idempotent); someone else's, or another organisation's, is "not found". */
export function markRead(ctx: Ctx, id: string) {
  const row = ctx.db.select({ readAt: notifications.readAt }).from(notifications).where(and(eq(notifications.id, id), mine(ctx))).get();
  if (!row) throw new NotFound("Notification introuvable.");
  // Read markers are personal UI state, not business data: not audited (it would flood the audit log).
  if (!row.readAt) ctx.db.update(notifications).set({ readAt: ctx.clock.now().toISOString() }).where(and(eq(notifications.id, id), mine(ctx), isNull(notifications.readAt))).run();
  publishRead(ctx, [id]);
  return { ok: true, unread: unreadCount(ctx) };
}

/** Marks all my unread notifications of the current organisation read. */
export function markAllRead(ctx: Ctx) {
  const r = ctx.db.update(notifications).set({ readAt: ctx.clock.now().toISOString() }).where(and(mine(ctx), isNull(notifications.readAt))).run();
  publishRead(ctx, "all");
  return { updated: changed(r), unread: 0 };
}
