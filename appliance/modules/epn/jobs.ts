/** EPN periodic jobs: a frequent tick (time up, offline, no-shows, stale commands) and the daily purges. */
import { and, eq, isNull, lt, lte } from "drizzle-orm";
import type { Deps } from "../../core/context";
import { systemCtx, type Ctx } from "../../core/context";
import { changed, withTransaction } from "../../core/db/client";
import { organisations } from "../../core/db/schema";
import type { JobDef } from "../../core/jobs/scheduler";
import { epnCodeFailures, epnSessions, epnWorkstations } from "./schema";
import { announceCommands, endSessionTx, expireCommands, getSettings, publishTiles, purgeConnectionLog, purgeInactive, queueCommand, releaseNoShows, type KioskCommand } from "./service";

/** How often the tick runs; the room view's "offline" and "time up" follow within this delay. */
export const TICK_MS = 10_000;

function orgCtxs(deps: Deps): Ctx[] {
  return deps.db.select({ id: organisations.id }).from(organisations).all().map((o) => systemCtx(deps, o.id));
}

/** Ends sessions whose time is up (the kiosk may be offline) and tells their kiosks. */
export function endExpiredSessions(ctx: Ctx) {
  const due = ctx.db
    .select()
    .from(epnSessions)
    .where(and(eq(epnSessions.orgId, ctx.org), isNull(epnSessions.endedAt), lte(epnSessions.endsAt, ctx.clock.now().toISOString())))
    .all();
  if (!due.length) return 0;
  const cmds: KioskCommand[] = [];
  withTransaction(ctx.db, (tx) => {
    for (const s of due) {
      endSessionTx(ctx, tx, s, "time_up");
      cmds.push(queueCommand(ctx, tx, s.workstationId, "logout", { reason: "time_up" }, s.id));
    }
  });
  announceCommands(ctx, cmds);
  publishTiles(ctx, due.map((s) => s.workstationId));
  return due.length;
}

/** Flags workstations silent for longer than the offline delay, once, and updates their tiles. */
export function markOffline(ctx: Ctx) {
  const limit = new Date(ctx.clock.now().getTime() - getSettings(ctx).offlineAfterSeconds * 1000).toISOString();
  const stale = ctx.db
    .select({ id: epnWorkstations.id })
    .from(epnWorkstations)
    .where(and(eq(epnWorkstations.orgId, ctx.org), eq(epnWorkstations.online, 1), lt(epnWorkstations.lastSeenAt, limit)))
    .all()
    .map((w) => w.id);
  if (!stale.length) return 0;
  for (const id of stale) ctx.db.update(epnWorkstations).set({ online: 0 }).where(eq(epnWorkstations.id, id)).run();
  publishTiles(ctx, stale);
  return stale.length;
}

/** One tick for every organisation. */
export function runTick(deps: Deps) {
  const out = { ended: 0, offline: 0, released: 0, expired: 0 };
  for (const ctx of orgCtxs(deps)) {
    out.ended += endExpiredSessions(ctx);
    out.offline += markOffline(ctx);
    out.released += releaseNoShows(ctx);
    out.expired += expireCommands(ctx);
  }
  return out;
}

/** The daily work: connection-log retention, purge of inactive patrons (when enabled), old failed-code rows. */
export function runDaily(deps: Deps) {
  const out = { connectionLog: 0, patrons: 0, failures: 0 };
  for (const ctx of orgCtxs(deps)) {
    out.connectionLog += purgeConnectionLog(ctx);
    if (getSettings(ctx).autoPurge) out.patrons += purgeInactive(ctx).purged;
  }
  const dayAgo = new Date(deps.clock.now().getTime() - 86_400_000).toISOString();
  out.failures = changed(deps.db.delete(epnCodeFailures).where(lt(epnCodeFailures.at, dayAgo)).run());
  return out;
}

/** The module's periodic jobs, run by the core scheduler (each run recorded in job_runs, shown at /api/jobs). */
export function epnJobs(): JobDef[] {
  return [
    { name: "epn-tick", label: "EPN : fin des sessions échues, postes hors ligne, réservations non honorées", everyMs: TICK_MS, firstRunMs: 1000, run: runTick },
    { name: "epn-daily", label: "EPN : purge du journal des connexions et des usagers inactifs", everyMs: 86_400_000, run: runDaily },
  ];
}
