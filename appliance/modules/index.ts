/** The explicit list of business modules: routes, background services and dashboard cards of each. */
import type { Elysia } from "elysia";
import type { Deps } from "../core/context";
import type { Service } from "../core/service";
import { epnRoutes } from "./epn/routes";
import { epnJobs } from "./epn/jobs";
import { epnCards } from "./epn/dashboard";
export { MODULES } from "./catalog";

export interface ModuleWiring {
  name: string;
  /** The module's Elysia instance (prefix /api/<name>). */
  routes?: (deps: Deps) => Elysia<any, any, any, any, any, any, any>;
  /** Timers and daemons the module runs (started by main.ts after the HTTP server). */
  services?: (deps: Deps) => Service[];
  /** Periodic jobs (reminders, purges), run by the core job scheduler. */
  jobs?: (deps: Deps) => import("../core/jobs/scheduler").JobDef[];
  /** Dashboard cards, computed with the viewer's Ctx (show only what that viewer may see). */
  dashboard?: (ctx: import("../core/context").Ctx) => import("../core/dashboard/service").DashboardCard[] | Promise<import("../core/dashboard/service").DashboardCard[]>;
}

/** Wiring of each module; order is the navigation order. */
export const WIRING: ModuleWiring[] = [
  { name: "epn", routes: epnRoutes, jobs: epnJobs, dashboard: epnCards },
];
