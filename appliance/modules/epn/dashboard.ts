/** The EPN's dashboard cards, shown only to those who may open the room view. */
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../../core/context";
import { allows } from "../../core/auth/roles";
import type { DashboardCard } from "../../core/dashboard/service";
import { epnSessions } from "./schema";
import { getSettings, localDay, roomView } from "./service";
import { STAFF } from "./routes/rules";

/** Workstations in use now and sessions today. */
export function epnCards(ctx: Ctx): DashboardCard[] {
  if (!allows(ctx.actor.role, ctx.actor.moduleRoles, STAFF)) return [];
  const tiles = roomView(ctx);
  const inUse = tiles.filter((t) => t.state === "in_use").length;
  const today = localDay(ctx.clock.now(), getSettings(ctx).timezone);
  const sessions = ctx.db.select({ n: sql<number>`count(*)` }).from(epnSessions).where(and(eq(epnSessions.orgId, ctx.org), eq(epnSessions.localDay, today))).get()!.n;
  return [
    { module: "epn", title: "Postes occupés", value: `${inUse} / ${tiles.length}`, hint: tiles.filter((t) => t.state === "offline").length ? `${tiles.filter((t) => t.state === "offline").length} hors ligne` : undefined, link: "#/epn" },
    { module: "epn", title: "Sessions aujourd'hui", value: sessions, link: "#/epn/statistiques" },
  ];
}
