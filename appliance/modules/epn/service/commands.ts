/** The command queue for kiosks: rows with delivery and acknowledgement status (MQTT delivers them later). */
import { and, asc, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { changed, withTransaction } from "../../../core/db/client";
import { NotFound } from "../../../core/errors";
import { publishTiles } from "./room-view";
import { prepared, sameOrg } from "./prepared";
import { epnCommands } from "../schema";

/** What a kiosk can be told to do. */
export const COMMAND_TYPES = ["lock", "unlock", "message", "extend", "logout", "reboot"] as const;
export type CommandType = (typeof COMMAND_TYPES)[number];

/** A command as the kiosk (and the live `epn.command` event) sees it. */
export interface KioskCommand {
  id: string;
  workstationId: string;
  sessionId: string | null;
  type: CommandType;
  payload: Record<string, unknown>;
  status: string;
  createdAt: string;
}

/** Commands never fetched within this delay are dropped: the kiosk reads its true state when it returns. */
export const COMMAND_TTL_MS = 10 * 60_000;

function present(r: typeof epnCommands.$inferSelect): KioskCommand {
  return { id: r.id, workstationId: r.workstationId, sessionId: r.sessionId, type: r.type as CommandType, payload: JSON.parse(r.payload), status: r.status, createdAt: r.createdAt };
}

/** Queues a command in the caller's transaction; publish it with `announceCommands` after commit. */
export function queueCommand(ctx: Pick<Ctx, "org" | "clock" | "actor">, tx: Db, wsId: string, type: CommandType, payload: Record<string, unknown> = {}, sessionId: string | null = null): KioskCommand {
  const now = ctx.clock.now().toISOString();
  const row = { id: Bun.randomUUIDv7(), orgId: ctx.org, workstationId: wsId, sessionId, type, payload: JSON.stringify(payload), status: "pending", createdBy: ctx.actor.label, createdAt: now, updatedAt: now };
  tx.insert(epnCommands).values(row).run();
  return present(row as typeof epnCommands.$inferSelect);
}

/** Tells listeners (the MQTT bridge) that commands wait, so they can push them at once. */
export function announceCommands(ctx: Pick<Ctx, "org" | "events">, cmds: KioskCommand[]) {
  for (const c of cmds) ctx.events.publish({ orgId: ctx.org, type: "epn.command", data: c });
}

/** Pending commands of a workstation, oldest first, marked delivered (the kiosk's poll). */
export function takePendingCommands(ctx: Pick<Ctx, "db" | "org" | "clock">, wsId: string): KioskCommand[] {
  // Nearly every poll finds nothing: one prepared read answers it without taking the write lock.
  const anyPending = prepared(ctx.db, "commands:any-pending", (d) =>
    d
      .select({ id: epnCommands.id })
      .from(epnCommands)
      .where(and(eq(epnCommands.workstationId, sql.placeholder("ws")), eq(epnCommands.status, "pending"), sameOrg(epnCommands.orgId, sql.placeholder("org"))))
      .limit(1)
      .prepare(),
  );
  if (!anyPending.get({ ws: wsId, org: ctx.org })) return [];
  return withTransaction(ctx.db, (tx) => {
    const rows = tx
      .select()
      .from(epnCommands)
      .where(and(eq(epnCommands.orgId, ctx.org), eq(epnCommands.workstationId, wsId), eq(epnCommands.status, "pending")))
      .orderBy(asc(epnCommands.createdAt))
      .limit(50)
      .all();
    if (!rows.length) return [];
    const now = ctx.clock.now().toISOString();
    tx.update(epnCommands).set({ status: "delivered", deliveredAt: now, updatedAt: now }).where(inArray(epnCommands.id, rows.map((r) => r.id))).run();
    return rows.map((r) => present({ ...r, status: "delivered" }));
  });
}

/** The kiosk confirms a command was applied (or says why not); only its own commands. */
export function ackCommand(ctx: Pick<Ctx, "db" | "org" | "clock" | "events">, wsId: string, id: string, input: { ok: boolean; error?: string | null }) {
  const now = ctx.clock.now().toISOString();
  const row = ctx.db.select().from(epnCommands).where(and(eq(epnCommands.id, id), eq(epnCommands.orgId, ctx.org), eq(epnCommands.workstationId, wsId))).get();
  if (!row) throw new NotFound("Commande introuvable pour ce poste.");
  const status = input.ok ? "acked" : "failed";
  const n = changed(
    ctx.db
      .update(epnCommands)
      .set({ status, ackedAt: now, deliveredAt: row.deliveredAt ?? now, result: input.error ? String(input.error).slice(0, 500) : null, updatedAt: now })
      .where(and(eq(epnCommands.id, id), inArray(epnCommands.status, ["pending", "delivered"])))
      .run(),
  );
  const cmd = present({ ...row, status: n ? status : row.status });
  // The UI shows "delivered / applied" next to the command it sent.
  if (n) {
    ctx.events.publish({ orgId: ctx.org, type: "epn.command.status", data: cmd });
    publishTiles(ctx, [wsId]);
  }
  return cmd;
}

/** Recent commands of a workstation (the tile's history). */
export function listCommands(ctx: Pick<Ctx, "db" | "org">, wsId: string) {
  return ctx.db
    .select()
    .from(epnCommands)
    .where(and(eq(epnCommands.orgId, ctx.org), eq(epnCommands.workstationId, wsId)))
    .orderBy(desc(epnCommands.createdAt))
    .limit(30)
    .all()
    .map((r) => ({ ...present(r), deliveredAt: r.deliveredAt, ackedAt: r.ackedAt, result: r.result, createdBy: r.createdBy }));
}

/** Marks never-fetched commands older than the TTL as expired; returns how many. */
export function expireCommands(ctx: Pick<Ctx, "db" | "org" | "clock">) {
  const limit = new Date(ctx.clock.now().getTime() - COMMAND_TTL_MS).toISOString();
  return changed(
    ctx.db
      .update(epnCommands)
      .set({ status: "expired", updatedAt: ctx.clock.now().toISOString() })
      .where(and(eq(epnCommands.orgId, ctx.org), eq(epnCommands.status, "pending"), lt(epnCommands.createdAt, limit)))
      .run(),
  );
}
