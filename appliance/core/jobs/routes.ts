/** GET /api/jobs: each periodic job with its interval, next run and last recorded run (administrators). */
import { Elysia } from "elysia";
import type { Deps } from "../context";
import { authPlugin } from "../http/auth-plugin";
import type { JobScheduler } from "./scheduler";

export function jobRoutes(deps: Deps, scheduler: JobScheduler) {
  return new Elysia({ name: "core-jobs" })
    .use(authPlugin(deps))
    // Jobs are appliance-wide and carry no organisation data: any organisation's admin may see them.
    .get("/api/jobs", ({ auth }) => (auth.ctx({ role: "admin" }), scheduler.list()), { detail: { summary: "Tâches périodiques et leur dernière exécution", tags: ["système"] } });
}
