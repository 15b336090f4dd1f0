/** The MQTT daemon as a Service: the broker, its TCP (or TLS) listener, and the appliance's side of the link. */
import { readFileSync } from "node:fs";
import type { TCPSocketListener } from "bun";
import type { Deps } from "../../core/context";
import type { Service } from "../../core/service";
import { KioskBroker } from "./broker";
import { KioskLink } from "./link";
import { listenStreams, type SocketStream } from "./tcp-stream";

/** Running daemons by their Deps, so that routes (revocation, WebSocket bridge, stats) find the broker. */
const running = new WeakMap<Deps, MqttService>();

/** The MQTT service started for these deps, if any. */
export function mqttServiceOf(deps: Deps): MqttService | null {
  return running.get(deps) ?? null;
}

export class MqttService implements Service {
  readonly name = "mqtt";
  broker: KioskBroker | null = null;
  link: KioskLink;
  private server: TCPSocketListener<SocketStream | undefined> | null = null;

  constructor(
    private deps: Deps,
    private port: number = deps.config.mqttPort,
    private host: string = deps.config.httpHost,
  ) {
    this.link = new KioskLink(deps);
  }

  async start() {
    this.broker = await KioskBroker.create(this.link.hooks, this.deps.log);
    this.link.attach(this.broker);
    const b = this.broker;
    const { tlsCert, tlsKey } = this.deps.config;
    // With the appliance's certificate the kiosks' link is encrypted too (mqtts on the same port).
    const tls = tlsCert && tlsKey ? { cert: readFileSync(tlsCert, "utf8"), key: readFileSync(tlsKey, "utf8") } : undefined;
    this.server = listenStreams({ host: this.host, port: this.port, tls }, (s) => b.handle(s));
    running.set(this.deps, this);
    this.deps.log.info(`MQTT (${tlsCert ? "TLS" : "TCP"}) à l'écoute sur le port ${this.boundPort}`);
  }

  /** The port actually bound (tests pass 0). */
  get boundPort(): number {
    return this.server?.port ?? this.port;
  }

  async stop() {
    running.delete(this.deps);
    this.link.detach();
    // Stop accepting first, then close the broker (which ends every client connection).
    this.server?.stop(false);
    this.server = null;
    if (this.broker) await this.broker.close();
    this.broker = null;
  }
}
