/** Weekly opening hours per room and exceptional closures: is the room open now, until when, and when next. */
import { Invalid } from "../../../core/errors";
import { addDays, localDay, weekdayOf, zonedTime } from "./local-time";

/** ISO weekday ("1" = lundi … "7" = dimanche) → local intervals [["09:00","12:00"], …]. */
export type WeekHours = Record<string, [string, string][]>;

/** An exceptional closure (room null = every room), local days inclusive. */
export interface ClosureLike {
  roomId: string | null;
  fromDay: string;
  toDay: string;
  label: string;
}

/** Default for a new room: Monday–Friday 9–12 and 14–18, Saturday morning. */
export const DEFAULT_HOURS: WeekHours = {
  "1": [["09:00", "12:00"], ["14:00", "18:00"]],
  "2": [["09:00", "12:00"], ["14:00", "18:00"]],
  "3": [["09:00", "12:00"], ["14:00", "18:00"]],
  "4": [["09:00", "12:00"], ["14:00", "18:00"]],
  "5": [["09:00", "12:00"], ["14:00", "18:00"]],
  "6": [["09:00", "12:00"]],
  "7": [],
};

const TIME = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const DAY_NAMES = ["", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

/** Checks and normalises opening hours; throws Invalid naming the day at fault. */
export function validateHours(input: unknown): WeekHours {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new Invalid("Horaires d'ouverture invalides.", { hours: "Horaires invalides." });
  const out: WeekHours = {};
  for (let d = 1; d <= 7; d++) {
    const raw = (input as Record<string, unknown>)[String(d)] ?? [];
    if (!Array.isArray(raw) || raw.length > 6) throw new Invalid(`Horaires du ${DAY_NAMES[d]} invalides.`, { [`hours.${d}`]: "Jusqu'à 6 plages par jour." });
    const list: [string, string][] = [];
    for (const r of raw) {
      if (!Array.isArray(r) || r.length !== 2 || !TIME.test(String(r[0])) || !TIME.test(String(r[1])))
        throw new Invalid(`Horaires du ${DAY_NAMES[d]} invalides : format HH:MM attendu (ex. 09:00).`, { [`hours.${d}`]: "Format HH:MM attendu." });
      const [a, b] = [String(r[0]), String(r[1])];
      if (a >= b) throw new Invalid(`Horaires du ${DAY_NAMES[d]} : la fin (${b}) doit suivre le début (${a}).`, { [`hours.${d}`]: "La fin doit suivre le début." });
      list.push([a, b]);
    }
    list.sort((x, y) => x[0].localeCompare(y[0]));
    for (let i = 1; i < list.length; i++)
      if (list[i]![0] < list[i - 1]![1]) throw new Invalid(`Horaires du ${DAY_NAMES[d]} : deux plages se chevauchent.`, { [`hours.${d}`]: "Plages qui se chevauchent." });
    out[String(d)] = list;
  }
  return out;
}

/** The closure covering `day` for this room, if any. */
export function closureOn(day: string, roomId: string, closures: ClosureLike[]) {
  return closures.find((c) => (c.roomId === null || c.roomId === roomId) && c.fromDay <= day && day <= c.toDay) ?? null;
}

/** UTC intervals the room is open on a local day (none on a closure day). */
export function intervalsOn(day: string, roomId: string, hours: WeekHours, closures: ClosureLike[], tz: string) {
  if (closureOn(day, roomId, closures)) return [];
  return (hours[String(weekdayOf(day))] ?? []).map(([a, b]) => ({ start: zonedTime(day, a, tz), end: zonedTime(day, b, tz) }));
}

/** Open now and until when, or closed with the reason and the next opening. */
export type Opening = { open: true; closesAt: Date } | { open: false; closure: string | null; nextOpening: Date | null };

/** Whether the room is open at `now`; consecutive ranges (…–24:00 then 00:00–…) count as one. */
export function openingAt(now: Date, roomId: string, hours: WeekHours, closures: ClosureLike[], tz: string): Opening {
  const today = localDay(now, tz);
  const t = now.getTime();
  // Following ranges asks for the same days again and again (a room open around the clock walks 8 days):
  // each day's intervals are computed once per call.
  const days = new Map<string, { start: Date; end: Date }[]>();
  const on = (day: string) => {
    let list = days.get(day);
    if (!list) days.set(day, (list = intervalsOn(day, roomId, hours, closures, tz)));
    return list;
  };
  const current = on(today).find((i) => i.start.getTime() <= t && t < i.end.getTime());
  if (current) {
    let end = current.end;
    // Follow ranges that start exactly where this one ends (the next range or the next day at 00:00).
    for (let i = 0; i < 8; i++) {
      const day = localDay(new Date(end.getTime() - 1), tz);
      const next = [...on(day), ...on(addDays(day, 1))].find((x) => x.start.getTime() === end.getTime());
      if (!next) break;
      end = next.end;
    }
    return { open: true, closesAt: end };
  }
  const c = closureOn(today, roomId, closures);
  return { open: false, closure: c?.label ?? null, nextOpening: nextOpening(now, roomId, hours, closures, tz) };
}

/** The next start of an opening range after `now`, looking two weeks ahead. */
export function nextOpening(now: Date, roomId: string, hours: WeekHours, closures: ClosureLike[], tz: string): Date | null {
  const today = localDay(now, tz);
  for (let i = 0; i < 15; i++) {
    const s = intervalsOn(addDays(today, i), roomId, hours, closures, tz).find((x) => x.start.getTime() > now.getTime());
    if (s) return s.start;
  }
  return null;
}

/** Seconds the room is open between two local days inclusive (occupancy statistics). */
export function openSeconds(fromDay: string, toDay: string, roomId: string, hours: WeekHours, closures: ClosureLike[], tz: string) {
  let total = 0;
  for (let d = fromDay, n = 0; d <= toDay && n < 1000; d = addDays(d, 1), n++)
    for (const i of intervalsOn(d, roomId, hours, closures, tz)) total += (i.end.getTime() - i.start.getTime()) / 1000;
  return total;
}
