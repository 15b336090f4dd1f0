/** Usage statistics: sessions and hours by day/week/month and workstation, occupancy, patrons by profile. */
import { and, eq, gte, isNotNull, lte, sql } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { Invalid } from "../../../core/errors";
import { epnPatrons, epnRooms, epnSessions, epnWorkstations } from "../schema";
import { addDays, isoWeek, localDay, localParts } from "./local-time";
import { openSeconds, type WeekHours } from "./opening-hours";
import { closuresFor } from "./rooms";
import { ageBand, AGE_BANDS, CATEGORIES, SEXES } from "./categories";
import { getSettings } from "./settings";
import { toCsv, type Cell } from "./csv";

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const hours = (s: number) => Math.round((s / 3600) * 100) / 100;

/** The period asked for (local days, inclusive); 30 days up to today by default, 366 at most. */
export function period(ctx: Ctx, q: { from?: string; to?: string }) {
  const today = localDay(ctx.clock.now(), getSettings(ctx).timezone);
  const to = q.to || today;
  const from = q.from || addDays(to, -29);
  if (!DAY.test(from) || !DAY.test(to)) throw new Invalid("Période invalide : dates au format AAAA-MM-JJ.", { from: "Date attendue." });
  if (from > to) throw new Invalid("Le début de la période suit sa fin.", { from: "Doit précéder la fin." });
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 > 366) throw new Invalid("Période trop longue (un an maximum).", { from: "Un an maximum." });
  return { from, to };
}

function roll(days: { day: string; sessions: number; seconds: number }[], key: (d: string) => string) {
  const m = new Map<string, { period: string; sessions: number; seconds: number }>();
  for (const d of days) {
    const k = key(d.day);
    const e = m.get(k) ?? { period: k, sessions: 0, seconds: 0 };
    e.sessions += d.sessions;
    e.seconds += d.seconds;
    m.set(k, e);
  }
  return [...m.values()].map((e) => ({ period: e.period, sessions: e.sessions, hours: hours(e.seconds) }));
}

function countBy<T>(items: T[], key: (x: T) => string, order?: readonly string[]) {
  const m = new Map<string, number>();
  for (const o of order ?? []) m.set(o, 0);
  for (const x of items) m.set(key(x), (m.get(key(x)) ?? 0) + 1);
  return [...m.entries()].map(([label, count]) => ({ label, count })).filter((e) => e.count > 0 || order);
}

/** Every figure of the statistics page for a period. */
export function statistics(ctx: Ctx, q: { from?: string; to?: string }) {
  const { from, to } = period(ctx, q);
  const s = getSettings(ctx);
  const inPeriod = and(eq(epnSessions.orgId, ctx.org), gte(epnSessions.localDay, from), lte(epnSessions.localDay, to), isNotNull(epnSessions.endedAt));
  const byDay = new Map(
    ctx.db
      .select({ day: epnSessions.localDay, sessions: sql<number>`count(*)`, seconds: sql<number>`coalesce(sum(${epnSessions.usedSeconds}), 0)` })
      .from(epnSessions)
      .where(inPeriod)
      .groupBy(epnSessions.localDay)
      .all()
      .map((r) => [r.day, r]),
  );
  const days: { day: string; sessions: number; seconds: number }[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) days.push({ day: d, sessions: byDay.get(d)?.sessions ?? 0, seconds: byDay.get(d)?.seconds ?? 0 });
  const totals = ctx.db
    .select({ sessions: sql<number>`count(*)`, seconds: sql<number>`coalesce(sum(${epnSessions.usedSeconds}), 0)`, holders: sql<number>`count(distinct ${epnSessions.holder})`, guests: sql<number>`coalesce(sum(${epnSessions.guest}), 0)` })
    .from(epnSessions)
    .where(inPeriod)
    .get()!;
  const used = new Map(
    ctx.db
      .select({ ws: epnSessions.workstationId, sessions: sql<number>`count(*)`, seconds: sql<number>`coalesce(sum(${epnSessions.usedSeconds}), 0)` })
      .from(epnSessions)
      .where(inPeriod)
      .groupBy(epnSessions.workstationId)
      .all()
      .map((r) => [r.ws, r]),
  );
  const rooms = new Map(ctx.db.select().from(epnRooms).where(eq(epnRooms.orgId, ctx.org)).all().map((r) => [r.id, JSON.parse(r.hours) as WeekHours]));
  const closures = closuresFor(ctx, ctx.db, null, from);
  const openByRoom = new Map([...rooms].map(([id, h]) => [id, openSeconds(from, to, id, h, closures, s.timezone)]));
  let openTotal = 0;
  let usedTotal = 0;
  const perWorkstation = ctx.db
    .select()
    .from(epnWorkstations)
    .where(eq(epnWorkstations.orgId, ctx.org))
    .all()
    .map((w) => {
      const u = used.get(w.id);
      const open = openByRoom.get(w.roomId) ?? 0;
      openTotal += open;
      usedTotal += u?.seconds ?? 0;
      return { id: w.id, name: w.name, sessions: u?.sessions ?? 0, hours: hours(u?.seconds ?? 0), occupancy: open ? Math.round(((u?.seconds ?? 0) / open) * 1000) / 10 : 0 };
    })
    .sort((a, b) => a.name.localeCompare(b.name, "fr"));
  const year = localParts(ctx.clock.now(), s.timezone).year;
  const patrons = ctx.db
    .select({ birthYear: epnPatrons.birthYear, ageBand: epnPatrons.ageBand, commune: epnPatrons.commune, category: epnPatrons.category, sex: epnPatrons.sex, registeredOn: epnPatrons.registeredOn, erasedAt: epnPatrons.erasedAt })
    .from(epnPatrons)
    .where(eq(epnPatrons.orgId, ctx.org))
    .all();
  const registrations = new Map<string, number>();
  for (let d = from.slice(0, 7) + "-01"; d.slice(0, 7) <= to.slice(0, 7); d = addDays(d, 32).slice(0, 7) + "-01") registrations.set(d.slice(0, 7), 0);
  for (const p of patrons) if (p.registeredOn >= from && p.registeredOn <= to) registrations.set(p.registeredOn.slice(0, 7), (registrations.get(p.registeredOn.slice(0, 7)) ?? 0) + 1);
  return {
    from,
    to,
    totals: { sessions: totals.sessions, hours: hours(totals.seconds), distinctUsers: totals.holders, guestSessions: totals.guests, occupancy: openTotal ? Math.round((usedTotal / openTotal) * 1000) / 10 : 0 },
    perDay: days.map((d) => ({ period: d.day, sessions: d.sessions, hours: hours(d.seconds) })),
    perWeek: roll(days, isoWeek),
    perMonth: roll(days, (d) => d.slice(0, 7)),
    perWorkstation,
    patrons: {
      total: patrons.length,
      erased: patrons.filter((p) => p.erasedAt).length,
      byAgeBand: countBy(patrons, (p) => (p.erasedAt ? p.ageBand : ageBand(p.birthYear, year)) ?? "non renseigné", [...AGE_BANDS, "non renseigné"]),
      byCommune: countBy(patrons, (p) => p.commune || "non renseignée").sort((a, b) => b.count - a.count).slice(0, 30),
      byCategory: countBy(patrons, (p) => CATEGORIES[p.category as keyof typeof CATEGORIES] ?? p.category, Object.values(CATEGORIES)),
      bySex: countBy(patrons, (p) => (p.sex ? SEXES[p.sex as keyof typeof SEXES] : "non renseigné"), [...Object.values(SEXES), "non renseigné"]),
      registrationsPerMonth: [...registrations.entries()].map(([period, count]) => ({ period, count })),
    },
  };
}

/** One table of the statistics as CSV: days, weeks, months, workstations or patrons. */
export function statisticsCsv(ctx: Ctx, q: { from?: string; to?: string; kind?: string }) {
  const st = statistics(ctx, q);
  const kind = q.kind ?? "days";
  let rows: Cell[][];
  switch (kind) {
    case "days":
    case "weeks":
    case "months": {
      const list = kind === "days" ? st.perDay : kind === "weeks" ? st.perWeek : st.perMonth;
      rows = [[kind === "days" ? "jour" : kind === "weeks" ? "semaine" : "mois", "sessions", "heures"], ...list.map((r) => [r.period, r.sessions, r.hours])];
      break;
    }
    case "workstations":
      rows = [["poste", "sessions", "heures", "taux d'occupation (%)"], ...st.perWorkstation.map((w) => [w.name, w.sessions, w.hours, w.occupancy])];
      break;
    case "patrons":
      rows = [
        ["dimension", "valeur", "usagers"],
        ...st.patrons.byAgeBand.map((x) => ["tranche d'âge", x.label, x.count]),
        ...st.patrons.byCategory.map((x) => ["catégorie", x.label, x.count]),
        ...st.patrons.bySex.map((x) => ["sexe", x.label, x.count]),
        ...st.patrons.byCommune.map((x) => ["commune", x.label, x.count]),
        ...st.patrons.registrationsPerMonth.map((x) => ["inscriptions du mois", x.period, x.count]),
      ];
      break;
    default:
      throw new Invalid("Tableau inconnu : days, weeks, months, workstations ou patrons.", { kind: "Valeur inconnue." });
  }
  return { csv: toCsv(rows), filename: `epn-statistiques-${kind}-${st.from}-${st.to}.csv` };
}
