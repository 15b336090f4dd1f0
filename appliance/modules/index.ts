/** The explicit list of business modules: routes, background services and dashboard cards of each. */
import type { Elysia } from "elysia";
import type { Deps } from "../core/context";
import type { Service } from "../core/service";
export { MODULES } from "./catalog";

export interface ModuleWiring {
  name: string;
  /** The module's Elysia instance (prefix /api/<name>). */
  routes?: (deps: Deps) => Elysia<any, any, any, any, any, any, any>;
  /** Timers and daemons the module runs (started by main.ts after the HTTP server). */
  services?: (deps: Deps) => Service[];
}

/** Wiring of each module; order is the navigation order. */
export const WIRING: ModuleWiring[] = [];
