/** Audit log: one row per write, chained per organisation by SHA-256 so that edits and deletions show. */
import { and, desc, eq, lt, or, gte, lte, sql, type SQL } from "drizzle-orm";
import { auditLog } from "../db/schema";
import type { Db } from "../db/client";
import type { Ctx } from "../context";
import { sha256 } from "../auth/crypto";

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  data?: Record<string, unknown>;
}

const GENESIS = "0".repeat(64);

function rowHash(r: { prevHash: string; id: string; orgId: string | null; actorId: string | null; actorLabel: string; action: string; entity: string; entityId: string | null; data: string; ip: string | null; at: string }) {
  return sha256(JSON.stringify([r.prevHash, r.id, r.orgId, r.actorId, r.actorLabel, r.action, r.entity, r.entityId, r.data, r.ip, r.at]));
}

// audit() runs inside every write of every module (two per kiosk session), so it uses cached raw
// statements (bun's query() compiles each SQL text once) instead of drizzle's query builder, which
// rebuilt the SQL on each call (~50 µs a query here against a few µs for the statement itself).
const INSERT_ROW =
  "INSERT INTO audit_log (id, org_id, actor_id, actor_label, action, entity, entity_id, data, ip, at, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
const PREV_NO_ORG = "SELECT seq, hash FROM audit_log WHERE org_id IS NULL ORDER BY seq DESC LIMIT 1";
const PREV_IN_ORG = "SELECT seq, hash FROM audit_log WHERE org_id = ? ORDER BY seq DESC LIMIT 1";
// The ORDER BY above is planned again by SQLite each time an organisation id is bound, i.e. at every call
// from bun:sqlite (~3–5 µs here); a range read is not. So each connection remembers the seq of the last
// row it wrote per organisation and reads that organisation's rows from there: the latest of them is its
// latest row whatever happened since (rows written by others come after it; if that row was rolled back
// or deleted and nothing followed, the read finds nothing and the full lookup runs). The chain therefore
// links exactly as before.
const PREV_IN_ORG_FROM = "SELECT seq, hash FROM audit_log WHERE org_id = ?1 AND seq >= ?2";
const lastSeqHint = new WeakMap<object, Map<string, number>>();

type Prev = { seq: number; hash: string };

/** The organisation's latest audit row, which the next row links to. */
function previousRow(q: Db["$client"], orgId: string | null): Prev | null {
  if (!orgId) return q.query(PREV_NO_ORG).get() as Prev | null;
  const hint = lastSeqHint.get(q)?.get(orgId);
  if (hint !== undefined) {
    let latest: Prev | null = null;
    for (const r of q.query(PREV_IN_ORG_FROM).all(orgId, hint) as Prev[]) if (!latest || r.seq > latest.seq) latest = r;
    if (latest) return latest;
  }
  return q.query(PREV_IN_ORG).get(orgId) as Prev | null;
}

/** Appends an audit row inside the caller's transaction (so the change and its trace land together). */
export function audit(tx: Db, ctx: Pick<Ctx, "actor" | "ip" | "clock"> & { org: string | null }, e: AuditEntry) {
  const q = tx.$client;
  const prev = previousRow(q, ctx.org ?? null);
  const row = {
    id: Bun.randomUUIDv7(),
    orgId: ctx.org ?? null,
    actorId: ctx.actor.userId === "system" ? null : ctx.actor.userId,
    actorLabel: ctx.actor.label,
    action: e.action,
    entity: e.entity,
    entityId: e.entityId ?? null,
    data: JSON.stringify(e.data ?? {}),
    ip: ctx.ip ?? null,
    at: ctx.clock.now().toISOString(),
    prevHash: prev?.hash ?? GENESIS,
  };
  const r = q.query(INSERT_ROW).run(row.id, row.orgId, row.actorId, row.actorLabel, row.action, row.entity, row.entityId, row.data, row.ip, row.at, row.prevHash, rowHash(row));
  if (row.orgId) {
    let hints = lastSeqHint.get(q);
    if (!hints) lastSeqHint.set(q, (hints = new Map()));
    hints.set(row.orgId, Number(r.lastInsertRowid));
  }
}

export interface VerifyResult {
  ok: boolean;
  checked: number;
  /** First broken row, with what is wrong, in French. */
  brokenAt?: { seq: number; id: string; reason: string };
}

/** Walks an organisation's chain in order; reports the first row whose content or link does not match. */
export function verifyChain(db: Db, orgId: string | null): VerifyResult {
  const stmt = db.$client.query(
    `SELECT seq, id, org_id as orgId, actor_id as actorId, actor_label as actorLabel, action, entity, entity_id as entityId, data, ip, at, prev_hash as prevHash, hash
     FROM audit_log WHERE ${orgId ? "org_id = ?1" : "org_id IS NULL"} ORDER BY seq`,
  );
  let prev = GENESIS;
  let checked = 0;
  for (const r of (orgId ? stmt.iterate(orgId) : stmt.iterate()) as Iterable<any>) {
    if (r.prevHash !== prev) return { ok: false, checked, brokenAt: { seq: r.seq, id: r.id, reason: "maillon manquant : une entrée précédente a été supprimée ou modifiée" } };
    if (rowHash(r) !== r.hash) return { ok: false, checked, brokenAt: { seq: r.seq, id: r.id, reason: "contenu modifié après écriture" } };
    prev = r.hash;
    checked++;
  }
  return { ok: true, checked };
}

export interface AuditQuery {
  q?: string;
  entity?: string;
  actorId?: string;
  from?: string;
  to?: string;
  /** Keyset pagination: rows with seq below this. */
  before?: number;
  limit?: number;
}

/** An organisation's audit rows, newest first, filtered and paginated by seq. */
export function listAudit(db: Db, orgId: string, q: AuditQuery) {
  const conds: SQL[] = [eq(auditLog.orgId, orgId)];
  if (q.entity) conds.push(eq(auditLog.entity, q.entity));
  if (q.actorId) conds.push(eq(auditLog.actorId, q.actorId));
  if (q.from) conds.push(gte(auditLog.at, q.from));
  if (q.to) conds.push(lte(auditLog.at, q.to));
  if (q.before) conds.push(lt(auditLog.seq, q.before));
  if (q.q) {
    const pat = `%${q.q.replace(/[%_]/g, (m) => "\\" + m)}%`;
    const has = (col: unknown) => sql`${col as SQL} LIKE ${pat} ESCAPE '\\'`;
    conds.push(or(has(auditLog.action), has(auditLog.actorLabel), has(auditLog.entity), has(auditLog.data))!);
  }
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const rows = db
    .select({ seq: auditLog.seq, id: auditLog.id, actorId: auditLog.actorId, actorLabel: auditLog.actorLabel, action: auditLog.action, entity: auditLog.entity, entityId: auditLog.entityId, data: auditLog.data, ip: auditLog.ip, at: auditLog.at })
    .from(auditLog)
    .where(and(...conds))
    .orderBy(desc(auditLog.seq))
    .limit(limit)
    .all();
  return {
    items: rows.map((r) => ({ ...r, data: JSON.parse(r.data) as Record<string, unknown> })),
    nextBefore: rows.length === limit ? rows[rows.length - 1]!.seq : null,
  };
}
