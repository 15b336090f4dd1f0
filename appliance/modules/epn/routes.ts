/** The EPN API under /api/epn: staff routes (session + module role) and kiosk routes (workstation secret). */
import { Elysia } from "elysia";
import type { Deps } from "../../core/context";
import { authPlugin } from "../../core/http/auth-plugin";
import { setupRoutes } from "./routes/setup";
import { workstationRoutes } from "./routes/workstations";
import { patronRoutes } from "./routes/patrons";
import { codeRoutes } from "./routes/codes";
import { reservationRoutes } from "./routes/reservations";
import { reportRoutes } from "./routes/reports";
import { kioskRoutes } from "./routes/kiosk";

/** Every EPN route, wired in one readable list. */
export function epnRoutes(deps: Deps) {
  return new Elysia({ name: "epn", prefix: "/api/epn" })
    .use(authPlugin(deps))
    .use(setupRoutes(deps))
    .use(workstationRoutes(deps))
    .use(patronRoutes(deps))
    .use(codeRoutes(deps))
    .use(reservationRoutes(deps))
    .use(reportRoutes(deps))
    .use(kioskRoutes(deps));
}
