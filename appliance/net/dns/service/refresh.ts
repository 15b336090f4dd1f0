/**
 * Refreshing subscriptions: download, check, compile, then swap in; a failed refresh records its reason on
 * the list and leaves the last good version in service.
 */
import { and, eq } from "drizzle-orm";
import { systemCtx, type Ctx, type Deps } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Invalid } from "../../../core/errors";
import { dnsLists } from "../schema";
import { download, ListRejected, sha256, validateAndCompile, writeListFile } from "../list-store";
import { engineFor } from "../engine";
import { operatorOrg } from "../operator";

const running = new Set<string>();

/** Downloads one subscription now; returns the outcome (the row keeps it too). */
export async function refreshList(ctx: Ctx, id: string): Promise<{ ok: boolean; error: string | null; rules: number }> {
  const row = ctx.db.select().from(dnsLists).where(and(eq(dnsLists.id, id), eq(dnsLists.orgId, ctx.org))).get();
  if (!row || row.kind !== "url" || !row.url) throw new Invalid("Seul un abonnement par URL peut être mis à jour.");
  if (running.has(id)) return { ok: false, error: "Mise à jour déjà en cours.", rules: row.ruleCount };
  running.add(id);
  try {
    const url = row.url;
    let text: string;
    let compiled;
    try {
      text = await download(url);
      const t0 = performance.now();
      compiled = await validateAndCompile(id, row.mode as "block" | "allow", text);
      engineFor(ctx).loadTimes.set(id, (performance.now() - t0) / 1000);
    } catch (e) {
      const error = e instanceof ListRejected ? e.message : `Erreur inattendue : ${(e as Error).message}`;
      withTransaction(ctx.db, (tx) => {
        const now = ctx.clock.now().toISOString();
        tx.update(dnsLists).set({ lastRefreshAt: now, lastError: error }).where(eq(dnsLists.id, id)).run();
        audit(tx, ctx, { action: "dns.list.refresh_failed", entity: "dns_list", entityId: id, data: { url, error } });
      });
      return { ok: false, error, rules: row.ruleCount };
    }
    const r = compiled.report;
    // The file first: if the process dies between the two writes, the row still names the old sha and
    // the next start recompiles whatever file is there.
    writeListFile(ctx.config.dataDir, id, text);
    withTransaction(ctx.db, (tx) => {
      const now = ctx.clock.now().toISOString();
      tx.update(dnsLists)
        .set({ lastRefreshAt: now, lastSuccessAt: now, lastError: null, sha256: sha256(text), ruleCount: r.rules, ignoredCount: r.ignored, invalidCount: r.invalid, problems: JSON.stringify(r.samples) })
        .where(eq(dnsLists.id, id))
        .run();
      audit(tx, ctx, { action: "dns.list.refreshed", entity: "dns_list", entityId: id, data: { url, rules: r.rules, ignored: r.ignored, invalid: r.invalid } });
    });
    const engine = engineFor(ctx);
    engine.adopt(compiled);
    await engine.reload();
    return { ok: true, error: null, rules: r.rules };
  } finally {
    running.delete(id);
  }
}

/** Refreshes every enabled subscription whose interval has elapsed (called each minute by the daemon). */
export async function refreshDue(deps: Deps) {
  const org = operatorOrg(deps.db);
  if (!org) return;
  const now = deps.clock.now().getTime();
  const rows = deps.db.select().from(dnsLists).where(and(eq(dnsLists.orgId, org), eq(dnsLists.kind, "url"), eq(dnsLists.enabled, 1))).all();
  for (const row of rows) {
    const last = row.lastRefreshAt ? Date.parse(row.lastRefreshAt) : 0;
    // After a failure, retry sooner than the full interval (but not in a loop): one hour at most.
    const every = (row.lastError ? Math.min(row.refreshHours, 1) : row.refreshHours) * 3600_000;
    if (now - last < every) continue;
    await refreshList(systemCtx(deps, org), row.id);
  }
}
