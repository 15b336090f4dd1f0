/** DNS settings of the operator organisation: blocking mode, privacy, retention, cache bounds, rate limit. */
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Invalid } from "../../../core/errors";
import { setSetting } from "../../../core/settings";
import { engineFor, loadSettings, SETTINGS_KEY } from "../engine";
import type { DnsSettings } from "../policy";
import { applyChanges, dnsCtx } from "./common";

/** Current settings (defaults filled in). */
export function getSettings(ctx: Ctx): DnsSettings {
  dnsCtx(ctx);
  return loadSettings(ctx.db, ctx.org);
}

const RANGES: Partial<Record<keyof DnsSettings, [number, number, string]>> = {
  blockedTtl: [0, 86400, "La durée de vie des réponses bloquées doit être entre 0 et 86 400 secondes."],
  logRetentionDays: [1, 365, "La conservation du journal doit être entre 1 et 365 jours."],
  cacheMinTtl: [0, 3600, "Le plancher de durée de vie doit être entre 0 et 3 600 secondes."],
  cacheMaxTtl: [60, 604800, "Le plafond de durée de vie doit être entre 60 secondes et 7 jours."],
  cacheSize: [0, 1_000_000, "La taille du cache doit être entre 0 et 1 000 000 de réponses."],
  rateLimit: [0, 100_000, "La limite par client doit être entre 0 (aucune) et 100 000 requêtes par seconde."],
};

/**
 * Changes settings. Lowering the privacy level also scrubs what the log already holds
 * (clients or domains blanked, or every detailed row deleted for "off").
 */
export async function updateSettings(ctx: Ctx, input: Partial<DnsSettings>): Promise<DnsSettings> {
  dnsCtx(ctx);
  const fields: Record<string, string> = {};
  if (input.blockingMode !== undefined && !["null_ip", "nxdomain"].includes(input.blockingMode)) fields.blockingMode = "Mode de blocage inconnu (null_ip ou nxdomain).";
  if (input.privacy !== undefined && !["full", "hide_client", "hide_domain", "off"].includes(input.privacy)) fields.privacy = "Niveau de confidentialité inconnu.";
  for (const [k, [min, max, msg]] of Object.entries(RANGES) as [keyof DnsSettings, [number, number, string]][]) {
    const v = input[k];
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max)) fields[k] = msg;
  }
  const before = loadSettings(ctx.db, ctx.org);
  const next: DnsSettings = { ...before, ...input };
  if (next.cacheMinTtl > next.cacheMaxTtl) fields.cacheMinTtl ??= "Le plancher doit rester inférieur au plafond.";
  if (Object.keys(fields).length) throw new Invalid("Réglages DNS invalides.", fields);
  // Rows still buffered were taken under the old level: write them now so the scrub below covers them.
  engineFor(ctx).log.flush(true);
  withTransaction(ctx.db, (tx) => {
    setSetting(tx, ctx.clock, ctx.org, SETTINGS_KEY, next);
    if (next.privacy === "off") tx.$client.query("DELETE FROM dns_query_log WHERE org_id = ?").run(ctx.org);
    if (next.privacy === "hide_client") tx.$client.query("UPDATE dns_query_log SET client = NULL WHERE org_id = ?").run(ctx.org);
    if (next.privacy === "hide_domain") tx.$client.query("UPDATE dns_query_log SET name = NULL WHERE org_id = ?").run(ctx.org);
    if (next.privacy === "hide_client" || next.privacy === "off") tx.$client.query("DELETE FROM dns_stats_top WHERE org_id = ? AND kind = 'client'").run(ctx.org);
    if (next.privacy === "hide_domain" || next.privacy === "off") tx.$client.query("DELETE FROM dns_stats_top WHERE org_id = ? AND kind IN ('domain', 'blocked')").run(ctx.org);
    audit(tx, ctx, { action: "dns.settings.updated", entity: "dns_settings", entityId: ctx.org, data: { before, after: next } });
  });
  await applyChanges(ctx);
  return next;
}
