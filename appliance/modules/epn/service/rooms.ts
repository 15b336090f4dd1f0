/** Rooms (groups of workstations) with their opening hours, and exceptional closures. */
import { and, asc, eq, gte, isNull, or, sql } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { withTransaction } from "../../../core/db/client";
import { prepared } from "./prepared";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { epnClosures, epnRooms, epnWorkstations } from "../schema";
import { DEFAULT_HOURS, validateHours, type ClosureLike, type WeekHours } from "./opening-hours";
import { localDay } from "./local-time";
import { getSettings } from "./settings";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function cleanName(name: string) {
  const n = name.trim();
  if (!n) throw new Invalid("Le nom est obligatoire.", { name: "Obligatoire." });
  if (n.length > 80) throw new Invalid("Nom trop long (80 caractères maximum).", { name: "80 caractères maximum." });
  return n;
}

/** A room of this organisation, or NotFound. */
export function roomInOrg(ctx: Pick<Ctx, "org">, db: Db, id: string) {
  const q = prepared(db, "room-by-id", (d) => d.select().from(epnRooms).where(and(eq(epnRooms.id, sql.placeholder("id")), eq(epnRooms.orgId, sql.placeholder("org")))).prepare());
  const r = q.get({ id, org: ctx.org });
  if (!r) throw new NotFound("Salle introuvable.");
  return { ...r, hours: JSON.parse(r.hours) as WeekHours };
}

/** Rooms with their hours and workstation counts. */
export function listRooms(ctx: Ctx) {
  const counts = new Map(
    ctx.db
      .select({ roomId: epnWorkstations.roomId, n: sql<number>`count(*)` })
      .from(epnWorkstations)
      .where(eq(epnWorkstations.orgId, ctx.org))
      .groupBy(epnWorkstations.roomId)
      .all()
      .map((r) => [r.roomId, r.n]),
  );
  return ctx.db
    .select()
    .from(epnRooms)
    .where(eq(epnRooms.orgId, ctx.org))
    .orderBy(asc(epnRooms.name))
    .all()
    .map((r) => ({ id: r.id, name: r.name, hours: JSON.parse(r.hours) as WeekHours, workstations: counts.get(r.id) ?? 0 }));
}

/** Creates a room (default hours unless given). */
export function createRoom(ctx: Ctx, input: { name: string; hours?: unknown }) {
  const name = cleanName(input.name);
  const hours = input.hours === undefined ? DEFAULT_HOURS : validateHours(input.hours);
  return withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const id = Bun.randomUUIDv7();
    tx.insert(epnRooms).values({ id, orgId: ctx.org, name, hours: JSON.stringify(hours), createdAt: now, updatedAt: now }).run();
    audit(tx, ctx, { action: "epn.room.created", entity: "epn_room", entityId: id, data: { name, hours } });
    return { id, name, hours, workstations: 0 };
  });
}

/** Renames a room or changes its opening hours. */
export function updateRoom(ctx: Ctx, id: string, input: { name?: string; hours?: unknown }) {
  const name = input.name === undefined ? undefined : cleanName(input.name);
  const hours = input.hours === undefined ? undefined : validateHours(input.hours);
  return withTransaction(ctx.db, (tx) => {
    const before = roomInOrg(ctx, tx, id);
    tx.update(epnRooms)
      .set({ ...(name ? { name } : {}), ...(hours ? { hours: JSON.stringify(hours) } : {}), updatedAt: ctx.clock.now().toISOString() })
      .where(and(eq(epnRooms.id, id), eq(epnRooms.orgId, ctx.org)))
      .run();
    audit(tx, ctx, { action: "epn.room.updated", entity: "epn_room", entityId: id, data: { avant: { name: before.name, hours: before.hours }, après: { name, hours } } });
    const r = roomInOrg(ctx, tx, id);
    return { id, name: r.name, hours: r.hours };
  });
}

/** Deletes an empty room (workstations must be moved or deleted first). */
export function deleteRoom(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const r = roomInOrg(ctx, tx, id);
    const used = tx.select({ id: epnWorkstations.id }).from(epnWorkstations).where(and(eq(epnWorkstations.roomId, id), eq(epnWorkstations.orgId, ctx.org))).limit(1).get();
    if (used) throw new Conflict("Cette salle contient encore des postes : déplacez-les ou supprimez-les d'abord.");
    tx.delete(epnClosures).where(and(eq(epnClosures.roomId, id), eq(epnClosures.orgId, ctx.org))).run();
    tx.delete(epnRooms).where(and(eq(epnRooms.id, id), eq(epnRooms.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "epn.room.deleted", entity: "epn_room", entityId: id, data: { name: r.name } });
  });
}

/** Closures that may matter for a room from `fromDay` on (all rooms' closures included). */
export function closuresFor(ctx: Pick<Ctx, "org">, db: Db, roomId: string | null, fromDay: string): ClosureLike[] {
  const room = sql.placeholder("room");
  const q = prepared(db, "closures-for", (d) =>
    d
      .select({ roomId: epnClosures.roomId, fromDay: epnClosures.fromDay, toDay: epnClosures.toDay, label: epnClosures.label })
      .from(epnClosures)
      // A null room asks for every closure; a room gets its own and the ones for all rooms.
      .where(and(eq(epnClosures.orgId, sql.placeholder("org")), gte(epnClosures.toDay, sql.placeholder("from")), sql`(${room} IS NULL OR ${epnClosures.roomId} IS NULL OR ${epnClosures.roomId} = ${room})`))
      .prepare(),
  );
  return q.all({ org: ctx.org, from: fromDay, room: roomId });
}

/** Upcoming and current closures (the past ones are of no use to staff). */
export function listClosures(ctx: Ctx) {
  const today = localDay(ctx.clock.now(), getSettings(ctx).timezone);
  return ctx.db.select().from(epnClosures).where(and(eq(epnClosures.orgId, ctx.org), gte(epnClosures.toDay, today))).orderBy(asc(epnClosures.fromDay)).all();
}

/** Adds an exceptional closure (public holiday, works) for one room or all. */
export function createClosure(ctx: Ctx, input: { roomId?: string | null; fromDay: string; toDay?: string | null; label: string }) {
  const toDay = input.toDay || input.fromDay;
  const fields: Record<string, string> = {};
  if (!DAY.test(input.fromDay) || Number.isNaN(Date.parse(input.fromDay))) fields.fromDay = "Date attendue (AAAA-MM-JJ).";
  if (!DAY.test(toDay) || Number.isNaN(Date.parse(toDay))) fields.toDay = "Date attendue (AAAA-MM-JJ).";
  const label = input.label.trim();
  if (!label || label.length > 120) fields.label = "Motif obligatoire (120 caractères maximum).";
  if (Object.keys(fields).length) throw new Invalid("Fermeture invalide : vérifiez les champs signalés.", fields);
  if (toDay < input.fromDay) throw new Invalid("La fin de la fermeture précède son début.", { toDay: "Doit suivre le début." });
  return withTransaction(ctx.db, (tx) => {
    if (input.roomId) roomInOrg(ctx, tx, input.roomId);
    const now = ctx.clock.now().toISOString();
    const id = Bun.randomUUIDv7();
    const row = { id, orgId: ctx.org, roomId: input.roomId ?? null, fromDay: input.fromDay, toDay, label, createdAt: now, updatedAt: now };
    tx.insert(epnClosures).values(row).run();
    audit(tx, ctx, { action: "epn.closure.created", entity: "epn_closure", entityId: id, data: { roomId: row.roomId, fromDay: row.fromDay, toDay, label } });
    return row;
  });
}

/** Removes a closure. */
export function deleteClosure(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const c = tx.select().from(epnClosures).where(and(eq(epnClosures.id, id), eq(epnClosures.orgId, ctx.org))).get();
    if (!c) throw new NotFound("Fermeture introuvable.");
    tx.delete(epnClosures).where(eq(epnClosures.id, id)).run();
    audit(tx, ctx, { action: "epn.closure.deleted", entity: "epn_closure", entityId: id, data: { fromDay: c.fromDay, toDay: c.toDay, label: c.label } });
  });
}
