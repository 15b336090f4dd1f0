/** GET /api/dashboard: the cards of the current organisation's home page (any member). */
import { Elysia } from "elysia";
import type { Deps } from "../context";
import { authPlugin } from "../http/auth-plugin";
import { dashboard, type DashboardProvider } from "./service";

export function dashboardRoutes(deps: Deps, modules: DashboardProvider[]) {
  return new Elysia({ name: "core-dashboard" })
    .use(authPlugin(deps))
    .get("/api/dashboard", ({ auth }) => dashboard(auth.ctx(), modules), { detail: { summary: "Cartes du tableau de bord", tags: ["tableau de bord"] } });
}
