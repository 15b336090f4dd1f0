/** The MQTT daemon as a Service: the broker, its TCP (or TLS) listener, and the appliance's side of the link. */
import { createServer, type Server } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import { readFileSync } from "node:fs";
import type { Deps } from "../../core/context";
import type { Service } from "../../core/service";
import { KioskBroker } from "./broker";
import { KioskLink } from "./link";

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
  private server: Server | null = null;

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
    this.server = tlsCert && tlsKey ? createTlsServer({ cert: readFileSync(tlsCert), key: readFileSync(tlsKey) }, (s) => b.handle(s)) : createServer((s) => b.handle(s));
    const srv = this.server;
    await new Promise<void>((resolve, reject) => {
      srv.once("error", reject);
      srv.listen(this.port, this.host, () => {
        srv.off("error", reject);
        resolve();
      });
    });
    running.set(this.deps, this);
    this.deps.log.info(`MQTT (${tlsCert ? "TLS" : "TCP"}) à l'écoute sur le port ${this.boundPort}`);
  }

  /** The port actually bound (tests pass 0). */
  get boundPort(): number {
    const a = this.server?.address();
    return a && typeof a === "object" ? a.port : this.port;
  }

  async stop() {
    running.delete(this.deps);
    this.link.detach();
    const srv = this.server;
    this.server = null;
    // Stop accepting first, then close the broker (which ends every client connection).
    const closed = srv ? new Promise<void>((resolve) => srv.close(() => resolve())) : Promise.resolve();
    if (this.broker) await this.broker.close();
    this.broker = null;
    await closed;
  }
}
