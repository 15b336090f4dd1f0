/**
 * The embedded MQTT broker (aedes): per-workstation authentication, topic ACL, payload validation at the
 * door, and one in-process subscriber (the appliance's side) that receives every workstation's messages.
 * Transport-agnostic: TCP/TLS servers and the WebSocket bridge all hand their streams to `handle()`, which sends
 * MQTT 3.1/3.1.1 connections to aedes as they are and MQTT 5 ones through the v5 front end (mqtt5-front.ts).
 */
import { Aedes, type Client, type PublishPacket, type Subscription, type AedesPublishPacket } from "aedes";
import type { Duplex } from "node:stream";
import { ALL_UP, DOWN_KINDS, UP_KINDS, decode, parseTopic, topic, type DownKind, type Payloads, type UpKind } from "../../../agent/protocol";
import type { Logger } from "../../core/log";
import { LogThrottle } from "./log-throttle";
import { RC } from "./mqtt5-codes";
import { Mqtt5Front } from "./mqtt5-front";
import { frontOf, type Mqtt5Host } from "./mqtt5-inner";
import { sniffProtocol } from "./mqtt5-sniff";
import { indexedMemoryPersistence } from "./retained-index";

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

/** How long a new connection may take to send its CONNECT (aedes's own limit, applied before aedes sees it). */
const CONNECT_TIMEOUT_MS = 10_000;

/** The broker's verdict on a message: its decoded value when it may go on, or why it may not. */
type Verdict = { ok: true; value?: unknown } | { ok: false; why: "denied" | "invalid" };

export class KioskBroker {
  readonly aedes: Aedes;
  readonly stats: BrokerStats = { connected: 0, received: { status: 0, heartbeat: 0, event: 0, inventory: 0, req: 0, ack: 0 }, dropped: 0, refusedLogins: 0, deniedTopics: 0 };
  private current = new Map<string, Client>();
  private throttle: LogThrottle;
  private v5: Mqtt5Host;

  private constructor(
    aedes: Aedes,
    private hooks: BrokerHooks,
    private log: Logger,
  ) {
    this.aedes = aedes;
    this.throttle = new LogThrottle(log, 30_000);
    this.v5 = {
      serve: (conn) => aedes.handle(conn as any),
      vetPublish: (client, topic, payload, retain) => {
        const v = this.vet(client as Tagged | null, topic, payload, retain);
        return v.ok ? "ok" : v.why;
      },
      malformed: (ip, reason) => this.throttle.warn(`v5:${ip}`, "mqtt : paquet MQTT 5 mal formé, connexion fermée", { ip, error: reason.slice(0, 200) }),
    };
  }

  /** Creates the broker and subscribes the appliance's side to every workstation's up channel. */
  static async create(hooks: BrokerHooks, log: Logger): Promise<KioskBroker> {
    // drainTimeout: a kiosk that stops reading must not stall delivery to the others (aedes docs).
    // persistence: aedes's memory store, with retained messages found by topic (see retained-index.ts).
    const aedes = await Aedes.createBroker({ persistence: indexedMemoryPersistence(), drainTimeout: 15_000, connectTimeout: 10_000, maxClientsIdLength: 64, heartbeatInterval: 60_000 });
    const b = new KioskBroker(aedes, hooks, log);
    aedes.authenticate = (client, username, password, done) => {
      b.authenticate(client as Tagged, username, password).then(
        (ok) => {
          // The older connection of the same kiosk is about to be replaced: an MQTT 5 one is told so.
          if (ok) markClosing(clientsOf(aedes)[client.id], RC.sessionTakenOver);
          done(ok ? null : Object.assign(new Error("identifiants refusés"), { returnCode: ok === null ? 4 : 2 }), !!ok);
        },
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
    aedes.on("keepaliveTimeout", (client) => markClosing(client, RC.keepAliveTimeout));
    aedes.on("clientError", (client, err) => b.throttle.warn(`client:${client?.id}`, "mqtt : connexion en erreur", { client: client?.id, error: err.message }));
    aedes.on("connectionError", (client, err) => b.throttle.warn(`conn:${ipOf(client)}`, "mqtt : connexion refusée", { ip: ipOf(client), error: err.message }));
    // One subscription per up kind (not guichet/+/ws/+/+): the appliance's own cmd/res never loop back to it.
    const deliver = (packet: AedesPublishPacket, cb: () => void) => (b.deliver(packet), cb());
    for (const k of UP_KINDS) await new Promise<void>((resolve) => aedes.subscribe(ALL_UP.replace(/\+$/, k), deliver, resolve));
    return b;
  }

  /** Hands a byte stream (TCP socket, TLS socket, WebSocket bridge) to the broker: aedes, or the v5 front end first. */
  handle(stream: Duplex) {
    sniffProtocol(stream, CONNECT_TIMEOUT_MS, (version, head) => {
      if (version === 5) new Mqtt5Front(this.v5, stream, head);
      else {
        stream.unshift(head);
        this.aedes.handle(stream as any);
      }
    });
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
    if (c) {
      markClosing(c, RC.administrativeAction);
      c.close();
    }
    return !!c;
  }

  /** Removes a workstation's retained messages (after revocation). */
  clearRetained(id: Identity) {
    for (const k of UP_KINDS) this.aedes.publish({ cmd: "publish", topic: topic(id.orgId, id.workstationId, k), payload: Buffer.alloc(0), qos: 0, retain: true, dup: false } as PublishPacket, () => {});
  }

  close(): Promise<void> {
    for (const c of Object.values(clientsOf(this.aedes))) markClosing(c, RC.serverShuttingDown);
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
    const v = this.vet(client, packet.topic, packet.payload as Buffer, packet.retain);
    // Outside its own up channel: the connection is closed (MQTT 3.1.1 has no negative PUBACK; the v5 front end
    // answers PUBACK 0x87 before the message gets here).
    if (!v.ok && v.why === "denied") return new Error("sujet non autorisé");
    if (!v.ok) {
      // Dropped without cutting the link: acknowledged, never stored, delivered to nobody.
      packet.topic = DROP_TOPIC;
      packet.retain = false;
    } else if (v.value !== undefined) checked.set(packet.payload as Buffer, v.value);
    return null;
  }

  /** The ACL and schema check of one message from a workstation (counted and logged when refused). */
  private vet(client: Tagged | null, topicName: string, payload: Buffer, retain: boolean): Verdict {
    const id = client?.[IDENTITY];
    const t = parseTopic(topicName);
    // Only a workstation's own up channel.
    if (!id || !t || t.orgId !== id.orgId || t.workstationId !== id.workstationId || !(UP_KINDS as readonly string[]).includes(t.kind)) {
      this.stats.deniedTopics++;
      this.throttle.warn(`pub:${id?.workstationId ?? "?"}`, "mqtt : publication refusée hors des sujets du poste", { client: client?.id, topic: topicName.slice(0, 200) });
      return { ok: false, why: "denied" };
    }
    // An empty retained message clears the topic: harmless for the workstation's own status.
    if (retain && payload.length === 0) return { ok: true };
    const d = decode(t.kind as UpKind, payload);
    if (!d.ok) {
      this.stats.dropped++;
      this.throttle.warn(`bad:${id.workstationId}`, "mqtt : message invalide ignoré", { workstation: id.workstationId, kind: t.kind, reason: d.reason });
      return { ok: false, why: "invalid" };
    }
    return { ok: true, value: d.value };
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

/** aedes's live clients by client id (public in aedes, missing from its typings). */
function clientsOf(aedes: Aedes): Record<string, Client | undefined> {
  return (aedes as unknown as { clients: Record<string, Client | undefined> }).clients;
}

/** Tells an MQTT 5 client why the broker is about to close its connection (no-op for a 3.1.1 client). */
function markClosing(client: Client | null | undefined, reasonCode: number) {
  const front = frontOf(client?.conn);
  if (front && front.closeReason === null) front.closeReason = reasonCode;
}

function ipOf(client: Client | null | undefined): string | null {
  const c = client?.conn as { remoteAddress?: string } | undefined;
  const ip = c?.remoteAddress ?? (client as any)?.req?.socket?.remoteAddress ?? null;
  return ip ? String(ip).replace(/^::ffff:/, "") : null;
}
