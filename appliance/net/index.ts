/** The explicit list of network daemons: each is a Service plus its admin routes (AdGuard Home style). */
import type { Elysia } from "elysia";
import type { Deps } from "../core/context";
import type { Service } from "../core/service";
import { DnsService } from "./dns/daemon";
import { dnsRoutes } from "./dns/routes";
import { pxeDaemon, tftpDaemon } from "./netboot/wiring";
import { mqttDaemon } from "./mqtt";

export interface DaemonWiring {
  name: string;
  /** The daemon, or null when its configuration switches it off (port 0, no interface). */
  service: (deps: Deps) => Service | null;
  /** Admin routes under /api/<name>. */
  routes?: (deps: Deps) => Elysia<any, any, any, any, any, any, any>;
}

/** Started in this order after the HTTP server, stopped in reverse. */
export const DAEMONS: DaemonWiring[] = [
  { name: "dns", service: (deps) => (deps.config.dnsPort ? new DnsService(deps) : null), routes: (deps) => dnsRoutes(deps) },
  tftpDaemon,
  pxeDaemon,
  mqttDaemon,
];
