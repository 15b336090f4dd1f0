/** The agent's MQTT link: connects with its credentials and last will, subscribes, publishes, and asks (req → res). */
import mqtt, { type MqttClient } from "mqtt";
import { decode, encode, newId, topic, type Command, type Payloads, type Request, type UpKind } from "./protocol";
import type { Credentials } from "./store";

/** Payload of a request without its envelope (the link adds v and id). */
export type Ask = Request extends infer R ? (R extends { op: string } ? Omit<R, "v" | "id"> : never) : never;

export interface LinkHandlers {
  connected(): void;
  disconnected(): void;
  command(cmd: Command): void;
  /** A malformed message from the appliance: logged by the agent, never applied. */
  invalid(reason: string): void;
  /** The broker refused our credentials (workstation revoked or re-enrolled elsewhere). */
  refused(): void;
}

/** Raised when the appliance cannot answer (link down, timeout); the message is French and shown as is. */
export class LinkError extends Error {
  constructor(
    message: string,
    readonly code = "unreachable",
  ) {
    super(message);
  }
}

export class ApplianceLink {
  private client: MqttClient | null = null;
  private pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> }>();
  private ready = false;

  constructor(
    private creds: Credentials,
    private handlers: LinkHandlers,
    private opts: { keepaliveSeconds: number; requestTimeoutMs?: number },
  ) {}

  get connected() {
    return this.ready;
  }

  start() {
    const c = this.creds;
    const client = mqtt.connect(c.mqttUrl, {
      clientId: c.workstationId,
      username: c.username,
      password: c.password,
      protocolVersion: 4,
      clean: true,
      keepalive: this.opts.keepaliveSeconds,
      reconnectPeriod: 1000,
      connectTimeout: 5000,
      // Offline publishes are the outbox's job (persisted): mqtt.js must not replay stale heartbeats.
      queueQoSZero: false,
      will: { topic: topic(c.orgId, c.workstationId, "status"), payload: Buffer.from(JSON.stringify({ v: 1, state: "offline" })), qos: 1, retain: true },
      ...(c.mqttUrl.startsWith("ws") ? { wsOptions: { protocol: "mqtt" } } : {}),
    });
    this.client = client;
    client.on("connect", () => {
      client.options.reconnectPeriod = 1000;
      client.subscribe([topic(c.orgId, c.workstationId, "cmd"), topic(c.orgId, c.workstationId, "res")], { qos: 1 }, (err) => {
        if (err) return;
        this.ready = true;
        this.handlers.connected();
      });
    });
    const down = () => {
      if (!this.ready) return;
      this.ready = false;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new LinkError("La liaison avec le Guichet est coupée : réessayez dans un instant."));
        this.pending.delete(id);
      }
      this.handlers.disconnected();
    };
    client.on("close", down);
    client.on("offline", down);
    client.on("error", (e) => {
      // Network errors end in "close" and mqtt.js retries by itself; refused credentials are worth telling.
      const code = (e as { code?: number }).code;
      if (code === 4 || code === 5) {
        // Retrying every second would only hammer the broker until someone re-enrols this kiosk.
        client.options.reconnectPeriod = 30_000;
        this.handlers.refused();
      }
    });
    client.on("message", (t, payload) => this.message(t, payload));
  }

  private message(t: string, payload: Buffer) {
    const kind = t.endsWith("/cmd") ? "cmd" : t.endsWith("/res") ? "res" : null;
    if (!kind) return;
    const d = decode(kind, payload);
    if (!d.ok) return this.handlers.invalid(`${kind} : ${d.reason}`);
    if (kind === "cmd") return this.handlers.command(d.value as Command);
    const r = d.value as Payloads["res"];
    const p = this.pending.get(r.id);
    if (!p) return;
    this.pending.delete(r.id);
    clearTimeout(p.timer);
    if (r.ok) p.resolve(r.result);
    else p.reject(new LinkError(r.error.message, r.error.code));
  }

  /** Publishes on one of the workstation's up topics; resolves on PUBACK for QoS 1. */
  publish<K extends UpKind>(kind: K, value: Payloads[K], opts: { qos?: 0 | 1; retain?: boolean } = {}): Promise<void> {
    const client = this.client;
    if (!client || !this.ready) return Promise.reject(new LinkError("Hors ligne."));
    const body = encode(kind, value);
    return new Promise((resolve, reject) =>
      client.publish(topic(this.creds.orgId, this.creds.workstationId, kind), body, { qos: opts.qos ?? 1, retain: opts.retain ?? false }, (err) => (err ? reject(err) : resolve())),
    );
  }

  /** Sends a request and waits for its answer (French LinkError on refusal, timeout or link loss). */
  ask<T>(req: Ask): Promise<T> {
    if (!this.ready) return Promise.reject(new LinkError("Le Guichet est injoignable pour le moment : réessayez dans un instant ou adressez-vous à l'accueil."));
    const id = newId();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LinkError("Le Guichet ne répond pas : réessayez dans un instant."));
      }, this.opts.requestTimeoutMs ?? 8000);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.publish("req", { v: 1, id, ...req } as Request).catch((e) => {
        clearTimeout(timer);
        this.pending.delete(id);
        reject(e instanceof LinkError ? e : new LinkError("La demande n'a pas pu partir : réessayez."));
      });
    });
  }

  async stop() {
    const c = this.client;
    this.client = null;
    this.ready = false;
    if (c) await new Promise<void>((resolve) => c.end(false, {}, () => resolve()));
  }
}
