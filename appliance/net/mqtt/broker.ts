/**
 * The embedded MQTT broker (aedes): per-workstation authentication, topic ACL, payload validation at the
 * door, and one in-process subscriber (the appliance's side) that receives every workstation's messages.
 * Transport-agnostic: TCP/TLS servers and the WebSocket bridge all hand their streams to `handle()`.
 */
import { Aedes, type Client, type PublishPacket, type Subscription, type AedesPublishPacket } from "aedes";
import type { Duplex } from "node:stream";
import { ALL_UP, DOWN_KINDS, UP_KINDS, decode, parseTopic, topic, type DownKind, type Payloads, type UpKind } from "../../../agent/protocol";
import type { Logger } from "../../core/log";
import { LogThrottle } from "./log-throttle";

/** Who is behind an authenticated connection. */
export interface Identity {
  orgId: string;
  workstationId: string;
}

/** A message that passed the ACL and its schema. */
export type UpMessage = { [K in UpKind]: { kind: K; value: Payloads[K] } }[UpKind];

/** What the broker asks of the appliance: check credentials, and hear about clients and messages. */
export interface BrokerHooks {
  authenticate(username: string, password: string, ip: string | null): Identity | null | Promise<Identity | null>;
  connected(id: Identity, ip: string | null): void;
  disconnected(id: Identity): void;
  /** The workstation subscribed to its command topic: from now on a command published to it arrives. */
  subscribed?(id: Identity): void;
  message(id: Identity, msg: UpMessage, retained: boolean): void;
}

/** Counters shown on the system page and read by the benchmark. */
export interface BrokerStats {
  connected: number;
  received: Record<UpKind, number>;
  dropped: number;
  refusedLogins: number;
  deniedTopics: number;
}

const IDENTITY = Symbol("guichet.identity");
type Tagged = Client & { [IDENTITY]?: Identity };

/** Payloads already validated at the door, so the internal subscriber does not parse them twice. */
const checked = new WeakMap<object, unknown>();

/** Topics a packet is moved to when its payload is invalid: `$` topics match no subscription, so it goes nowhere. */
const DROP_TOPIC = "$guichet/dropped";

export class KioskBroker {
  readonly aedes: Aedes;
  readonly stats: BrokerStats = { connected: 0, received: { status: 0, heartbeat: 0, event: 0, inventory: 0, req: 0, ack: 0 }, dropped: 0, refusedLogins: 0, deniedTopics: 0 };
  private current = new Map<string, Client>();
  private throttle: LogThrottle;

  private constructor(
    aedes: Aedes,
    private hooks: BrokerHooks,
    private log: Logger,
  ) {
    this.aedes = aedes;
    this.throttle = new LogThrottle(log, 30_000);
  }

  /** Creates the broker and subscribes the appliance's side to every workstation's up channel. */
  static async create(hooks: BrokerHooks, log: Logger): Promise<KioskBroker> {
    // drainTimeout: a kiosk that stops reading must not stall delivery to the others (aedes docs).
    const aedes = await Aedes.createBroker({ drainTimeout: 15_000, connectTimeout: 10_000, maxClientsIdLength: 64, heartbeatInterval: 60_000 });
    const b = new KioskBroker(aedes, hooks, log);
    aedes.authenticate = (client, username, password, done) => {
      b.authenticate(client as Tagged, username, password).then(
        (ok) => done(ok ? null : Object.assign(new Error("identifiants refusés"), { returnCode: ok === null ? 4 : 2 }), !!ok),
        (err) => {
          log.error("mqtt : erreur d'authentification", { error: String(err) });
          done(Object.assign(new Error("erreur interne"), { returnCode: 3 }), false);
        },
      );
    };
    aedes.authorizePublish = (client, packet, done) => done(b.authorizePublish(client as Tagged | null, packet));
    aedes.authorizeSubscribe = (client, sub, done) => done(null, b.authorizeSubscribe(client as Tagged, sub));
    aedes.on("clientReady", (client) => b.onReady(client as Tagged));
    aedes.on("clientDisconnect", (client) => b.onGone(client as Tagged));
    aedes.on("subscribe", (subs, client) => b.onSubscribe(client as Tagged, subs));
    aedes.on("clientError", (client, err) => b.throttle.warn(`client:${client?.id}`, "mqtt : connexion en erreur", { client: client?.id, error: err.message }));
    aedes.on("connectionError", (client, err) => b.throttle.warn(`conn:${ipOf(client)}`, "mqtt : connexion refusée", { ip: ipOf(client), error: err.message }));
    // One subscription per up kind (not guichet/+/ws/+/+): the appliance's own cmd/res never loop back to it.
    const deliver = (packet: AedesPublishPacket, cb: () => void) => (b.deliver(packet), cb());
    for (const k of UP_KINDS) await new Promise<void>((resolve) => aedes.subscribe(ALL_UP.replace(/\+$/, k), deliver, resolve));
    return b;
  }

  /** Hands a byte stream (TCP socket, TLS socket, WebSocket bridge) to the broker. */
  handle(stream: Duplex) {
    return this.aedes.handle(stream as any);
  }

  /** Publishes to one workstation (QoS 1); resolves once the broker has queued it for the subscriber. */
  publish<K extends DownKind>(id: Identity, kind: K, payload: Payloads[K] | string): Promise<void> {
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    return new Promise((resolve, reject) =>
      this.aedes.publish({ cmd: "publish", topic: topic(id.orgId, id.workstationId, kind), payload: Buffer.from(body), qos: 1, retain: false, dup: false } as PublishPacket, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Whether this workstation has a live connection right now. */
  isConnected(workstationId: string) {
    return this.current.has(workstationId);
  }

  /** Cuts a workstation's connection (revocation): its last will tells the appliance it is offline. */
  disconnect(workstationId: string) {
    const c = this.current.get(workstationId);
    if (c) c.close();
    return !!c;
  }

  /** Removes a workstation's retained messages (after revocation). */
  clearRetained(id: Identity) {
    for (const k of UP_KINDS) this.aedes.publish({ cmd: "publish", topic: topic(id.orgId, id.workstationId, k), payload: Buffer.alloc(0), qos: 0, retain: true, dup: false } as PublishPacket, () => {});
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.aedes.close(() => resolve()));
  }

  private async authenticate(client: Tagged, username: string | undefined, password: Buffer | undefined, ): Promise<Identity | false | null> {
    if (!username || !password) {
      this.stats.refusedLogins++;
      return null;
    }
    const id = await this.hooks.authenticate(username, password.toString("utf8"), ipOf(client));
    if (!id) {
      this.stats.refusedLogins++;
      this.throttle.warn(`auth:${ipOf(client)}`, "mqtt : identifiants refusés", { ip: ipOf(client), username: username.slice(0, 64) });
      return null;
    }
    // The client id must be the workstation id: one live connection per kiosk, and a copied
    // credential cannot run beside the original unnoticed (the newer one takes over).
    if (client.id !== id.workstationId) {
      this.stats.refusedLogins++;
      this.throttle.warn(`clientid:${id.workstationId}`, "mqtt : identifiant de client différent du poste", { workstation: id.workstationId });
      return false;
    }
    client[IDENTITY] = id;
    return id;
  }

  private authorizePublish(client: Tagged | null, packet: PublishPacket): Error | null {
    const id = client?.[IDENTITY];
    const t = parseTopic(packet.topic);
    // Only a workstation's own up channel; anything else closes the connection (MQTT 3.1.1 has no negative PUBACK).
    if (!id || !t || t.orgId !== id.orgId || t.workstationId !== id.workstationId || !(UP_KINDS as readonly string[]).includes(t.kind)) {
      this.stats.deniedTopics++;
      this.throttle.warn(`pub:${id?.workstationId ?? "?"}`, "mqtt : publication refusée hors des sujets du poste", { client: client?.id, topic: packet.topic.slice(0, 200) });
      return new Error("sujet non autorisé");
    }
    // An empty retained message clears the topic: harmless for the workstation's own status.
    if (packet.retain && packet.payload.length === 0) return null;
    const d = decode(t.kind as UpKind, packet.payload as Buffer);
    if (!d.ok) {
      this.stats.dropped++;
      this.throttle.warn(`bad:${id.workstationId}`, "mqtt : message invalide ignoré", { workstation: id.workstationId, kind: t.kind, reason: d.reason });
      // Dropped without cutting the link: acknowledged, never stored, delivered to nobody.
      packet.topic = DROP_TOPIC;
      packet.retain = false;
    } else checked.set(packet.payload as Buffer, d.value);
    return null;
  }

  private authorizeSubscribe(client: Tagged, sub: Subscription): Subscription | null {
    const id = client[IDENTITY];
    const allowed = id ? DOWN_KINDS.map((k) => topic(id.orgId, id.workstationId, k)) : [];
    if (allowed.includes(sub.topic)) return sub;
    this.stats.deniedTopics++;
    this.throttle.warn(`sub:${id?.workstationId ?? "?"}`, "mqtt : abonnement refusé hors des sujets du poste", { client: client.id, topic: sub.topic.slice(0, 200) });
    return null; // SUBACK 0x80 (failure) for this topic only
  }

  private onReady(client: Tagged) {
    const id = client[IDENTITY];
    if (!id) return;
    this.current.set(id.workstationId, client);
    this.stats.connected = this.current.size;
    try {
      this.hooks.connected(id, ipOf(client));
    } catch (e) {
      this.log.error("mqtt : traitement de connexion en échec", { error: String((e as Error).stack ?? e) });
    }
  }

  private onSubscribe(client: Tagged, subs: Subscription[]) {
    const id = client?.[IDENTITY];
    if (!id || !this.hooks.subscribed || this.current.get(id.workstationId) !== client) return;
    // Commands published before this point would have gone nowhere (a clean session holds no subscription yet).
    const cmd = topic(id.orgId, id.workstationId, "cmd");
    if (!subs.some((s) => s.topic === cmd && (s.qos as number) !== 128)) return;
    try {
      this.hooks.subscribed(id);
    } catch (e) {
      this.log.error("mqtt : traitement d'abonnement en échec", { error: String((e as Error).stack ?? e) });
    }
  }

  private onGone(client: Tagged) {
    const id = client[IDENTITY];
    // A reconnect under the same id replaces the entry first: the old socket's end is not "offline".
    if (!id || this.current.get(id.workstationId) !== client) return;
    this.current.delete(id.workstationId);
    this.stats.connected = this.current.size;
    try {
      this.hooks.disconnected(id);
    } catch (e) {
      this.log.error("mqtt : traitement de déconnexion en échec", { error: String((e as Error).stack ?? e) });
    }
  }

  private deliver(packet: AedesPublishPacket) {
    const t = parseTopic(packet.topic);
    if (!t || !(UP_KINDS as readonly string[]).includes(t.kind)) return;
    if (packet.payload.length === 0) return; // a cleared retained topic
    let value = checked.get(packet.payload as Buffer);
    if (value === undefined) {
      // Not seen at the door (a last will stored before a restart): validate here.
      const d = decode(t.kind as UpKind, packet.payload as Buffer);
      if (!d.ok) return;
      value = d.value;
    }
    this.stats.received[t.kind as UpKind]++;
    try {
      this.hooks.message({ orgId: t.orgId, workstationId: t.workstationId }, { kind: t.kind, value } as UpMessage, !!packet.retain);
    } catch (e) {
      // A bug in one handler must never take the broker down.
      this.log.error("mqtt : traitement d'un message en échec", { kind: t.kind, error: String((e as Error).stack ?? e) });
    }
  }
}

function ipOf(client: Client | null | undefined): string | null {
  const c = client?.conn as { remoteAddress?: string } | undefined;
  const ip = c?.remoteAddress ?? (client as any)?.req?.socket?.remoteAddress ?? null;
  return ip ? String(ip).replace(/^::ffff:/, "") : null;
}
