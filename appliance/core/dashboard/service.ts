/** The dashboard: a few core figures plus the cards each enabled module contributes. */
import { and, eq, gt, gte, isNull, sql } from "drizzle-orm";
import { auditLog, invitations, memberships, organisations } from "../db/schema";
import type { Ctx } from "../context";
import { roleAtLeast } from "../auth/roles";
import { getSetting } from "../settings";
import { unreadCount } from "../notify/service";

/** One dashboard card; `link` is a UI route ("#/…"). */
export interface DashboardCard {
  module: string;
  title: string;
  value: number | string;
  hint?: string;
  link?: string;
}

/** A module's contribution: called with the viewer's Ctx, so it shows only what that viewer may see. */
export type DashboardProvider = { name: string; label?: string; dashboard?: (ctx: Ctx) => DashboardCard[] | Promise<DashboardCard[]> };

/** Midnight of `now`'s day in time zone `tz`, as a Date (handles the daylight-saving offset of that midnight). */
export function startOfDay(now: Date, tz: string): Date {
  const fmt = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  const offsetAt = (d: Date) => {
    const p = Object.fromEntries(fmt.formatToParts(d).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(d.getTime() / 1000) * 1000;
  };
  const p = Object.fromEntries(fmt.formatToParts(now).map((x) => [x.type, Number(x.value)]));
  const midnightUtc = Date.UTC(p.year!, p.month! - 1, p.day!);
  let t = midnightUtc - offsetAt(now);
  t = midnightUtc - offsetAt(new Date(t));
  return new Date(t);
}

function count(q: { n: number } | undefined) {
  return q?.n ?? 0;
}

/** Core cards, each shown only to those allowed to open what it counts. */
export function coreCards(ctx: Ctx): DashboardCard[] {
  const isAdmin = roleAtLeast(ctx.actor.role, "admin");
  const n = sql<number>`count(*)`;
  const cards: DashboardCard[] = [
    { module: "core", title: "Membres", value: count(ctx.db.select({ n }).from(memberships).where(eq(memberships.orgId, ctx.org)).get()), link: "#/utilisateurs" },
  ];
  const unread = unreadCount(ctx);
  cards.push({ module: "core", title: "Notifications non lues", value: unread, link: "#/notifications", ...(unread ? {} : { hint: "Rien de nouveau" }) });
  if (isAdmin) {
    const now = ctx.clock.now();
    const pending = ctx.db.select({ n }).from(invitations).where(and(eq(invitations.orgId, ctx.org), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now.toISOString()))).get();
    cards.push({ module: "core", title: "Invitations en attente", value: count(pending), link: "#/utilisateurs" });
    const tz = getSetting(ctx.db, ctx.org, "timezone", "Europe/Paris");
    const since = startOfDay(now, tz).toISOString();
    const today = ctx.db.select({ n }).from(auditLog).where(and(eq(auditLog.orgId, ctx.org), gte(auditLog.at, since))).get();
    cards.push({ module: "core", title: "Entrées du journal aujourd'hui", value: count(today), link: "#/journal" });
  }
  return cards;
}

/** Core cards then the cards of each module enabled in the organisation; a failing module shows a placeholder. */
export async function dashboard(ctx: Ctx, modules: DashboardProvider[]) {
  const org = ctx.db.select({ modules: organisations.modules }).from(organisations).where(eq(organisations.id, ctx.org)).get();
  const enabled = new Set<string>(org ? (JSON.parse(org.modules) as string[]) : []);
  const cards = coreCards(ctx);
  for (const m of modules) {
    if (!m.dashboard || !enabled.has(m.name)) continue;
    try {
      for (const c of await m.dashboard(ctx)) cards.push({ ...c, module: m.name });
    } catch (e) {
      ctx.log.error(`tableau de bord : le module ${m.name} a échoué`, { erreur: String((e as Error)?.message ?? e) });
      cards.push({ module: m.name, title: m.label ?? m.name, value: "—", hint: "Indisponible pour le moment" });
    }
  }
  return { cards };
}
