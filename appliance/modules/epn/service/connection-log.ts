/** The connection log (who used which workstation, when, from which address) and its own legal retention. */
import { and, desc, eq, gte, lt, lte, sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { changed, withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Invalid } from "../../../core/errors";
import { epnConnectionLog } from "../schema";
import { getSettings } from "./settings";
import { toCsv } from "./csv";

/** Filters staff (or a legal requisition) use. */
export interface LogQuery {
  from?: string;
  to?: string;
  workstationId?: string;
  q?: string;
  limit?: number;
  offset?: number;
}

function where(ctx: Ctx, q: LogQuery) {
  const conds: SQL[] = [eq(epnConnectionLog.orgId, ctx.org)];
  for (const [k, v] of [["from", q.from], ["to", q.to]] as const)
    if (v && Number.isNaN(Date.parse(v))) throw new Invalid("Date invalide (AAAA-MM-JJ).", { [k]: "Date attendue." });
  if (q.from) conds.push(gte(epnConnectionLog.startedAt, new Date(q.from).toISOString()));
  if (q.to) conds.push(lte(epnConnectionLog.startedAt, new Date(Date.parse(q.to) + (q.to.length === 10 ? 86_400_000 : 0)).toISOString()));
  if (q.workstationId) conds.push(eq(epnConnectionLog.workstationId, q.workstationId));
  if (q.q?.trim()) {
    const pat = `%${q.q.trim().toLowerCase().replace(/[%_\\]/g, (m) => "\\" + m)}%`;
    conds.push(sql`(lower(${epnConnectionLog.userLabel}) LIKE ${pat} ESCAPE '\\' OR ${epnConnectionLog.ip} LIKE ${pat} ESCAPE '\\' OR lower(${epnConnectionLog.workstationName}) LIKE ${pat} ESCAPE '\\')`);
  }
  return and(...conds);
}

/** Log entries, newest first. */
export function listConnectionLog(ctx: Ctx, q: LogQuery) {
  const w = where(ctx, q);
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
  return {
    total: ctx.db.select({ n: sql<number>`count(*)` }).from(epnConnectionLog).where(w).get()!.n,
    retentionDays: getSettings(ctx).connectionLogRetentionDays,
    items: ctx.db.select().from(epnConnectionLog).where(w).orderBy(desc(epnConnectionLog.startedAt)).limit(limit).offset(Math.max(q.offset ?? 0, 0)).all(),
  };
}

/** The same entries as CSV (for a requisition); the export itself is audited. */
export function connectionLogCsv(ctx: Ctx, q: LogQuery) {
  const rows = ctx.db.select().from(epnConnectionLog).where(where(ctx, q)).orderBy(desc(epnConnectionLog.startedAt)).limit(100_000).all();
  withTransaction(ctx.db, (tx) => audit(tx, ctx, { action: "epn.connection_log.exported", entity: "epn_connection_log", data: { ...q, rows: rows.length } }));
  return toCsv([["début", "fin", "poste", "utilisateur", "code", "adresse IP", "adresse MAC"], ...rows.map((r) => [r.startedAt, r.endedAt, r.workstationName, r.userLabel, r.codeHint, r.ip, r.mac])]);
}

/** Deletes entries older than the retention period; returns how many went. */
export function purgeConnectionLog(ctx: Ctx) {
  const days = getSettings(ctx).connectionLogRetentionDays;
  const limit = new Date(ctx.clock.now().getTime() - days * 86_400_000).toISOString();
  return withTransaction(ctx.db, (tx) => {
    const n = changed(tx.delete(epnConnectionLog).where(and(eq(epnConnectionLog.orgId, ctx.org), lt(epnConnectionLog.startedAt, limit))).run());
    if (n) audit(tx, ctx, { action: "epn.connection_log.purged", entity: "epn_connection_log", data: { count: n, before: limit, retentionDays: days } });
    return n;
  });
}

/** How many entries the next purge would delete (the preview). */
export function connectionLogPurgePreview(ctx: Ctx) {
  const days = getSettings(ctx).connectionLogRetentionDays;
  const limit = new Date(ctx.clock.now().getTime() - days * 86_400_000).toISOString();
  const n = ctx.db.select({ n: sql<number>`count(*)` }).from(epnConnectionLog).where(and(eq(epnConnectionLog.orgId, ctx.org), lt(epnConnectionLog.startedAt, limit))).get()!.n;
  return { retentionDays: days, before: limit, count: n };
}
