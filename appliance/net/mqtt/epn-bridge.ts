/**
 * Everything the MQTT link asks of the EPN module, in one place: kiosk authentication, heartbeats, sessions,
 * the command queue. The broker side speaks protocol payloads; this file translates them to EPN's service calls.
 */
import { and, eq, inArray, or, sql } from "drizzle-orm";
import type { Ctx, Deps } from "../../core/context";
import { sha256 } from "../../core/auth/crypto";
import { AppError } from "../../core/errors";
import { memberships } from "../../core/db/schema";
import { notify } from "../../core/notify/service";
import { registerNotificationKind } from "../../core/notify/prefs";
import { withTransaction } from "../../core/db/client";
import { audit } from "../../core/audit/service";
import { epnWorkstations } from "../../modules/epn/schema";
import {
  ackCommand,
  authenticateWorkstation,
  COMMAND_TTL_MS,
  endSession,
  noteHeartbeat,
  kioskState,
  listCommands,
  markWorkstationOffline,
  openSession,
  publishTiles,
  runningSession,
  takePendingCommands,
  type KioskCommand,
} from "../../modules/epn/service";
import type { Command, Event, SessionInfo, SessionSyncResult } from "../../../agent/protocol";
import type { Identity } from "./broker";

registerNotificationKind("epn.problem", "Problèmes signalés depuis un poste public");

/** The kiosk's context (its own organisation, acting under its own name), or null when the secret is wrong. */
export function kioskCtx(deps: Deps, workstationId: string, secret: string, ip: string | null): { ctx: Ctx; tokenHash: string } | null {
  try {
    const { ctx, ws } = authenticateWorkstation(deps, `Bearer ${secret}`, ip);
    // The username must name the workstation the secret belongs to.
    if (ws.id !== workstationId) return null;
    return { ctx, tokenHash: ws.tokenHash! };
  } catch {
    return null;
  }
}

/** The current secret hash of a workstation (null when revoked or deleted): rotation and revocation cut the link. */
export function currentTokenHash(deps: Deps, id: Identity): string | null {
  // Asked at every tile change of a connected kiosk: a cached raw statement, not a query built each time.
  const row = deps.db.$client.query("SELECT token_hash FROM epn_workstations WHERE id = ?1 AND org_id = ?2").get(id.workstationId, id.orgId) as { token_hash: string | null } | null;
  return row?.token_hash ?? null;
}

/**
 * Whether a kiosk may have commands to receive (pending, or delivered and unanswered, younger than EPN's lifetime):
 * asked at every (re)connection, so that the common case, nothing waiting, costs one cached read of EPN's queue
 * instead of two EPN service calls. Reads EPN's table directly (EPN has no such query).
 */
export function mayHaveCommands(ctx: Ctx, wsId: string): boolean {
  const since = new Date(ctx.clock.now().getTime() - COMMAND_TTL_MS).toISOString();
  return !!ctx.db.$client.query("SELECT 1 FROM epn_commands WHERE workstation_id = ?1 AND org_id = ?2 AND status IN ('pending', 'delivered') AND created_at >= ?3 LIMIT 1").get(wsId, ctx.org, since);
}

/**
 * Records a heartbeat in EPN (online, address, time-up and inactivity enforcement); returns whether EPN ended the
 * session. `idleSeconds` is the kiosk's idle time in its running session (null: unknown, no inactivity end).
 */
export function recordHeartbeat(ctx: Ctx, wsId: string, info: { ip?: string | null; mac?: string | null; agentVersion?: string | null; idleSeconds?: number | null }) {
  const r = noteHeartbeat(ctx, wsId, { idleSeconds: info.idleSeconds ?? null, ip: info.ip ?? null, mac: info.mac && /^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(info.mac) ? info.mac : null, agentVersion: info.agentVersion ?? null });
  return r.ended;
}

/** Marks a workstation offline at once (its connection dropped or its last will arrived). */
export function markOffline(ctx: Ctx, wsId: string) {
  markWorkstationOffline(ctx, wsId);
}

/** The session as the agent needs it: the server's time left. */
function sessionInfo(s: { id: string; endsAt: string; secondsLeft: number }, label: string): SessionInfo {
  return { id: s.id, endsAt: s.endsAt, remainingS: Math.max(0, Math.min(s.secondsLeft, 7 * 24 * 3600)), label: label.slice(0, 200) };
}

/** Opens a session with the typed code; EPN's refusals come back as { code, message } in French. */
export function openKioskSession(ctx: Ctx, wsId: string, code: string): SessionInfo {
  const o = openSession(ctx, wsId, { code });
  return sessionInfo(o, o.firstName ? `Bonjour ${o.firstName}` : "Bonjour");
}

/** What the server believes about this kiosk now (after a reconnection). */
export function syncKiosk(ctx: Ctx, wsId: string): SessionSyncResult {
  const st = kioskState(ctx, wsId);
  return { locked: st.locked || st.maintenance, session: st.session ? sessionInfo(st.session, "") : null };
}

const REASONS = { time: "time_up", logout: "user", inactivity: "inactivity", command: "staff" } as const;

/** A session the agent ended (possibly while offline); already ended on the server is fine (idempotent). */
export function sessionEndedByKiosk(ctx: Ctx, wsId: string, e: Extract<Event, { type: "session.ended" }>) {
  const running = runningSession(ctx, ctx.db, wsId);
  if (!running || running.id !== e.sessionId) return { already: true };
  // EPN charges a late end up to the planned end only, so an end reported after an offline period matches the kiosk.
  // The kiosk already closed it: no logout command back to it.
  endSession(ctx, e.sessionId, REASONS[e.reason], { tellKiosk: false });
  return { already: false };
}

/** A patron's "signaler un problème": an audit row and a notification to the animateurs and admins. */
export function reportProblem(ctx: Ctx, wsId: string, e: Extract<Event, { type: "problem.reported" }>) {
  const ws = ctx.db.select({ name: epnWorkstations.name }).from(epnWorkstations).where(eq(epnWorkstations.id, wsId)).get();
  withTransaction(ctx.db, (tx) => {
    const staff = tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.orgId, ctx.org), or(inArray(memberships.role, ["owner", "admin"]), sql`${memberships.moduleRoles} LIKE '%"epn_animateur"%'`)))
      .all()
      .map((r) => r.userId);
    audit(tx, ctx, { action: "epn.problem.reported", entity: "epn_workstation", entityId: wsId, data: { category: e.category, text: e.text, sessionId: e.sessionId } });
    notify(tx, ctx, { userIds: staff, kind: "epn.problem", title: `Problème signalé sur le poste « ${ws?.name ?? "?"} » (${e.category})`, body: e.text, link: "#/epn" });
  });
}

/** Pending commands of a workstation, marked delivered, in the protocol's shape (server time left for extend). */
export function takeCommands(ctx: Ctx, wsId: string): Command[] {
  const now = ctx.clock.now().getTime();
  return takePendingCommands(ctx, wsId).map((c: KioskCommand) => toCommand(c, now));
}

/**
 * Commands EPN marked delivered that the kiosk never acknowledged (its link dropped before they arrived, or
 * before its answer did), oldest first, to send again when it is back. Only those newer than the last command
 * it did answer (an older one was overtaken: resending a "lock" after an acknowledged "unlock" would be wrong)
 * and younger than EPN's command lifetime. The agent applies a command id once, so a repeat is only re-acked.
 * Built on EPN's `listCommands` (its 30 latest): EPN has no "delivered but unacknowledged" query of its own.
 */
export function unackedCommands(ctx: Ctx, wsId: string): Command[] {
  const now = ctx.clock.now().getTime();
  const out: Command[] = [];
  // Newest first; commands queued within the same millisecond are ordered by their time-ordered (v7) ids.
  const recent = listCommands(ctx, wsId).sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  for (const c of recent) {
    if (c.status === "acked" || c.status === "failed") break;
    if (c.status === "delivered" && now - Date.parse(c.createdAt) < COMMAND_TTL_MS) out.push(toCommand(c, now));
  }
  return out.reverse();
}

function toCommand(c: KioskCommand, now: number): Command {
  const cmd: Command = { v: 1, id: c.id, type: c.type, sessionId: c.sessionId };
  if (c.type === "message" && typeof c.payload.text === "string") cmd.text = c.payload.text.slice(0, 500);
  if (c.type === "extend" && typeof c.payload.endsAt === "string") cmd.remainingS = Math.max(0, Math.round((Date.parse(c.payload.endsAt) - now) / 1000));
  if (c.type === "logout" && typeof c.payload.reason === "string") cmd.text = c.payload.reason;
  return cmd;
}

/** The kiosk applied (or failed to apply) a command: EPN records it and tells the room view. */
export function commandAcked(ctx: Ctx, wsId: string, id: string, ok: boolean, error?: string) {
  try {
    ackCommand(ctx, wsId, id, { ok, error: error ?? null });
  } catch (e) {
    // An ack for a command EPN no longer knows (e.g. a ping) is not an error worth more than a debug line.
    if (!(e instanceof AppError)) throw e;
  }
}
