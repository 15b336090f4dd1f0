/** Opening a session with a code at a kiosk: every rule checked in one transaction, the server sets the end. */
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { withTransaction } from "../../../core/db/client";
import { insertRow, prepared, sameOrg, updateById } from "./prepared";
import { audit } from "../../../core/audit/service";
import { TooMany } from "../../../core/errors";
import { epnCodeFailures, epnCodes, epnConnectionLog, epnPatrons, epnReservations, epnSessions, epnWorkstations } from "../schema";
import { codeStatus, formatCode, normalizeCode } from "./codes";
import { ageBand, isMinorBand } from "./categories";
import { hhmm, localDay, localParts } from "./local-time";
import { openingAt } from "./opening-hours";
import { closuresFor, roomInOrg } from "./rooms";
import { getSettings, type EpnSettings } from "./settings";
import { Refused, sessionLength } from "./session-rules";
import { announceTiles, patronName, RESERVED_AHEAD_MS, tilesToPublish } from "./room-view";

/** Wrong codes are counted over this window. */
export const FAILURE_WINDOW_MS = 10 * 60_000;

const CODE_MESSAGES: Record<string, string> = {
  not_yet: "Ce code n'est pas encore valable.",
  expired: "Ce code a expiré : demandez-en un nouveau à l'accueil.",
  used: "Ce code a déjà servi (usage unique) : demandez-en un nouveau à l'accueil.",
  exhausted: "Le crédit de temps de ce code est épuisé : demandez un nouveau code à l'accueil.",
  revoked: "Ce code a été annulé : adressez-vous à l'accueil.",
};

const P = (name: string) => sql.placeholder(name);

/** The reads of the opening path, prepared once per database. */
function statements(db: Db) {
  return prepared(db, "open-session", (d) => ({
    codeByText: d.select().from(epnCodes).where(and(eq(epnCodes.orgId, P("org")), eq(epnCodes.code, P("code")))).prepare(),
    ws: d.select().from(epnWorkstations).where(and(eq(epnWorkstations.id, P("id")), eq(epnWorkstations.orgId, P("org")))).prepare(),
    running: d.select({ id: epnSessions.id }).from(epnSessions).where(and(eq(epnSessions.workstationId, P("ws")), isNull(epnSessions.endedAt))).prepare(),
    patron: d.select().from(epnPatrons).where(eq(epnPatrons.id, P("id"))).prepare(),
    // A subselect, not a join, and no ORDER BY below: either is planned again at every call (3–5 µs, see
    // room-view.ts); the few reservations are sorted in JS.
    busy: d
      .select({ ws: sql<string>`(SELECT name FROM ${epnWorkstations} WHERE ${epnWorkstations.id} = ${epnSessions.workstationId})` })
      .from(epnSessions)
      .where(and(sameOrg(epnSessions.orgId, P("org")), eq(epnSessions.holder, P("holder")), isNull(epnSessions.endedAt)))
      .prepare(),
    reservations: d
      .select()
      .from(epnReservations)
      .where(and(sameOrg(epnReservations.orgId, P("org")), eq(epnReservations.workstationId, P("ws")), eq(epnReservations.status, "booked"), gt(epnReservations.endsAt, P("now"))))
      .prepare(),
    usedToday: d
      .select({ s: sql<number>`coalesce(sum(${epnSessions.usedSeconds}), 0)` })
      .from(epnSessions)
      .where(and(eq(epnSessions.orgId, P("org")), eq(epnSessions.holder, P("holder")), eq(epnSessions.localDay, P("day"))))
      .prepare(),
    countUse: d.update(epnCodes).set({ uses: sql`${epnCodes.uses} + 1`, updatedAt: sql`${P("now")}` }).where(eq(epnCodes.id, P("id"))).prepare(),
    patronSeen: d.update(epnPatrons).set({ lastActivityAt: sql`${P("now")}` }).where(eq(epnPatrons.id, P("id"))).prepare(),
    wsSeen: d.update(epnWorkstations).set({ lastSeenAt: sql`${P("now")}`, online: 1, ip: sql`coalesce(${P("ip")}, ${epnWorkstations.ip})` }).where(eq(epnWorkstations.id, P("id"))).prepare(),
  }));
}

// Both counters in one statement (one read per attempt instead of two); a null address counts nothing.
// UNION ALL of two plain aggregates: min() in scalar subqueries is planned again at every call (room-view.ts).
const FAILURES_SQL = `SELECT 'ws', count(*), min(at) FROM epn_code_failures WHERE workstation_id = ?1 AND at >= ?3
  UNION ALL SELECT 'ip', count(*), min(at) FROM epn_code_failures WHERE ip = ?2 AND at >= ?3`;

/** Refuses early when this workstation or address typed too many wrong codes recently. */
function checkRateLimit(ctx: Ctx, wsId: string, s: EpnSettings) {
  const since = new Date(ctx.clock.now().getTime() - FAILURE_WINDOW_MS).toISOString();
  const rows = ctx.db.$client.query(FAILURES_SQL).values(wsId, ctx.ip ?? null, since) as [string, number, string | null][];
  const byWs = rows.find((r) => r[0] === "ws")!;
  const byIp = rows.find((r) => r[0] === "ip")!;
  const first = byWs[1] >= s.maxCodeFailures ? byWs[2] : byIp[1] >= s.maxCodeFailures * 4 ? byIp[2] : null;
  if (first) {
    const wait = Math.max(1, Math.ceil((Date.parse(first) + FAILURE_WINDOW_MS - ctx.clock.now().getTime()) / 1000));
    throw new TooMany(`Trop de codes erronés sur ce poste : réessayez dans ${Math.ceil(wait / 60)} minute(s) ou adressez-vous à l'accueil.`, wait);
  }
}

/** Records a wrong code in its own transaction (the refusal that follows must not roll it back). */
function recordFailure(ctx: Ctx, wsId: string) {
  withTransaction(ctx.db, (tx) => {
    tx.insert(epnCodeFailures).values({ id: Bun.randomUUIDv7(), orgId: ctx.org, workstationId: wsId, ip: ctx.ip, at: ctx.clock.now().toISOString() }).run();
  });
  return new Refused(422, "code_unknown", "Code inconnu : vérifiez la saisie (les codes n'utilisent ni O ni I, ni 0 ni 1).");
}

/** Seconds the holder (patron, or code for a guest) already used on this local day. */
export function usedToday(db: Db, orgId: string, holder: string, day: string) {
  return statements(db).usedToday.get({ org: orgId, holder, day })!.s;
}

/** Reservations of the workstation that matter now; a no-show past its delay is released on the way. */
function reservationsNow(ctx: Ctx, tx: Db, wsId: string, patronId: string | null, s: EpnSettings) {
  const now = ctx.clock.now();
  const rows = statements(tx).reservations.all({ org: ctx.org, ws: wsId, now: now.toISOString() }).sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0));
  const mine: string[] = [];
  let next: Date | null = null;
  for (const r of rows) {
    const start = Date.parse(r.startsAt);
    if (start + s.noShowMinutes * 60_000 <= now.getTime()) {
      tx.update(epnReservations).set({ status: "released", updatedAt: now.toISOString() }).where(eq(epnReservations.id, r.id)).run();
      audit(tx, ctx, { action: "epn.reservation.released", entity: "epn_reservation", entityId: r.id, data: { workstationId: wsId, startsAt: r.startsAt, raison: "absence" } });
      continue;
    }
    if (patronId && r.patronId === patronId && start - now.getTime() <= RESERVED_AHEAD_MS) mine.push(r.id);
    else if (start <= now.getTime()) throw new Refused(409, "reserved", `Ce poste est réservé jusqu'à ${hhmm(new Date(r.endsAt), s.timezone)} : installez-vous sur un autre poste.`);
    else if (!next) next = new Date(start);
  }
  return { mine, next };
}

/** What the kiosk receives when a session opens. */
export interface OpenedSession {
  id: string;
  startedAt: string;
  endsAt: string;
  secondsLeft: number;
  limitedBy: string;
  /** First name only, for the kiosk greeting; null for guests. */
  firstName: string | null;
  guest: boolean;
  /** Minors get the stricter filtering policy (DNS filter issue). */
  minor: boolean;
}

/** Opens a session on the caller's workstation with the code typed; throws a Refused with a French message. */
export function openSession(ctx: Ctx, wsId: string, input: { code: string }): OpenedSession {
  const q = statements(ctx.db);
  // Every read, the live tile included, runs in the one write transaction: each statement outside a
  // transaction takes and releases SQLite's file locks itself (system calls), and this runs per session.
  const result = withTransaction(ctx.db, (tx) => {
    const s = getSettings(ctx);
    checkRateLimit(ctx, wsId, s);
    const code = normalizeCode(input.code);
    const c = code ? q.codeByText.get({ org: ctx.org, code }) : undefined;
    // Unknown: nothing written here; the failure is recorded in its own transaction below.
    if (!c) return null;
    const now = ctx.clock.now();
    const nowIso = now.toISOString();
    const ws = q.ws.get({ id: wsId, org: ctx.org });
    if (!ws) throw new Refused(409, "workstation_unknown", "Ce poste n'est plus enregistré.");
    if (ws.maintenance) throw new Refused(423, "maintenance", "Ce poste est en maintenance : installez-vous sur un autre poste.");
    if (ws.locked) throw new Refused(423, "locked", "Ce poste est verrouillé par l'animateur.");
    if (q.running.get({ ws: wsId }))
      throw new Refused(409, "session_running", "Une session est déjà ouverte sur ce poste.");
    const status = codeStatus(c, now);
    if (status !== "active") throw new Refused(422, "code_" + status, CODE_MESSAGES[status]!);
    const patron = c.patronId ? q.patron.get({ id: c.patronId }) : null;
    if (c.patronId && (!patron || patron.erasedAt)) throw new Refused(422, "code_revoked", CODE_MESSAGES.revoked!);
    if (patron && !patron.consentVersion) throw new Refused(409, "consent_missing", "Votre consentement RGPD n'a pas été recueilli : passez à l'accueil avant d'utiliser un poste.");
    if (patron && !patron.reglementVersion) throw new Refused(409, "reglement_missing", "Vous n'avez pas encore accepté le règlement de l'espace : passez à l'accueil.");
    const holder = patron ? patron.id : c.id;
    const busy = q.busy.get({ org: ctx.org, holder });
    if (busy) throw new Refused(409, "code_in_use", `Une session est déjà ouverte avec ce code sur le poste « ${busy.ws} ».`);
    const room = roomInOrg(ctx, tx, ws.roomId);
    const today = localDay(now, s.timezone);
    const opening = openingAt(now, room.id, room.hours, closuresFor(ctx, tx, room.id, today), s.timezone);
    const res = reservationsNow(ctx, tx, wsId, patron?.id ?? null, s);
    const len = sessionLength({
      now, tz: s.timezone, opening, maxSessionMinutes: s.maxSessionMinutes, minSessionMinutes: s.minSessionMinutes, dailyQuotaMinutes: s.dailyQuotaMinutes,
      usedTodaySeconds: usedToday(tx, ctx.org, holder, today),
      allowanceLeftSeconds: c.allowanceMinutes === null ? null : c.allowanceMinutes * 60 - c.usedSeconds,
      nextReservationAt: res.next,
    });
    const id = Bun.randomUUIDv7();
    const band = patron ? (patron.birthYear ? ageBand(patron.birthYear, localParts(now, s.timezone).year) : null) : null;
    insertRow(tx, epnSessions, {
      id, orgId: ctx.org, workstationId: wsId, roomId: room.id, codeId: c.id, patronId: patron?.id ?? null, holder,
      startedAt: nowIso, endsAt: len.endsAt.toISOString(), limitedBy: len.limitedBy, lastActivityAt: nowIso, localDay: today,
      guest: patron ? 0 : 1, ageBand: band, commune: patron?.commune ?? null, category: patron?.category ?? null, sex: patron?.sex ?? null,
      createdAt: nowIso, updatedAt: nowIso,
    });
    q.countUse.run({ id: c.id, now: nowIso });
    if (patron) q.patronSeen.run({ id: patron.id, now: nowIso });
    for (const r of res.mine) updateById(tx, epnReservations, r, { status: "honoured", updatedAt: nowIso });
    q.wsSeen.run({ id: wsId, now: nowIso, ip: ctx.ip });
    insertRow(tx, epnConnectionLog, {
      id: Bun.randomUUIDv7(), orgId: ctx.org, sessionId: id, workstationId: wsId, workstationName: ws.name,
      userLabel: patron ? patronName(patron) ?? "Usager" : `Invité${c.label ? ` (${c.label})` : ""}`,
      codeHint: "…" + formatCode(c.code).slice(-3), ip: ctx.ip ?? ws.ip, mac: ws.mac, startedAt: nowIso, endedAt: null,
    });
    audit(tx, ctx, { action: "epn.session.opened", entity: "epn_session", entityId: id, data: { workstationId: wsId, codeId: c.id, patronId: patron?.id ?? null, endsAt: len.endsAt.toISOString(), limitedBy: len.limitedBy } });
    const opened: OpenedSession = { id, startedAt: nowIso, endsAt: len.endsAt.toISOString(), secondsLeft: len.seconds, limitedBy: len.limitedBy, firstName: patron?.firstName ?? null, guest: !patron, minor: isMinorBand(band) };
    return { opened, tiles: tilesToPublish(ctx, [wsId], s) };
  });
  if (!result) throw recordFailure(ctx, wsId);
  announceTiles(ctx, result.tiles);
  return result.opened;
}
