/** Platform services started after HTTP: mail sender, job scheduler, live updates; each may be disabled. */
import type { Elysia } from "elysia";
import type { Deps } from "./context";
import type { Service, ServiceManager } from "./service";

export interface CoreWiring {
  services: { service: Service; disabled?: boolean }[];
  routes: Elysia<any, any, any, any, any, any, any>[];
}

/** The list grows as platform parts land (mail, jobs, notifications). */
export function coreServices(_deps: Deps, _manager: ServiceManager): CoreWiring {
  return { services: [], routes: [] };
}
