/** Per-user notification preferences: for each kind (or "*" for all), in-app and/or e-mail. Default: both. */
import { and, eq, inArray, sql } from "drizzle-orm";
import { notificationPrefs, notifications } from "../db/schema";
import type { Db } from "../db/client";
import type { Actor } from "../context";
import type { Clock } from "../clock";
import { withTransaction } from "../db/client";
import { audit } from "../audit/service";
import { Invalid } from "../errors";

/** A channel choice. */
export interface Channels {
  inApp: boolean;
  email: boolean;
}

/** Wildcard kind: the user's choice for every kind without its own row. */
export const ANY_KIND = "*";
const DEFAULT: Channels = { inApp: true, email: true };
export const KIND_RE = /^[a-z][a-z0-9_.-]{0,59}$/;

// Kinds known to the appliance with their French label, so the preferences page can list them before any arrives.
const KINDS = new Map<string, string>([["system", "Messages du système"]]);

/** Modules call this at load time for each kind of notification they send. */
export function registerNotificationKind(kind: string, label: string) {
  if (!KIND_RE.test(kind)) throw new Error(`type de notification invalide : ${kind}`);
  KINDS.set(kind, label);
}

export function kindLabel(kind: string) {
  return KINDS.get(kind) ?? kind;
}

/** The channels each user wants for `kind` (their row for it, else their "*" row, else both). */
export function channelsFor(tx: Db, userIds: string[], kind: string): Map<string, Channels> {
  const out = new Map<string, Channels>(userIds.map((u) => [u, { ...DEFAULT }]));
  if (!userIds.length) return out;
  const rows = tx.select().from(notificationPrefs).where(and(inArray(notificationPrefs.userId, userIds), inArray(notificationPrefs.kind, [kind, ANY_KIND]))).all();
  // The wildcard first, then the specific row overrides it.
  rows.sort((a, b) => (a.kind === ANY_KIND ? -1 : 0) - (b.kind === ANY_KIND ? -1 : 0));
  for (const r of rows) out.set(r.userId, { inApp: !!r.inApp, email: !!r.email });
  return out;
}

/** What the preferences page shows: the default, and every known or received kind with its effective choice. */
export function getPrefs(db: Db, userId: string) {
  const rows = db.select().from(notificationPrefs).where(eq(notificationPrefs.userId, userId)).all();
  const own = new Map(rows.map((r) => [r.kind, { inApp: !!r.inApp, email: !!r.email }]));
  const def = own.get(ANY_KIND) ?? { ...DEFAULT };
  const received = db.selectDistinct({ kind: notifications.kind }).from(notifications).where(eq(notifications.userId, userId)).all().map((r) => r.kind);
  const kinds = [...new Set([...KINDS.keys(), ...received, ...own.keys()])].filter((k) => k !== ANY_KIND).sort();
  return {
    default: def,
    kinds: kinds.map((kind) => ({ kind, label: kindLabel(kind), ...(own.get(kind) ?? def), custom: own.has(kind) })),
  };
}

/** Input of PUT /api/notifications/prefs; `reset` drops a kind's own row so it follows the default again. */
export interface PrefsInput {
  default?: Channels;
  kinds?: { kind: string; inApp: boolean; email: boolean }[];
  reset?: string[];
}

/** Saves the user's choices (upserts), audited in the appliance-wide chain (preferences belong to no organisation). */
export function setPrefs(db: Db, who: { actor: Actor; ip: string | null; clock: Clock }, input: PrefsInput) {
  const userId = who.actor.userId;
  const bad = [...(input.kinds ?? []).map((k) => k.kind), ...(input.reset ?? [])].filter((k) => !KIND_RE.test(k));
  if (bad.length) throw new Invalid(`Type de notification invalide : ${bad.join(", ")}.`, { kinds: "Type de notification invalide." });
  const rows = [...(input.default ? [{ kind: ANY_KIND, ...input.default }] : []), ...(input.kinds ?? [])];
  withTransaction(db, (tx) => {
    for (const r of rows) {
      const v = { inApp: r.inApp ? 1 : 0, email: r.email ? 1 : 0 };
      tx.insert(notificationPrefs).values({ userId, kind: r.kind, ...v }).onConflictDoUpdate({ target: [notificationPrefs.userId, notificationPrefs.kind], set: v }).run();
    }
    if (input.reset?.length) tx.delete(notificationPrefs).where(and(eq(notificationPrefs.userId, userId), inArray(notificationPrefs.kind, input.reset), sql`${notificationPrefs.kind} <> ${ANY_KIND}`)).run();
    audit(tx, { ...who, org: null }, { action: "notification_prefs.updated", entity: "user", entityId: userId, data: { set: rows, reset: input.reset ?? [] } });
  });
  return getPrefs(db, userId);
}
