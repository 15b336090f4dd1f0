/** EPN settings edited by staff (quotas, durations, retention, time zone), stored in the settings table. */
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Forbidden, Invalid } from "../../../core/errors";
import { getSetting, setSetting } from "../../../core/settings";
import { roleAtLeast } from "../../../core/auth/roles";
import { isTimeZone } from "./local-time";

/** Every rule the module applies, with its default. */
export interface EpnSettings {
  /** IANA zone of the opening hours and of "today" for quotas. */
  timezone: string;
  /** Minutes a patron (or a guest code) may use per day, across sessions. */
  dailyQuotaMinutes: number;
  /** Longest single session. */
  maxSessionMinutes: number;
  /** A session shorter than this is refused rather than opened. */
  minSessionMinutes: number;
  /** No input for this long ends the session. */
  inactivityMinutes: number;
  /** A reservation not honoured this long after its start is released. */
  noShowMinutes: number;
  /** Future reservations one patron may hold at once. */
  maxReservationsPerPatron: number;
  maxReservationMinutes: number;
  /** Patrons without activity for this long are purged (personal data removed). */
  patronRetentionMonths: number;
  /** Whether the daily job purges them automatically (the preview is always available). */
  autoPurge: boolean;
  /** Connection log retention (legal period for public internet access: one year). */
  connectionLogRetentionDays: number;
  /** Default validity of a new code, and the allowance of a guest code. */
  codeValidityDays: number;
  guestAllowanceMinutes: number;
  /** Wrong codes per workstation (and ×4 per address) within 10 minutes before refusing. */
  maxCodeFailures: number;
  /** A workstation without heartbeat for this long shows offline. */
  offlineAfterSeconds: number;
}

export const DEFAULT_SETTINGS: EpnSettings = {
  timezone: "Europe/Paris",
  dailyQuotaMinutes: 120,
  maxSessionMinutes: 60,
  minSessionMinutes: 5,
  inactivityMinutes: 10,
  noShowMinutes: 15,
  maxReservationsPerPatron: 2,
  maxReservationMinutes: 120,
  patronRetentionMonths: 24,
  autoPurge: true,
  connectionLogRetentionDays: 365,
  codeValidityDays: 1,
  guestAllowanceMinutes: 60,
  maxCodeFailures: 5,
  offlineAfterSeconds: 90,
};

const KEY = "epn.settings";

/** Bounds of each numeric setting, with the French label used in error messages. */
const BOUNDS: Record<Exclude<keyof EpnSettings, "timezone" | "autoPurge">, [number, number, string]> = {
  dailyQuotaMinutes: [5, 24 * 60, "quota quotidien"],
  maxSessionMinutes: [5, 24 * 60, "durée maximale d'une session"],
  minSessionMinutes: [1, 60, "durée minimale d'une session"],
  inactivityMinutes: [1, 240, "délai d'inactivité"],
  noShowMinutes: [1, 240, "délai de libération d'une réservation"],
  maxReservationsPerPatron: [0, 50, "nombre de réservations par usager"],
  maxReservationMinutes: [5, 24 * 60, "durée maximale d'une réservation"],
  patronRetentionMonths: [1, 120, "durée de conservation des usagers inactifs"],
  connectionLogRetentionDays: [30, 3650, "durée de conservation du journal des connexions"],
  codeValidityDays: [1, 366, "validité par défaut d'un code"],
  guestAllowanceMinutes: [5, 24 * 60, "crédit d'un code invité"],
  maxCodeFailures: [3, 100, "nombre d'essais de code"],
  offlineAfterSeconds: [15, 3600, "délai avant « hors ligne »"],
};

/** Settings keys only an administrator may change (legal retention, purge). */
const ADMIN_ONLY: (keyof EpnSettings)[] = ["patronRetentionMonths", "autoPurge", "connectionLogRetentionDays"];

// getSettings runs several times per kiosk request: a cached raw statement (two subselects, cheaper here
// than an IN list, see room-view.ts), and the stored JSON parsed once per distinct text (a change stores a
// new text, so the memo never serves stale values).
const SETTINGS_SQL = `SELECT (SELECT value FROM settings WHERE org_id = ?1 AND key = '${KEY}'), (SELECT value FROM settings WHERE org_id = ?1 AND key = 'timezone')`;
const parsed = new Map<string, EpnSettings>();

/** The organisation's EPN settings (defaults for keys never set). */
export function getSettings(ctx: Pick<Ctx, "db" | "org">): EpnSettings {
  const [own, orgZone] = ctx.db.$client.query(SETTINGS_SQL).values(ctx.org)[0] as [string | null, string | null];
  const memoKey = `${own}\n${orgZone}`;
  let s = parsed.get(memoKey);
  if (!s) {
    const o: Partial<EpnSettings> = own === null ? {} : JSON.parse(own);
    // The time zone defaults to the organisation's own (the dashboard uses the same key).
    s = Object.freeze({ ...DEFAULT_SETTINGS, ...o, timezone: o.timezone ?? (orgZone === null ? null : JSON.parse(orgZone)) ?? DEFAULT_SETTINGS.timezone });
    if (parsed.size > 1000) parsed.clear();
    parsed.set(memoKey, s);
  }
  return { ...s };
}

/** Changes some settings; every value is checked and the change audited. */
export function updateSettings(ctx: Ctx, patch: Partial<EpnSettings>) {
  const fields: Record<string, string> = {};
  const clean: Partial<EpnSettings> = {};
  for (const [k, v] of Object.entries(patch) as [keyof EpnSettings, unknown][]) {
    if (v === undefined) continue;
    if (!(k in DEFAULT_SETTINGS)) {
      fields[k] = "Paramètre inconnu.";
      continue;
    }
    if (ADMIN_ONLY.includes(k) && !roleAtLeast(ctx.actor.role, "admin")) throw new Forbidden("Seul un administrateur peut changer les durées de conservation et la purge.");
    if (k === "timezone") {
      if (typeof v !== "string" || !isTimeZone(v)) fields[k] = "Fuseau horaire inconnu (ex. Europe/Paris).";
      else clean.timezone = v;
    } else if (k === "autoPurge") {
      if (typeof v !== "boolean") fields[k] = "Oui ou non attendu.";
      else clean.autoPurge = v;
    } else {
      const [min, max, label] = BOUNDS[k];
      if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) fields[k] = `La ${label} doit être un entier entre ${min} et ${max}.`;
      else (clean as Record<string, number>)[k] = v;
    }
  }
  if (Object.keys(fields).length) throw new Invalid(Object.values(fields)[0]!, fields);
  const merged = { ...getSettings(ctx), ...clean };
  if (merged.minSessionMinutes > merged.maxSessionMinutes)
    throw new Invalid("La durée minimale d'une session dépasse la durée maximale.", { minSessionMinutes: "Doit être inférieure à la durée maximale." });
  return withTransaction(ctx.db, (tx) => {
    const before = getSettings({ db: tx, org: ctx.org });
    const stored = getSetting<Partial<EpnSettings>>(tx, ctx.org, KEY, {});
    setSetting(tx, ctx.clock, ctx.org, KEY, { ...stored, ...clean });
    const changed = Object.fromEntries(Object.keys(clean).map((k) => [k, { avant: before[k as keyof EpnSettings], après: clean[k as keyof EpnSettings] }]));
    audit(tx, ctx, { action: "epn.settings.updated", entity: "epn_settings", entityId: ctx.org, data: changed });
    return getSettings({ db: tx, org: ctx.org });
  });
}
