/** GDPR: a patron's data export, erasure that keeps anonymous statistics, purge of inactive patrons. */
import { and, asc, eq, inArray, isNull, lt, sql } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict } from "../../../core/errors";
import { epnCodes, epnConnectionLog, epnConsents, epnPatrons, epnReservations, epnSessions } from "../schema";
import { livePatron, patronInOrg, present } from "./patrons";
import { ageBand, CATEGORIES, SEXES } from "./categories";
import { formatCode } from "./codes";
import { localParts } from "./local-time";
import { getSettings } from "./settings";
import { textVersion, type TextKind } from "./texts";
import { toCsv, type Cell } from "./csv";

/** Everything the appliance holds about a patron (the right of access), as one object. */
export function exportPatron(ctx: Ctx, id: string) {
  const p = livePatron(ctx, ctx.db, id);
  const sessions = ctx.db.select().from(epnSessions).where(and(eq(epnSessions.orgId, ctx.org), eq(epnSessions.holder, id), eq(epnSessions.patronId, id))).orderBy(asc(epnSessions.startedAt)).all();
  const consents = ctx.db.select().from(epnConsents).where(and(eq(epnConsents.orgId, ctx.org), eq(epnConsents.patronId, id))).orderBy(asc(epnConsents.at)).all();
  const log = sessions.length
    ? ctx.db.select().from(epnConnectionLog).where(and(eq(epnConnectionLog.orgId, ctx.org), inArray(epnConnectionLog.sessionId, sessions.map((s) => s.id)))).orderBy(asc(epnConnectionLog.startedAt)).all()
    : [];
  const { id: _id, orgId: _o, erasedAt: _e, erasedHow: _h, ...fields } = present(ctx, p);
  return {
    exportéLe: ctx.clock.now().toISOString(),
    usager: { id: p.id, ...fields, categoryLabel: CATEGORIES[p.category as keyof typeof CATEGORIES] ?? p.category, sexLabel: p.sex ? SEXES[p.sex as keyof typeof SEXES] : null },
    consentements: consents.map((c) => ({ type: c.kind, version: c.version, acceptéLe: c.at, recueilliPar: c.staffLabel, texte: safeText(ctx, c.kind as TextKind, c.version) })),
    codes: ctx.db.select().from(epnCodes).where(and(eq(epnCodes.orgId, ctx.org), eq(epnCodes.patronId, id))).all().map((c) => ({ code: formatCode(c.code), validFrom: c.validFrom, validUntil: c.validUntil, uses: c.uses, usedMinutes: Math.floor(c.usedSeconds / 60), revokedAt: c.revokedAt })),
    sessions: sessions.map((s) => ({ id: s.id, startedAt: s.startedAt, endedAt: s.endedAt, endReason: s.endReason, usedSeconds: s.usedSeconds, workstationId: s.workstationId })),
    reservations: ctx.db.select().from(epnReservations).where(and(eq(epnReservations.orgId, ctx.org), eq(epnReservations.patronId, id))).all().map((r) => ({ startsAt: r.startsAt, endsAt: r.endsAt, status: r.status, note: r.note })),
    journalDesConnexions: log.map((l) => ({ poste: l.workstationName, début: l.startedAt, fin: l.endedAt, ip: l.ip, mac: l.mac })),
  };
}

function safeText(ctx: Ctx, kind: TextKind, version: number) {
  try {
    return textVersion(ctx, kind, version);
  } catch {
    return null;
  }
}

/** The same export as CSV: one line per value, grouped by section (rubrique; élément; champ; valeur). */
export function exportPatronCsv(ctx: Ctx, id: string) {
  const e = exportPatron(ctx, id);
  const rows: Cell[][] = [["rubrique", "élément", "champ", "valeur"]];
  const add = (section: string, item: string | number, obj: Record<string, unknown>) => {
    for (const [k, v] of Object.entries(obj)) rows.push([section, item, k, v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : (v as Cell)]);
  };
  add("usager", 1, e.usager);
  e.consentements.forEach((c, i) => add("consentement", i + 1, c));
  e.codes.forEach((c, i) => add("code", i + 1, c));
  e.sessions.forEach((s, i) => add("session", i + 1, s));
  e.reservations.forEach((r, i) => add("réservation", i + 1, r));
  e.journalDesConnexions.forEach((l, i) => add("connexion", i + 1, l));
  return toCsv(rows);
}

/**
 * Removes a patron's personal data inside the caller's transaction. Kept: an anonymous row (age band,
 * commune, category, sex, registration day) and the sessions' statistical snapshot, unlinked from it.
 * The connection log keeps its entries until its own legal retention ends.
 */
function eraseTx(ctx: Ctx, tx: Db, p: typeof epnPatrons.$inferSelect, how: "erasure" | "purge") {
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const band = ageBand(p.birthYear, localParts(now, getSettings(ctx).timezone).year);
  tx.update(epnPatrons)
    .set({ firstName: null, lastName: null, birthYear: null, ageBand: band, email: null, phone: null, notes: null, consentBy: null, erasedAt: nowIso, erasedHow: how, updatedAt: nowIso })
    .where(eq(epnPatrons.id, p.id))
    .run();
  // Each session gets its own random holder, so the erased person's visits can no longer be linked.
  tx.update(epnSessions).set({ patronId: null, holder: sql`'anon-' || lower(hex(randomblob(8)))` }).where(and(eq(epnSessions.orgId, ctx.org), eq(epnSessions.holder, p.id), eq(epnSessions.patronId, p.id))).run();
  tx.delete(epnConsents).where(and(eq(epnConsents.orgId, ctx.org), eq(epnConsents.patronId, p.id))).run();
  tx.update(epnCodes).set({ patronId: null, revokedAt: sql`coalesce(${epnCodes.revokedAt}, ${nowIso})`, label: null, updatedAt: nowIso }).where(and(eq(epnCodes.orgId, ctx.org), eq(epnCodes.patronId, p.id))).run();
  tx.update(epnReservations).set({ status: sql`case when ${epnReservations.status} = 'booked' then 'cancelled' else ${epnReservations.status} end`, patronId: null, note: null, updatedAt: nowIso }).where(and(eq(epnReservations.orgId, ctx.org), eq(epnReservations.patronId, p.id))).run();
}

/** Erases a patron on request (right to erasure); refused while the patron is in a session. */
export function erasePatron(ctx: Ctx, id: string) {
  return withTransaction(ctx.db, (tx) => {
    const p = livePatron(ctx, tx, id);
    const running = tx.select({ id: epnSessions.id }).from(epnSessions).where(and(eq(epnSessions.holder, id), isNull(epnSessions.endedAt))).get();
    if (running) throw new Conflict("Cet usager a une session en cours : terminez-la avant d'effacer ses données.");
    const kept = tx.select({ n: sql<number>`count(*)` }).from(epnConnectionLog).innerJoin(epnSessions, eq(epnSessions.id, epnConnectionLog.sessionId)).where(and(eq(epnSessions.orgId, ctx.org), eq(epnSessions.holder, id), eq(epnSessions.patronId, id))).get()!.n;
    eraseTx(ctx, tx, p, "erasure");
    audit(tx, ctx, { action: "epn.patron.erased", entity: "epn_patron", entityId: id, data: { connectionLogKept: kept } });
    return { id, erased: true, connectionLogKept: kept };
  });
}

/** Patrons with no activity since the retention limit (what the purge would erase). */
export function purgePreview(ctx: Ctx) {
  const s = getSettings(ctx);
  const now = ctx.clock.now();
  const limit = new Date(now);
  limit.setUTCMonth(limit.getUTCMonth() - s.patronRetentionMonths);
  const rows = ctx.db
    .select()
    .from(epnPatrons)
    .where(and(eq(epnPatrons.orgId, ctx.org), isNull(epnPatrons.erasedAt), lt(epnPatrons.lastActivityAt, limit.toISOString())))
    .orderBy(asc(epnPatrons.lastActivityAt))
    .all();
  const busy = new Set(ctx.db.select({ p: epnSessions.patronId }).from(epnSessions).where(and(eq(epnSessions.orgId, ctx.org), isNull(epnSessions.endedAt))).all().map((r) => r.p));
  const due = rows.filter((r) => !busy.has(r.id));
  return {
    retentionMonths: s.patronRetentionMonths,
    inactiveSince: limit.toISOString(),
    count: due.length,
    patrons: due.map((p) => ({ id: p.id, name: [p.firstName, p.lastName].filter(Boolean).join(" "), lastActivityAt: p.lastActivityAt, registeredOn: p.registeredOn })),
  };
}

/** Erases every patron the preview lists; one audit row names how many and which ids. */
export function purgeInactive(ctx: Ctx) {
  const preview = purgePreview(ctx);
  if (!preview.count) return { purged: 0 };
  withTransaction(ctx.db, (tx) => {
    for (const item of preview.patrons) eraseTx(ctx, tx, patronInOrg(ctx, tx, item.id), "purge");
    audit(tx, ctx, { action: "epn.patrons.purged", entity: "epn_patron", entityId: null, data: { count: preview.count, ids: preview.patrons.map((p) => p.id), inactiveSince: preview.inactiveSince } });
  });
  return { purged: preview.count };
}
