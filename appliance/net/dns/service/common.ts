/** Shared by the DNS service functions: operator check, the default group, reload after a write. */
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { dnsGroups } from "../schema";
import { requireOperator } from "../operator";
import { engineFor } from "../engine";

/** Name of the catch-all group created for the operator organisation. */
export const DEFAULT_GROUP_NAME = "Par défaut";

/** Creates the catch-all group if missing (first use of the DNS filter by the operator). */
export function ensureDefaultGroup(ctx: Ctx) {
  const has = ctx.db.select({ id: dnsGroups.id }).from(dnsGroups).where(and(eq(dnsGroups.orgId, ctx.org), eq(dnsGroups.isDefault, 1))).get();
  if (has) return;
  withTransaction(ctx.db, (tx) => {
    if (tx.select({ id: dnsGroups.id }).from(dnsGroups).where(and(eq(dnsGroups.orgId, ctx.org), eq(dnsGroups.isDefault, 1))).get()) return;
    const now = ctx.clock.now().toISOString();
    const id = Bun.randomUUIDv7();
    tx.insert(dnsGroups).values({ id, orgId: ctx.org, name: DEFAULT_GROUP_NAME, position: 1_000_000, isDefault: 1, clients: "[]", listIds: "[]", safeSearch: 0, schedule: null, epnSession: null, createdAt: now, updatedAt: now }).run();
    audit(tx, ctx, { action: "dns.group.created", entity: "dns_group", entityId: id, data: { name: DEFAULT_GROUP_NAME, isDefault: true } });
  });
}

/** The context of a DNS route: the operator organisation only, with its default group in place. */
export function dnsCtx(ctx: Ctx): Ctx {
  requireOperator(ctx);
  ensureDefaultGroup(ctx);
  return ctx;
}

/** Applies committed changes to the running daemon before the route answers (so a test or admin sees them at once). */
export function applyChanges(ctx: Ctx) {
  return engineFor(ctx).reload();
}

/** JSON array column → string[] (defensive: a bad value reads as empty). */
export function jsonList(s: string | null | undefined): string[] {
  try {
    const v = JSON.parse(s ?? "[]");
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** Empties the answer cache (audited: it changes what clients get until it fills again). */
export function flushCache(ctx: Ctx) {
  dnsCtx(ctx);
  const n = engineFor(ctx).cache.size;
  engineFor(ctx).cache.clear();
  withTransaction(ctx.db, (tx) => audit(tx, ctx, { action: "dns.cache.flushed", entity: "dns_cache", entityId: null, data: { entries: n } }));
}
