/** What a kiosk calls with its own secret: authenticate, report (heartbeat), read its state, end its session. */
import { and, eq, sql } from "drizzle-orm";
import type { Ctx, Deps } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { changed, withTransaction } from "../../../core/db/client";
import { Conflict, Invalid, Unauthorized } from "../../../core/errors";
import { sha256 } from "../../../core/auth/crypto";
import { epnCommands, epnSessions, epnWorkstations } from "../schema";
import { prepared } from "./prepared";
import { WORKSTATION_TOKEN_PREFIX } from "./workstations";
import { endSessionTx, runningSession } from "./end-session";
import { announceTiles, publishTiles, tilesToPublish } from "./room-view";
import { openingAt } from "./opening-hours";
import { closuresFor, roomInOrg } from "./rooms";
import { localDay } from "./local-time";
import { getSettings, type EpnSettings } from "./settings";
import { announceCommands, queueCommand, type KioskCommand } from "./commands";

type WsRow = typeof epnWorkstations.$inferSelect;

/** A kiosk request's context: the workstation acts in its own organisation under its own name. */
export interface KioskAuth {
  ctx: Ctx;
  ws: WsRow;
}

/** Resolves `Authorization: Bearer gws_…` to its workstation; 401 with a French message otherwise. */
export function authenticateWorkstation(deps: Deps, authorization: string | null, ip: string | null): KioskAuth {
  const token = authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
  if (!token.startsWith(WORKSTATION_TOKEN_PREFIX)) throw new Unauthorized("Poste non reconnu : identifiant de poste absent.", "workstation_unauthorized");
  const q = prepared(deps.db, "kiosk-auth", (d) => d.select().from(epnWorkstations).where(eq(epnWorkstations.tokenHash, sql.placeholder("h"))).prepare());
  const ws = q.get({ h: sha256(token) });
  if (!ws) throw new Unauthorized("Poste non reconnu : identifiant révoqué ou invalide. Faites réenregistrer ce poste.", "workstation_unauthorized");
  const ctx: Ctx = { ...deps, org: ws.orgId, ip, actor: { userId: "system", label: `Poste « ${ws.name} »`, role: "member", moduleRoles: [], via: "token" } };
  return { ctx, ws };
}

const P = (name: string) => sql.placeholder(name);

/** Heartbeats and state polls arrive every few seconds from every kiosk: their reads are prepared once. */
function statements(db: Db) {
  return prepared(db, "kiosk", (d) => ({
    ws: d.select().from(epnWorkstations).where(eq(epnWorkstations.id, P("id"))).prepare(),
    seen: d
      .update(epnWorkstations)
      .set({ lastSeenAt: sql`${P("now")}`, online: 1, ip: sql`${P("ip")}`, mac: sql`${P("mac")}`, agentVersion: sql`${P("agent")}` })
      .where(eq(epnWorkstations.id, P("id")))
      .prepare(),
    activity: d.update(epnSessions).set({ lastActivityAt: sql`${P("at")}` }).where(eq(epnSessions.id, P("id"))).prepare(),
    pending: d.select({ n: sql<number>`count(*)` }).from(epnCommands).where(and(eq(epnCommands.workstationId, P("ws")), eq(epnCommands.status, "pending"))).prepare(),
    // Prepared too: built per call, each kiosk of a mass disconnection compiled its own statement (~10 KB of
    // native memory held until the garbage collector ran: +22 MB for 2,000 kiosks).
    offline: d.update(epnWorkstations).set({ online: 0 }).where(and(eq(epnWorkstations.id, P("id")), eq(epnWorkstations.orgId, P("org")), eq(epnWorkstations.online, 1))).prepare(),
  }));
}

/** The kiosk's view of itself: lock, running session with the server's time left, opening hours. */
export function kioskState(ctx: Ctx, wsId: string, settings?: EpnSettings) {
  const now = ctx.clock.now();
  const s = settings ?? getSettings(ctx);
  const q = statements(ctx.db);
  const ws = q.ws.get({ id: wsId })!;
  const room = roomInOrg(ctx, ctx.db, ws.roomId);
  const opening = openingAt(now, room.id, room.hours, closuresFor(ctx, ctx.db, room.id, localDay(now, s.timezone)), s.timezone);
  const session = runningSession(ctx, ctx.db, wsId);
  const pending = q.pending.get({ ws: wsId })!.n;
  return {
    serverTime: now.toISOString(),
    workstation: { id: ws.id, name: ws.name, room: room.name },
    locked: !!ws.locked,
    maintenance: !!ws.maintenance,
    open: opening.open,
    closesAt: opening.open ? opening.closesAt.toISOString() : null,
    nextOpening: !opening.open && opening.nextOpening ? opening.nextOpening.toISOString() : null,
    inactivityMinutes: s.inactivityMinutes,
    session: session
      ? { id: session.id, startedAt: session.startedAt, endsAt: session.endsAt, secondsLeft: Math.max(0, Math.floor((Date.parse(session.endsAt) - now.getTime()) / 1000)), limitedBy: session.limitedBy }
      : null,
    pendingCommands: pending,
  };
}

/** Heartbeat: marks the kiosk online, records its address, applies time-up and inactivity, returns its state. */
export function heartbeat(ctx: Ctx, wsId: string, input: HeartbeatInput) {
  const { ended, settings } = noteHeartbeat(ctx, wsId, input);
  return { ...kioskState(ctx, wsId, settings), ended };
}

type HeartbeatInput = { idleSeconds?: number | null; ip?: string | null; mac?: string | null; agentVersion?: string | null };

/** The heartbeat's effects without reading the kiosk's state back (the MQTT link sends none: it flushes 67 a second). */
export function noteHeartbeat(ctx: Ctx, wsId: string, input: HeartbeatInput): { ended: { reason: string } | null; settings: EpnSettings } {
  if (input.idleSeconds != null && (!Number.isFinite(input.idleSeconds) || input.idleSeconds < 0)) throw new Invalid("Durée d'inactivité invalide.", { idleSeconds: "Nombre de secondes positif." });
  if (input.mac && !/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(input.mac)) throw new Invalid("Adresse MAC invalide.", { mac: "Format aa:bb:cc:dd:ee:ff." });
  const s = getSettings(ctx);
  const now = ctx.clock.now();
  let changed = false;
  let ended: { reason: string } | null = null;
  let cmd: KioskCommand | null = null;
  const q = statements(ctx.db);
  withTransaction(ctx.db, (tx) => {
    const ws = q.ws.get({ id: wsId })!;
    const wasOnline = !!ws.online && !!ws.lastSeenAt && now.getTime() - Date.parse(ws.lastSeenAt) < s.offlineAfterSeconds * 1000;
    const ip = input.ip?.slice(0, 45) || ctx.ip || ws.ip;
    const mac = input.mac?.toLowerCase().replace(/-/g, ":") ?? ws.mac;
    changed = !wasOnline || ip !== ws.ip || mac !== ws.mac;
    q.seen.run({ id: wsId, now: now.toISOString(), ip, mac, agent: input.agentVersion?.slice(0, 40) ?? ws.agentVersion });
    const session = runningSession(ctx, tx, wsId);
    if (!session) return;
    if (Date.parse(session.endsAt) <= now.getTime()) {
      endSessionTx(ctx, tx, session, "time_up");
      ended = { reason: "time_up" };
    } else if (input.idleSeconds != null && input.idleSeconds >= s.inactivityMinutes * 60) {
      endSessionTx(ctx, tx, session, "inactivity");
      cmd = queueCommand(ctx, tx, wsId, "logout", { reason: "inactivity" }, session.id);
      ended = { reason: "inactivity" };
    } else if (input.idleSeconds != null) {
      const last = new Date(now.getTime() - input.idleSeconds * 1000).toISOString();
      // Written only when it moved by more than 30 s: heartbeats stay cheap.
      if (Math.abs(Date.parse(last) - Date.parse(session.lastActivityAt)) > 30_000) q.activity.run({ id: session.id, at: last });
    }
  });
  if (cmd) announceCommands(ctx, [cmd]);
  if (changed || ended) publishTiles(ctx, [wsId], s);
  return { ended, settings: s };
}

/** The patron logs out at the kiosk (no "logout" command is queued: the kiosk did it). */
export function endOwnSession(ctx: Ctx, wsId: string) {
  // Found and ended in one transaction, the live tile read in it too (see openSession).
  const { ended, tiles } = withTransaction(ctx.db, (tx) => {
    const s = runningSession(ctx, tx, wsId);
    if (!s) throw new Conflict("Aucune session n'est ouverte sur ce poste.");
    return { ended: endSessionTx(ctx, tx, s, "user"), tiles: tilesToPublish(ctx, [wsId]) };
  });
  announceTiles(ctx, tiles);
  return { ...ended, workstationId: wsId };
}

/** Marks a workstation offline at once (its MQTT connection dropped or its last will arrived). */
export function markWorkstationOffline(ctx: Ctx, wsId: string) {
  const n = changed(statements(ctx.db).offline.run({ id: wsId, org: ctx.org }));
  if (n) publishTiles(ctx, [wsId]);
}
