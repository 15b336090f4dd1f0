/** Read-only views: daemon status, the query log, statistics, and "why was this name blocked?". */
import { and, asc, desc, eq, gt, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { Invalid } from "../../../core/errors";
import { dnsGroups, dnsLists, dnsQueryLog, dnsStats, dnsStatsTop } from "../schema";
import { engineFor } from "../engine";
import { dnsCtx } from "./common";

export interface LogQuery {
  before?: number;
  after?: number;
  limit?: number;
  client?: string;
  domain?: string;
  status?: string;
}

/** State of the daemon and of what it serves. */
export async function dnsStatus(ctx: Ctx) {
  dnsCtx(ctx);
  const e = engineFor(ctx);
  if (!e.policy.orgId) await e.reload();
  const p = e.policy;
  let domains = 0;
  for (const l of e.lists.values()) domains += l.domainCount + l.patternCount;
  return {
    running: e.listening !== null,
    address: e.listening ? `${e.listening.host}:${e.listening.port}` : null,
    port: e.listening?.port ?? ctx.config.dnsPort,
    groups: p.groups.length,
    listsLoaded: e.lists.size,
    rulesLoaded: domains,
    records: p.records.size,
    upstreams: e.upstreams.list(),
    cache: { entries: e.cache.size, hits: e.cache.hits, misses: e.cache.misses },
    counters: e.counters ? { ...e.counters } : null,
    logDropped: e.log.dropped,
    settings: p.settings,
  };
}

/** Query log rows, newest first; `after` for live polling, `before` for paging back. */
export function queryLog(ctx: Ctx, q: LogQuery) {
  dnsCtx(ctx);
  engineFor(ctx).log.flush();
  const conds: SQL[] = [eq(dnsQueryLog.orgId, ctx.org)];
  if (q.before) conds.push(lt(dnsQueryLog.id, q.before));
  if (q.after) conds.push(gt(dnsQueryLog.id, q.after));
  if (q.client) conds.push(eq(dnsQueryLog.client, q.client.trim()));
  if (q.domain) conds.push(sql`${dnsQueryLog.name} LIKE ${`%${q.domain.trim().toLowerCase().replace(/[%_\\]/g, (m) => "\\" + m)}%`} ESCAPE '\\'`);
  if (q.status) conds.push(eq(dnsQueryLog.status, q.status));
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
  const where = and(...conds);
  const rows = ctx.db.select().from(dnsQueryLog).where(where).orderBy(desc(dnsQueryLog.id)).limit(limit).all();
  const groups = new Map(ctx.db.select({ id: dnsGroups.id, name: dnsGroups.name }).from(dnsGroups).where(eq(dnsGroups.orgId, ctx.org)).all().map((g) => [g.id, g.name]));
  const lists = new Map(ctx.db.select({ id: dnsLists.id, name: dnsLists.name }).from(dnsLists).where(eq(dnsLists.orgId, ctx.org)).all().map((l) => [l.id, l.name]));
  return {
    items: rows.map(({ orgId: _o, ...r }) => ({ ...r, group: r.groupId ? (groups.get(r.groupId) ?? null) : null, list: r.listId ? (lists.get(r.listId) ?? null) : null })),
    nextBefore: rows.length === limit ? rows[rows.length - 1]!.id : null,
  };
}

/** Counters over the last `hours` (10-minute points up to a day, hourly beyond) and the top tables. */
export function dnsStatistics(ctx: Ctx, hours: number) {
  dnsCtx(ctx);
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 90) throw new Invalid("Période invalide (1 heure à 90 jours).", { hours: "Entre 1 et 2160 heures." });
  engineFor(ctx).log.flush(true);
  const since = new Date(ctx.clock.now().getTime() - hours * 3600_000).toISOString();
  const rows = ctx.db.select().from(dnsStats).where(and(eq(dnsStats.orgId, ctx.org), gte(dnsStats.bucket, since.slice(0, 15) + "0:00.000Z"))).orderBy(asc(dnsStats.bucket)).all();
  const hourly = hours > 24;
  const series = new Map<string, { at: string; total: number; blocked: number; cached: number; forwarded: number; local: number; failed: number }>();
  const totals = { total: 0, blocked: 0, cached: 0, forwarded: 0, local: 0, failed: 0 };
  for (const r of rows) {
    const at = hourly ? r.bucket.slice(0, 13) + ":00:00.000Z" : r.bucket;
    const s = series.get(at) ?? { at, total: 0, blocked: 0, cached: 0, forwarded: 0, local: 0, failed: 0 };
    for (const k of ["total", "blocked", "cached", "forwarded", "local", "failed"] as const) {
      s[k] += r[k];
      totals[k] += r[k];
    }
    series.set(at, s);
  }
  const sinceHour = since.slice(0, 13) + ":00:00.000Z";
  const top = (kind: string) =>
    ctx.db
      .select({ key: dnsStatsTop.key, count: sql<number>`sum(${dnsStatsTop.count})` })
      .from(dnsStatsTop)
      .where(and(eq(dnsStatsTop.orgId, ctx.org), eq(dnsStatsTop.kind, kind), gte(dnsStatsTop.hour, sinceHour)))
      .groupBy(dnsStatsTop.key)
      .orderBy(desc(sql`sum(${dnsStatsTop.count})`), asc(dnsStatsTop.key))
      .limit(10)
      .all();
  // Every step of the period, zeros included: a quiet night is a flat line, not a missing one.
  const stepMs = hourly ? 3600_000 : 600_000;
  const end = ctx.clock.now().getTime();
  const points: ReturnType<typeof series.get>[] = [];
  for (let at = Math.ceil((end - hours * 3600_000) / stepMs) * stepMs; at <= end; at += stepMs) {
    const key = new Date(at).toISOString();
    points.push(series.get(key) ?? { at: key, total: 0, blocked: 0, cached: 0, forwarded: 0, local: 0, failed: 0 });
  }
  return {
    hours,
    step: hourly ? "heure" : "10 minutes",
    totals,
    blockedShare: totals.total ? Math.round((totals.blocked / totals.total) * 1000) / 10 : 0,
    series: points,
    topDomains: top("domain"),
    topBlocked: top("blocked"),
    topClients: top("client"),
    privacy: engineFor(ctx).policy.settings.privacy,
  };
}
