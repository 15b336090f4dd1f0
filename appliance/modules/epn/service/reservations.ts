/** Reservations: staff book a workstation slot for a patron; limits, conflicts, free slots, no-show release. */
import { and, asc, eq, gt, inArray, lt, lte, sql } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { epnPatrons, epnReservations, epnRooms, epnSessions, epnWorkstations } from "../schema";
import { livePatron } from "./patrons";
import { workstationInOrg } from "./workstations";
import { closuresFor, roomInOrg } from "./rooms";
import { intervalsOn, openingAt, type WeekHours } from "./opening-hours";
import { addDays, hhmm, localDay, zonedTime } from "./local-time";
import { getSettings } from "./settings";
import { patronName, publishTiles } from "./room-view";

const ACTIVE = ["booked", "honoured"];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function instant(v: string, field: string) {
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(t)) throw new Invalid("Date et heure invalides (AAAA-MM-JJTHH:MM).", { [field]: "Date et heure attendues." });
  return new Date(t);
}

/** A reservation of this organisation, or NotFound. */
export function reservationInOrg(ctx: Pick<Ctx, "org">, db: Db, id: string) {
  const r = db.select().from(epnReservations).where(and(eq(epnReservations.id, id), eq(epnReservations.orgId, ctx.org))).get();
  if (!r) throw new NotFound("Réservation introuvable.");
  return r;
}

/** Books a slot; refused outside opening hours, over another booking, past the patron's limit. */
export function createReservation(ctx: Ctx, input: { workstationId: string; patronId: string; startsAt: string; endsAt?: string | null; durationMinutes?: number | null; note?: string | null }) {
  const s = getSettings(ctx);
  const start = instant(input.startsAt, "startsAt");
  const end = input.endsAt ? instant(input.endsAt, "endsAt") : new Date(start.getTime() + (input.durationMinutes ?? 60) * 60_000);
  const now = ctx.clock.now();
  const minutes = (end.getTime() - start.getTime()) / 60_000;
  if (minutes <= 0) throw new Invalid("La fin de la réservation doit suivre son début.", { endsAt: "Doit suivre le début." });
  if (minutes > s.maxReservationMinutes) throw new Invalid(`Une réservation dure au plus ${s.maxReservationMinutes} minutes.`, { endsAt: `${s.maxReservationMinutes} minutes maximum.` });
  if (end <= now) throw new Invalid("Ce créneau est déjà passé.", { startsAt: "Créneau passé." });
  const note = input.note?.trim() || null;
  if (note && note.length > 200) throw new Invalid("Remarque trop longue (200 caractères maximum).", { note: "200 caractères maximum." });
  const row = withTransaction(ctx.db, (tx) => {
    const ws = workstationInOrg(ctx, tx, input.workstationId);
    const patron = livePatron(ctx, tx, input.patronId);
    if (!patron.consentVersion) throw new Conflict("Cet usager n'a pas donné son consentement RGPD : recueillez-le avant de réserver pour lui.");
    const room = roomInOrg(ctx, tx, ws.roomId);
    const opening = openingAt(start, room.id, room.hours, closuresFor(ctx, tx, room.id, localDay(start, s.timezone)), s.timezone);
    if (!opening.open) throw new Conflict(opening.closure ? `Fermeture exceptionnelle ce jour-là (${opening.closure}).` : "L'espace est fermé à cette heure-là : choisissez un créneau pendant les heures d'ouverture.", "closed");
    if (opening.closesAt < end) throw new Conflict(`Le créneau dépasse la fermeture (${hhmm(opening.closesAt, s.timezone)}).`, "closed");
    const clash = tx
      .select({ startsAt: epnReservations.startsAt, endsAt: epnReservations.endsAt })
      .from(epnReservations)
      .where(and(eq(epnReservations.workstationId, ws.id), inArray(epnReservations.status, ACTIVE), lt(epnReservations.startsAt, end.toISOString()), gt(epnReservations.endsAt, start.toISOString())))
      .get();
    if (clash) throw new Conflict(`Le poste « ${ws.name} » est déjà réservé de ${hhmm(new Date(clash.startsAt), s.timezone)} à ${hhmm(new Date(clash.endsAt), s.timezone)}.`, "reservation_conflict");
    const running = tx.select({ endsAt: epnSessions.endsAt }).from(epnSessions).where(and(eq(epnSessions.workstationId, ws.id), sql`${epnSessions.endedAt} IS NULL`)).get();
    if (running && Date.parse(running.endsAt) > start.getTime()) throw new Conflict(`Le poste est occupé jusqu'à ${hhmm(new Date(running.endsAt), s.timezone)}.`, "reservation_conflict");
    const mine = tx
      .select({ n: sql<number>`count(*)` })
      .from(epnReservations)
      .where(and(eq(epnReservations.orgId, ctx.org), eq(epnReservations.patronId, patron.id), eq(epnReservations.status, "booked"), gt(epnReservations.endsAt, now.toISOString())))
      .get()!.n;
    if (mine >= s.maxReservationsPerPatron) throw new Conflict(`Cet usager a déjà ${mine} réservation(s) à venir (maximum ${s.maxReservationsPerPatron}).`, "reservation_limit");
    const overlapSelf = tx
      .select({ id: epnReservations.id })
      .from(epnReservations)
      .where(and(eq(epnReservations.orgId, ctx.org), eq(epnReservations.patronId, patron.id), inArray(epnReservations.status, ACTIVE), lt(epnReservations.startsAt, end.toISOString()), gt(epnReservations.endsAt, start.toISOString())))
      .get();
    if (overlapSelf) throw new Conflict("Cet usager a déjà une réservation sur ce créneau.", "reservation_conflict");
    const stamp = now.toISOString();
    const r = { id: Bun.randomUUIDv7(), orgId: ctx.org, workstationId: ws.id, patronId: patron.id, startsAt: start.toISOString(), endsAt: end.toISOString(), status: "booked", note, createdBy: ctx.actor.label, createdAt: stamp, updatedAt: stamp };
    tx.insert(epnReservations).values(r).run();
    audit(tx, ctx, { action: "epn.reservation.created", entity: "epn_reservation", entityId: r.id, data: { workstationId: ws.id, patronId: patron.id, startsAt: r.startsAt, endsAt: r.endsAt } });
    return { ...r, workstationName: ws.name, patronName: patronName(patron) };
  });
  publishTiles(ctx, [row.workstationId]);
  return row;
}

/** Cancels a booked reservation. */
export function cancelReservation(ctx: Ctx, id: string) {
  const r = withTransaction(ctx.db, (tx) => {
    const r = reservationInOrg(ctx, tx, id);
    if (r.status !== "booked") throw new Conflict("Seule une réservation à venir peut être annulée.");
    tx.update(epnReservations).set({ status: "cancelled", updatedAt: ctx.clock.now().toISOString() }).where(eq(epnReservations.id, id)).run();
    audit(tx, ctx, { action: "epn.reservation.cancelled", entity: "epn_reservation", entityId: id, data: { workstationId: r.workstationId, startsAt: r.startsAt } });
    return r;
  });
  publishTiles(ctx, [r.workstationId]);
  return { ...r, status: "cancelled" };
}

/** The day planner: every workstation with its opening ranges and the day's reservations. */
export function dayPlanner(ctx: Ctx, day: string) {
  if (!DAY.test(day)) throw new Invalid("Jour invalide (AAAA-MM-JJ).", { day: "Date attendue." });
  const s = getSettings(ctx);
  const from = zonedTime(day, "00:00", s.timezone).toISOString();
  const to = zonedTime(addDays(day, 1), "00:00", s.timezone).toISOString();
  const rooms = new Map(ctx.db.select().from(epnRooms).where(eq(epnRooms.orgId, ctx.org)).all().map((r) => [r.id, { ...r, hours: JSON.parse(r.hours) as WeekHours }]));
  const closures = closuresFor(ctx, ctx.db, null, day);
  const res = ctx.db
    .select({ r: epnReservations, firstName: epnPatrons.firstName, lastName: epnPatrons.lastName })
    .from(epnReservations)
    .leftJoin(epnPatrons, eq(epnPatrons.id, epnReservations.patronId))
    .where(and(eq(epnReservations.orgId, ctx.org), lt(epnReservations.startsAt, to), gt(epnReservations.endsAt, from), inArray(epnReservations.status, ["booked", "honoured", "released"])))
    .orderBy(asc(epnReservations.startsAt))
    .all();
  const ws = ctx.db.select().from(epnWorkstations).where(eq(epnWorkstations.orgId, ctx.org)).orderBy(asc(epnWorkstations.name)).all();
  return {
    day,
    workstations: ws.map((w) => {
      const room = rooms.get(w.roomId)!;
      return {
        id: w.id,
        name: w.name,
        roomId: w.roomId,
        roomName: room?.name ?? "",
        open: room ? intervalsOn(day, room.id, room.hours, closures, s.timezone).map((i) => ({ startsAt: i.start.toISOString(), endsAt: i.end.toISOString() })) : [],
        reservations: res.filter((x) => x.r.workstationId === w.id).map((x) => ({ ...x.r, patronName: patronName(x) })),
      };
    }),
  };
}

/** Free windows of at least `minutes` on a day, per workstation (opening ranges minus bookings and the past). */
export function freeSlots(ctx: Ctx, day: string, minutes: number) {
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 600) throw new Invalid("Durée entre 5 et 600 minutes.", { minutes: "Entre 5 et 600." });
  const plan = dayPlanner(ctx, day);
  const now = ctx.clock.now().getTime();
  return plan.workstations.map((w) => {
    const busy = w.reservations.filter((r) => r.status !== "released").map((r) => [Date.parse(r.startsAt), Date.parse(r.endsAt)] as const);
    const free: { startsAt: string; endsAt: string }[] = [];
    for (const o of w.open) {
      let cursor = Math.max(Date.parse(o.startsAt), now);
      const end = Date.parse(o.endsAt);
      for (const [a, b] of busy.filter(([a, b]) => b > cursor && a < end).sort((x, y) => x[0] - y[0])) {
        if (a - cursor >= minutes * 60_000) free.push({ startsAt: new Date(cursor).toISOString(), endsAt: new Date(a).toISOString() });
        cursor = Math.max(cursor, b);
      }
      if (end - cursor >= minutes * 60_000) free.push({ startsAt: new Date(cursor).toISOString(), endsAt: new Date(end).toISOString() });
    }
    return { workstationId: w.id, name: w.name, roomName: w.roomName, free };
  });
}

/** Releases reservations nobody honoured within the no-show delay; returns the workstations touched. */
export function releaseNoShows(ctx: Ctx) {
  const s = getSettings(ctx);
  const limit = new Date(ctx.clock.now().getTime() - s.noShowMinutes * 60_000).toISOString();
  const due = ctx.db
    .select()
    .from(epnReservations)
    .where(and(eq(epnReservations.orgId, ctx.org), eq(epnReservations.status, "booked"), lte(epnReservations.startsAt, limit)))
    .all();
  if (!due.length) return 0;
  withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    for (const r of due) {
      tx.update(epnReservations).set({ status: "released", updatedAt: now }).where(and(eq(epnReservations.id, r.id), eq(epnReservations.status, "booked"))).run();
      audit(tx, ctx, { action: "epn.reservation.released", entity: "epn_reservation", entityId: r.id, data: { workstationId: r.workstationId, startsAt: r.startsAt, raison: "absence" } });
    }
  });
  publishTiles(ctx, due.map((r) => r.workstationId));
  return due.length;
}
