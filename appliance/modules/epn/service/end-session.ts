/** Ending and extending sessions: the used time lands on the code and the patron, every transition is recorded. */
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { withTransaction } from "../../../core/db/client";
import { prepared, sameOrg, updateById } from "./prepared";
import { audit } from "../../../core/audit/service";
import { Conflict, NotFound } from "../../../core/errors";
import { epnCodes, epnConnectionLog, epnPatrons, epnReservations, epnSessions } from "../schema";
import { auditLog } from "../../../core/db/schema";
import { openingAt } from "./opening-hours";
import { closuresFor, roomInOrg } from "./rooms";
import { localDay } from "./local-time";
import { getSettings } from "./settings";
import { extensionEnd } from "./session-rules";
import { publishTiles } from "./room-view";
import { announceCommands, queueCommand, type KioskCommand } from "./commands";

/** Why a session ended (French labels live in the UI). */
export const END_REASONS = ["user", "staff", "time_up", "inactivity", "reboot", "workstation_removed"] as const;
export type EndReason = (typeof END_REASONS)[number];

type SessionRow = typeof epnSessions.$inferSelect;

const P = (name: string) => sql.placeholder(name);

function statements(db: Db) {
  return prepared(db, "end-session", (d) => ({
    byId: d.select().from(epnSessions).where(and(eq(epnSessions.id, P("id")), eq(epnSessions.orgId, P("org")))).prepare(),
    running: d.select().from(epnSessions).where(and(sameOrg(epnSessions.orgId, P("org")), eq(epnSessions.workstationId, P("ws")), isNull(epnSessions.endedAt))).prepare(),
    chargeCode: d.update(epnCodes).set({ usedSeconds: sql`${epnCodes.usedSeconds} + ${P("used")}`, updatedAt: sql`${P("now")}` }).where(eq(epnCodes.id, P("id"))).prepare(),
    closeLog: d.update(epnConnectionLog).set({ endedAt: sql`${P("endedAt")}` }).where(eq(epnConnectionLog.sessionId, P("session"))).prepare(),
  }));
}

/** A session of this organisation, or NotFound. */
export function sessionInOrg(ctx: Pick<Ctx, "org">, db: Db, id: string) {
  const s = statements(db).byId.get({ id, org: ctx.org });
  if (!s) throw new NotFound("Session introuvable.");
  return s;
}

/** The running session of a workstation, if any. */
export function runningSession(ctx: Pick<Ctx, "org">, db: Db, wsId: string) {
  return statements(db).running.get({ org: ctx.org, ws: wsId }) ?? null;
}

/** Ends a running session inside the caller's transaction; the used time never exceeds the planned end. */
export function endSessionTx(ctx: Ctx, tx: Db, s: SessionRow, reason: EndReason) {
  const now = ctx.clock.now();
  // A session ended late (kiosk offline, job tick) is charged up to its planned end only.
  const endMs = Math.min(now.getTime(), Date.parse(s.endsAt));
  const used = Math.max(0, Math.round((endMs - Date.parse(s.startedAt)) / 1000));
  const endedAt = new Date(Math.max(endMs, Date.parse(s.startedAt))).toISOString();
  const nowIso = now.toISOString();
  const q = statements(tx);
  updateById(tx, epnSessions, s.id, { endedAt, endReason: reason, usedSeconds: used, updatedAt: nowIso });
  q.chargeCode.run({ id: s.codeId, used, now: nowIso });
  if (s.patronId) updateById(tx, epnPatrons, s.patronId, { lastActivityAt: nowIso });
  q.closeLog.run({ session: s.id, endedAt });
  audit(tx, ctx, { action: "epn.session.ended", entity: "epn_session", entityId: s.id, data: { workstationId: s.workstationId, reason, usedSeconds: used } });
  return { id: s.id, endedAt, reason, usedSeconds: used };
}

/**
 * Ends a session by id. Ends decided by the server (staff, time up, inactivity) also queue a "logout"
 * for the kiosk; a kiosk ending its own session ("user", or any end it reports) needs none: pass tellKiosk false.
 */
export function endSession(ctx: Ctx, id: string, reason: EndReason, opts: { tellKiosk?: boolean } = {}) {
  const tell = opts.tellKiosk ?? reason !== "user";
  let cmd: KioskCommand | null = null;
  const r = withTransaction(ctx.db, (tx) => {
    const s = sessionInOrg(ctx, tx, id);
    if (s.endedAt) throw new Conflict("Cette session est déjà terminée.");
    const ended = endSessionTx(ctx, tx, s, reason);
    if (tell) cmd = queueCommand(ctx, tx, s.workstationId, "logout", { reason }, s.id);
    return { ...ended, workstationId: s.workstationId };
  });
  if (cmd) announceCommands(ctx, [cmd]);
  publishTiles(ctx, [r.workstationId]);
  return r;
}

/** Extends a running session by `minutes`, capped by closing time and the next reservation by someone else. */
export function extendSessionTx(ctx: Ctx, tx: Db, s: SessionRow, minutes: number) {
  const st = getSettings(ctx);
  const now = ctx.clock.now();
  const room = roomInOrg(ctx, tx, s.roomId);
  const opening = openingAt(now, room.id, room.hours, closuresFor(ctx, tx, room.id, localDay(now, st.timezone)), st.timezone);
  const next = tx
    .select({ startsAt: epnReservations.startsAt, patronId: epnReservations.patronId })
    .from(epnReservations)
    .where(and(eq(epnReservations.orgId, ctx.org), eq(epnReservations.workstationId, s.workstationId), eq(epnReservations.status, "booked"), gt(epnReservations.endsAt, now.toISOString())))
    .orderBy(asc(epnReservations.startsAt))
    .all()
    .find((r) => !s.patronId || r.patronId !== s.patronId);
  const ext = extensionEnd({ now, tz: st.timezone, endsAt: new Date(s.endsAt), minutes, closesAt: opening.open ? opening.closesAt : null, nextReservationAt: next ? new Date(next.startsAt) : null });
  const added = Math.round((ext.endsAt.getTime() - Math.max(Date.parse(s.endsAt), now.getTime())) / 1000);
  const nowIso = now.toISOString();
  tx.update(epnSessions).set({ endsAt: ext.endsAt.toISOString(), extendedSeconds: s.extendedSeconds + added, updatedAt: nowIso }).where(eq(epnSessions.id, s.id)).run();
  audit(tx, ctx, { action: "epn.session.extended", entity: "epn_session", entityId: s.id, data: { minutes, endsAt: ext.endsAt.toISOString(), cut: ext.cut } });
  return { endsAt: ext.endsAt.toISOString(), addedSeconds: added, cut: ext.cut, limitedBy: ext.limitedBy };
}

/**
 * A session's transitions, oldest first: its rows in the (hash-chained) audit log, which every transition
 * writes in the same transaction, so no second record can drift from it.
 */
export function sessionEvents(ctx: Pick<Ctx, "db" | "org">, id: string) {
  sessionInOrg(ctx, ctx.db, id);
  return ctx.db
    .select({ action: auditLog.action, at: auditLog.at, actorLabel: auditLog.actorLabel, data: auditLog.data })
    .from(auditLog)
    .where(and(eq(auditLog.orgId, ctx.org), eq(auditLog.entity, "epn_session"), eq(auditLog.entityId, id)))
    .orderBy(asc(auditLog.seq))
    .all()
    .map((e) => ({ type: e.action.replace("epn.session.", ""), at: e.at, actorLabel: e.actorLabel, data: JSON.parse(e.data) as Record<string, unknown> }));
}
