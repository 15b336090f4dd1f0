/**
 * The appliance's side of the kiosk link: authenticates workstations, turns their messages into EPN calls,
 * answers their requests, and pushes EPN's queued commands to them as soon as they are queued or they connect.
 */
import type { Ctx, Deps } from "../../core/context";
import { AppError } from "../../core/errors";
import { newId, type Payloads, type Request, type Response } from "../../../agent/protocol";
import type { BrokerHooks, Identity, KioskBroker, UpMessage } from "./broker";
import { getSettings } from "../../modules/epn/service";
import { commandAcked, currentTokenHash, kioskCtx, mayHaveCommands, markOffline, openKioskSession, recordHeartbeat, reportProblem, sessionEndedByKiosk, syncKiosk, takeCommands, unackedCommands } from "./epn-bridge";
import { storeInventory } from "./inventory";
import { LogThrottle } from "./log-throttle";
import { Paced } from "./paced";
import { RateLimiter } from "../../core/auth/rate-limit";

// What one kiosk may cost the appliance: an inventory is a large write, a problem report notifies people.
const inventoryLimit = () => new RateLimiter(3, 10 * 60_000);
const problemLimit = () => new RateLimiter(5, 10 * 60_000);

/**
 * How often a kiosk's heartbeat reaches EPN (a database write; the broker sees every one): a third of the
 * organisation's offline delay, so EPN's own "no news, offline" rule never fires for a live kiosk, between 5 s
 * and 60 s. With EPN's default (90 s) that is 30 s: 67 writes a second for 2,000 kiosks instead of 200. A lost
 * kiosk is marked offline by its disconnection, at once, not by this.
 */
export function heartbeatFlushMs(offlineAfterSeconds: number) {
  return Math.min(60_000, Math.max(5_000, Math.floor((offlineAfterSeconds * 1000) / 3)));
}

interface Conn {
  ctx: Ctx;
  tokenHash: string;
  flushedAt: number;
  ip: string | null;
  mac: string | null;
  agentVersion: string | null;
  lastSeq: number | null;
  /** The newest idle time the kiosk reported, and the session it was measured in (null: none or unknown). */
  idle: { seconds: number; sessionId: string } | null;
  /** The session whose inactivity threshold was already sent to EPN ahead of the flush interval. */
  idleFlushedFor: string | null;
}

/** Heartbeat counters: what arrived, and gaps in the agents' sequence numbers (messages lost on the way). */
export interface LinkStats {
  heartbeats: number;
  heartbeatGaps: number;
  requests: number;
  eventsReplayed: number;
  /** Commands sent again to a kiosk that came back without having acknowledged them. */
  commandsResent: number;
}

export class KioskLink {
  readonly stats: LinkStats = { heartbeats: 0, heartbeatGaps: 0, requests: 0, eventsReplayed: 0, commandsResent: 0 };
  private broker: KioskBroker | null = null;
  private conns = new Map<string, Conn>();
  /** Contexts outlive connections: a message published just before a disconnect is still handled. */
  private ctxs = new Map<string, Ctx>();
  private seenEvents = new Set<string>();
  private unsubscribe: (() => void) | null = null;
  private throttle: LogThrottle;
  private limits = { inventory: inventoryLimit(), problem: problemLimit() };
  /** EPN's online/offline writes, in order (see paced.ts). */
  private epnWrites = new Paced();
  /** Per organisation: its flush interval and inactivity delay, re-read from EPN's settings every minute. */
  private flushEvery = new Map<string, { ms: number; inactivityS: number; until: number }>();
  readonly hooks: BrokerHooks;

  constructor(private deps: Deps) {
    this.throttle = new LogThrottle(deps.log, 30_000);
    this.hooks = {
      authenticate: (u, p, ip) => this.authenticate(u, p, ip),
      connected: (id, ip) => this.connected(id, ip),
      disconnected: (id) => this.disconnected(id),
      subscribed: (id) => this.deliver(id.workstationId, true),
      message: (id, msg) => this.message(id, msg),
    };
  }

  /** Starts listening to EPN's events (queued commands, revoked or deleted workstations). */
  attach(broker: KioskBroker) {
    this.broker = broker;
    this.unsubscribe = this.deps.events.subscribe((e) => {
      const d = e.data as { id?: string; workstationId?: string; enrolled?: boolean } | null;
      if (e.type === "epn.command" && d?.workstationId) this.deliver(d.workstationId);
      else if (e.type === "epn.workstation" && d?.id) this.recheck(d.id, d.enrolled === false);
      else if (e.type === "epn.workstation.deleted" && d?.id) this.broker?.disconnect(d.id);
    });
  }

  detach() {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.epnWrites.clear();
    this.broker = null;
    this.conns.clear();
    this.ctxs.clear();
  }

  private authenticate(username: string, password: string, ip: string | null): Identity | null {
    const k = kioskCtx(this.deps, username, password, ip);
    if (!k) return null;
    const prev = this.conns.get(username);
    this.ctxs.set(username, k.ctx);
    this.conns.set(username, { ctx: k.ctx, tokenHash: k.tokenHash, flushedAt: 0, ip, mac: prev?.mac ?? null, agentVersion: prev?.agentVersion ?? null, lastSeq: null, idle: null, idleFlushedFor: null });
    return { orgId: k.ctx.org, workstationId: username };
  }

  private connected(id: Identity, ip: string | null) {
    const c = this.conns.get(id.workstationId);
    if (!c) return;
    c.ip = ip;
    this.flush(id.workstationId, c);
    this.announce(id, { connected: true });
    // Commands wait for its subscription (`subscribed`): published now, they would reach nobody.
  }

  private disconnected(id: Identity) {
    const c = this.conns.get(id.workstationId);
    if (!c) return;
    this.conns.delete(id.workstationId);
    this.epnWrites.run(() => this.guard("déconnexion", () => markOffline(c.ctx, id.workstationId)));
    this.announce(id, { connected: false });
  }

  /** Tells the organisation's browsers (the agents page) that a kiosk's link or inventory changed; no content, just the id. */
  private announce(id: Identity, what: { connected?: boolean; inventory?: boolean }) {
    this.deps.events.publish({ orgId: id.orgId, type: "mqtt.agent", data: { workstationId: id.workstationId, ...what } });
  }

  /** Revocation or a new secret: a connection opened with the old secret is cut. */
  private recheck(wsId: string, revoked: boolean) {
    const c = this.conns.get(wsId);
    if (!c || !this.broker?.isConnected(wsId)) return;
    if (revoked || currentTokenHash(this.deps, { orgId: c.ctx.org, workstationId: wsId }) !== c.tokenHash) {
      this.deps.log.info("mqtt : poste révoqué ou secret renouvelé, connexion coupée", { workstation: wsId });
      this.conns.delete(wsId);
      this.ctxs.delete(wsId);
      this.broker.disconnect(wsId);
    }
  }

  /** Pushes the workstation's pending EPN commands (marked delivered by EPN); `resend`: first those it never acknowledged. */
  private deliver(wsId: string, resend = false) {
    const c = this.conns.get(wsId);
    const b = this.broker;
    if (!c || !b || !b.isConnected(wsId)) return;
    const id = { orgId: c.ctx.org, workstationId: wsId };
    this.guard("commandes", () => {
      if (resend && !mayHaveCommands(c.ctx, wsId)) return;
      const again = resend ? unackedCommands(c.ctx, wsId) : [];
      if (again.length) this.stats.commandsResent += again.length;
      for (const cmd of [...again, ...takeCommands(c.ctx, wsId)]) b.publish(id, "cmd", cmd).catch((e) => this.deps.log.warn("mqtt : commande non publiée", { workstation: wsId, error: String(e) }));
    });
  }

  private flushRule(ctx: Ctx) {
    const now = Date.now();
    let f = this.flushEvery.get(ctx.org);
    if (!f || f.until < now) {
      const s = getSettings(ctx);
      f = { ms: heartbeatFlushMs(s.offlineAfterSeconds), inactivityS: s.inactivityMinutes * 60, until: now + 60_000 };
      this.flushEvery.set(ctx.org, f);
    }
    return f;
  }

  /**
   * Whether this heartbeat goes to EPN now: once per flush interval, and at once (once per session) when the
   * patron's idle time reaches the inactivity delay, so the session ends at the threshold rather than up to a
   * flush interval later. EPN decides on its current settings; the cached delay only chooses the moment.
   */
  private flushDue(c: Conn) {
    const rule = this.flushRule(c.ctx);
    if (Date.now() - c.flushedAt >= rule.ms) return true;
    return !!c.idle && c.idle.seconds >= rule.inactivityS && c.idleFlushedFor !== c.idle.sessionId;
  }

  private flush(wsId: string, c: Conn) {
    c.flushedAt = Date.now();
    if (c.idle && c.idle.seconds >= this.flushRule(c.ctx).inactivityS) c.idleFlushedFor = c.idle.sessionId;
    const info = { ip: c.ip, mac: c.mac, agentVersion: c.agentVersion, idleSeconds: c.idle?.seconds ?? null };
    this.epnWrites.run(() => this.guard("battement", () => recordHeartbeat(c.ctx, wsId, info)));
  }

  private message(id: Identity, msg: UpMessage) {
    const c = this.conns.get(id.workstationId) ?? null;
    const ctx = c?.ctx ?? this.ctxs.get(id.workstationId);
    if (!ctx || ctx.org !== id.orgId) return; // never authenticated since the appliance started
    switch (msg.kind) {
      case "heartbeat": {
        this.stats.heartbeats++;
        if (!c) return;
        const seq = msg.value.seq;
        if (c.lastSeq !== null && seq > c.lastSeq + 1) this.stats.heartbeatGaps += seq - c.lastSeq - 1;
        c.lastSeq = seq;
        const hb = msg.value;
        c.idle = hb.session && hb.idleSeconds !== undefined ? { seconds: hb.idleSeconds, sessionId: hb.session.id } : null;
        if (this.flushDue(c)) this.flush(id.workstationId, c);
        return;
      }
      case "status": {
        const s = msg.value;
        if (s.state === "offline" || !c) return; // the last will; the disconnect itself marks the tile
        // A status flush must not carry the idle time of a session that is over.
        if (c.idle && s.sessionId !== undefined && s.sessionId !== c.idle.sessionId) c.idle = null;
        const changed = (s.mac ?? c.mac) !== c.mac || (s.agentVersion ?? c.agentVersion) !== c.agentVersion;
        c.mac = s.mac ?? c.mac;
        c.agentVersion = s.agentVersion ?? c.agentVersion;
        if (changed) this.flush(id.workstationId, c);
        return;
      }
      case "event":
        return this.event(id, ctx, msg.value);
      case "inventory":
        return this.guard("inventaire", () => {
          this.limits.inventory.hit(id.workstationId);
          storeInventory(ctx, id.workstationId, msg.value);
          this.announce(id, { inventory: true });
        });
      case "ack":
        return this.guard("accusé", () => commandAcked(ctx, id.workstationId, msg.value.id, msg.value.ok, msg.value.error));
      case "req":
        this.stats.requests++;
        return this.request(id, ctx, msg.value);
    }
  }

  private event(id: Identity, ctx: Ctx, e: Payloads["event"]) {
    // QoS 1 and the agent's offline outbox may deliver an event twice: the id makes it count once.
    if (this.seenEvents.has(e.eventId)) {
      this.stats.eventsReplayed++;
      return;
    }
    this.seenEvents.add(e.eventId);
    if (this.seenEvents.size > 20_000) this.seenEvents.clear();
    this.guard("événement", () => {
      if (e.type === "session.ended") sessionEndedByKiosk(ctx, id.workstationId, e);
      else if (e.type === "problem.reported") {
        this.limits.problem.hit(id.workstationId);
        reportProblem(ctx, id.workstationId, e);
      }
      else if (e.type === "wipe.done" && !e.ok) this.deps.log.warn("mqtt : nettoyage de fin de session incomplet", { workstation: id.workstationId, erreurs: e.errors.slice(0, 5) });
    });
  }

  private request(id: Identity, ctx: Ctx, r: Request) {
    let res: Response;
    try {
      const result = r.op === "session.open" ? openKioskSession(ctx, id.workstationId, r.code) : r.op === "session.sync" ? syncKiosk(ctx, id.workstationId) : {};
      res = { v: 1, id: r.id, ok: true, result };
    } catch (e) {
      if (e instanceof AppError) res = { v: 1, id: r.id, ok: false, error: { code: e.code.slice(0, 60), message: e.message.slice(0, 500) } };
      else {
        const ref = newId().slice(0, 8);
        this.deps.log.error("mqtt : requête en échec", { op: r.op, ref, error: String((e as Error).stack ?? e) });
        res = { v: 1, id: r.id, ok: false, error: { code: "internal", message: `Erreur interne du Guichet (réf. ${ref}) : réessayez ou adressez-vous à l'accueil.` } };
      }
    }
    this.broker?.publish(id, "res", res).catch(() => {});
  }

  /** Runs one handler; a refusal is a warning, a bug is an error, neither stops the link. */
  private guard(what: string, fn: () => unknown) {
    try {
      fn();
    } catch (e) {
      if (e instanceof AppError) this.throttle.warn(`${what}:${e.code}`, `mqtt : ${what} refusé(e)`, { code: e.code, message: e.message });
      else this.deps.log.error(`mqtt : ${what} en échec`, { error: String((e as Error).stack ?? e) });
    }
  }
}
