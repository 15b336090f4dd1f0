/** Workstations: registry by room, maintenance flag, and the secret a kiosk authenticates with. */
import { and, eq, isNull } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { randomToken, sha256 } from "../../../core/auth/crypto";
import { epnWorkstations, epnSessions } from "../schema";
import { roomInOrg } from "./rooms";
import { publishTiles } from "./room-view";

/** Prefix of a workstation secret, so a leaked one is recognisable in logs and scanners. */
export const WORKSTATION_TOKEN_PREFIX = "gws_";

/** A workstation of this organisation, or NotFound. */
export function workstationInOrg(ctx: Pick<Ctx, "org">, db: Db, id: string) {
  const w = db.select().from(epnWorkstations).where(and(eq(epnWorkstations.id, id), eq(epnWorkstations.orgId, ctx.org))).get();
  if (!w) throw new NotFound("Poste introuvable.");
  return w;
}

function cleanName(name: string) {
  const n = name.trim();
  if (!n) throw new Invalid("Le nom du poste est obligatoire.", { name: "Obligatoire." });
  if (n.length > 60) throw new Invalid("Nom de poste trop long (60 caractères maximum).", { name: "60 caractères maximum." });
  return n;
}

function nameTaken(ctx: Pick<Ctx, "org">, db: Db, name: string, except?: string) {
  const other = db.select({ id: epnWorkstations.id }).from(epnWorkstations).where(and(eq(epnWorkstations.orgId, ctx.org), eq(epnWorkstations.name, name))).get();
  return !!other && other.id !== except;
}

/** Registers a workstation in a room (it shows offline until its agent reports). */
export function createWorkstation(ctx: Ctx, input: { name: string; roomId: string }) {
  const name = cleanName(input.name);
  const row = withTransaction(ctx.db, (tx) => {
    roomInOrg(ctx, tx, input.roomId);
    if (nameTaken(ctx, tx, name)) throw new Conflict(`Un poste s'appelle déjà « ${name} ».`);
    const now = ctx.clock.now().toISOString();
    const id = Bun.randomUUIDv7();
    tx.insert(epnWorkstations).values({ id, orgId: ctx.org, roomId: input.roomId, name, createdAt: now, updatedAt: now }).run();
    audit(tx, ctx, { action: "epn.workstation.created", entity: "epn_workstation", entityId: id, data: { name, roomId: input.roomId } });
    return { id };
  });
  publishTiles(ctx, [row.id]);
  return { id: row.id, name, roomId: input.roomId };
}

/** Renames, moves, or puts a workstation in or out of maintenance. */
export function updateWorkstation(ctx: Ctx, id: string, input: { name?: string; roomId?: string; maintenance?: boolean }) {
  const name = input.name === undefined ? undefined : cleanName(input.name);
  withTransaction(ctx.db, (tx) => {
    const before = workstationInOrg(ctx, tx, id);
    if (input.roomId) roomInOrg(ctx, tx, input.roomId);
    if (name && nameTaken(ctx, tx, name, id)) throw new Conflict(`Un poste s'appelle déjà « ${name} ».`);
    const set = {
      ...(name ? { name } : {}),
      ...(input.roomId ? { roomId: input.roomId } : {}),
      ...(input.maintenance !== undefined ? { maintenance: input.maintenance ? 1 : 0 } : {}),
      updatedAt: ctx.clock.now().toISOString(),
    };
    tx.update(epnWorkstations).set(set).where(and(eq(epnWorkstations.id, id), eq(epnWorkstations.orgId, ctx.org))).run();
    audit(tx, ctx, {
      action: "epn.workstation.updated",
      entity: "epn_workstation",
      entityId: id,
      data: { avant: { name: before.name, roomId: before.roomId, maintenance: !!before.maintenance }, après: { name, roomId: input.roomId, maintenance: input.maintenance } },
    });
  });
  publishTiles(ctx, [id]);
  const w = workstationInOrg(ctx, ctx.db, id);
  return { id, name: w.name, roomId: w.roomId, maintenance: !!w.maintenance };
}

/** Removes a workstation (refused while a session runs on it); its past sessions stay in statistics. */
export function deleteWorkstation(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const w = workstationInOrg(ctx, tx, id);
    const open = tx.select({ id: epnSessions.id }).from(epnSessions).where(and(eq(epnSessions.workstationId, id), isNull(epnSessions.endedAt))).get();
    if (open) throw new Conflict("Une session est en cours sur ce poste : terminez-la d'abord.");
    tx.delete(epnWorkstations).where(and(eq(epnWorkstations.id, id), eq(epnWorkstations.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "epn.workstation.deleted", entity: "epn_workstation", entityId: id, data: { name: w.name } });
  });
  ctx.events.publish({ orgId: ctx.org, type: "epn.workstation.deleted", data: { id } });
}

/** Issues a new secret for the kiosk (shown once; the previous one stops working at once). */
export function issueWorkstationToken(ctx: Ctx, id: string) {
  const token = WORKSTATION_TOKEN_PREFIX + randomToken(32);
  withTransaction(ctx.db, (tx) => {
    const w = workstationInOrg(ctx, tx, id);
    tx.update(epnWorkstations).set({ tokenHash: sha256(token), updatedAt: ctx.clock.now().toISOString() }).where(eq(epnWorkstations.id, id)).run();
    audit(tx, ctx, { action: "epn.workstation.token_issued", entity: "epn_workstation", entityId: id, data: { name: w.name, replaced: !!w.tokenHash } });
  });
  publishTiles(ctx, [id]);
  return { id, token };
}

/** Revokes the kiosk's secret: its next call is refused. */
export function revokeWorkstationToken(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const w = workstationInOrg(ctx, tx, id);
    tx.update(epnWorkstations).set({ tokenHash: null, online: 0, updatedAt: ctx.clock.now().toISOString() }).where(eq(epnWorkstations.id, id)).run();
    audit(tx, ctx, { action: "epn.workstation.token_revoked", entity: "epn_workstation", entityId: id, data: { name: w.name } });
  });
  publishTiles(ctx, [id]);
}
