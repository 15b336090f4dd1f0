/** Wall-clock helpers for the organisation's time zone: opening hours and quotas are local, storage is UTC. */

const formatters = new Map<string, Intl.DateTimeFormat>();

function fmt(tz: string) {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-CA", { timeZone: tz, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    formatters.set(tz, f);
  }
  return f;
}

/** True when the IANA zone name is known to the runtime (validated before it is saved). */
export function isTimeZone(tz: string) {
  try {
    fmt(tz);
    return true;
  } catch {
    return false;
  }
}

/** Local calendar parts of an instant. */
export interface LocalParts {
  day: string;
  year: number;
  month: number;
  date: number;
  hour: number;
  minute: number;
  second: number;
  /** ISO weekday: 1 = lundi … 7 = dimanche. */
  weekday: number;
}

// Opening-hours arithmetic asks the same wall times over and over: a small bounded memo.
const zonedMemo = new Map<string, number>();
function remember<V>(m: Map<string, V>, k: string, v: V) {
  if (m.size > 20_000) m.clear();
  m.set(k, v);
  return v;
}

// Every kiosk request asks for local parts of a new instant, and formatToParts costs ~10 µs here. A zone's
// offset is constant within a UTC minute whenever it is a whole number of minutes (every zone since 1972:
// transitions fall on whole minutes), so it is computed once per zone and minute, and the parts derived.
const offsetMemo = new Map<string, number>();
const pad2 = (n: number) => (n < 10 ? "0" : "") + n;

/** The local date, time and weekday of `d` in `tz`. */
export function localParts(d: Date, tz: string): LocalParts {
  const t = d.getTime();
  const minute = Math.floor(t / 60_000) * 60_000;
  const key = tz + minute;
  let offset = offsetMemo.get(key);
  if (offset === undefined) {
    const p = computeParts(new Date(minute), tz);
    offset = Date.UTC(p.year, p.month - 1, p.date, p.hour, p.minute, p.second) - minute;
    // Historical odd offsets (seconds) or years Intl would print otherwise: no shortcut.
    if (offset % 60_000 !== 0 || p.year < 1000 || p.year > 9999) return computeParts(d, tz);
    remember(offsetMemo, key, offset);
  }
  const l = new Date(t + offset);
  const year = l.getUTCFullYear(), month = l.getUTCMonth() + 1, date = l.getUTCDate();
  return { day: `${year}-${pad2(month)}-${pad2(date)}`, year, month, date, hour: l.getUTCHours(), minute: l.getUTCMinutes(), second: l.getUTCSeconds(), weekday: ((l.getUTCDay() + 6) % 7) + 1 };
}

function computeParts(d: Date, tz: string): LocalParts {
  const p: Record<string, string> = {};
  for (const x of fmt(tz).formatToParts(d)) p[x.type] = x.value;
  const year = Number(p.year), month = Number(p.month), date = Number(p.day);
  const weekday = ((new Date(Date.UTC(year, month - 1, date)).getUTCDay() + 6) % 7) + 1;
  return { day: `${p.year}-${p.month}-${p.day}`, year, month, date, hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second), weekday };
}

/** The local day (YYYY-MM-DD) of an instant. */
export function localDay(d: Date, tz: string) {
  return localParts(d, tz).day;
}

function offsetAt(t: number, tz: string) {
  const p = localParts(new Date(t), tz);
  return Date.UTC(p.year, p.month - 1, p.date, p.hour, p.minute, p.second) - Math.floor(t / 1000) * 1000;
}

/** The UTC instant of a local wall time ("24:00" is the next midnight); DST gaps resolve forward. */
export function zonedTime(day: string, hhmm: string, tz: string): Date {
  const key = day + hhmm + tz;
  const hit = zonedMemo.get(key);
  return new Date(hit ?? remember(zonedMemo, key, computeZoned(day, hhmm, tz)));
}

function computeZoned(day: string, hhmm: string, tz: string): number {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const [h, mi] = hhmm.split(":").map(Number) as [number, number];
  const guess = Date.UTC(y, m - 1, d, h, mi);
  let t = guess - offsetAt(guess, tz);
  const again = guess - offsetAt(t, tz);
  if (again !== t) t = again;
  return t;
}

// Opening hours walk the same few days on every session opened: day arithmetic is memoised too.
const addDaysMemo = new Map<string, string>();
const weekdayMemo = new Map<string, number>();

/** `day` shifted by `n` days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number) {
  const key = `${day}|${n}`;
  const hit = addDaysMemo.get(key);
  if (hit !== undefined) return hit;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return remember(addDaysMemo, key, new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10));
}

/** ISO weekday (1 = lundi) of a calendar day. */
export function weekdayOf(day: string) {
  const hit = weekdayMemo.get(day);
  if (hit !== undefined) return hit;
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  return remember(weekdayMemo, day, ((new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7) + 1);
}

/** "2026-W10" style ISO week of a calendar day. */
export function isoWeek(day: string) {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d));
  t.setUTCDate(t.getUTCDate() + 4 - (((t.getUTCDay() + 6) % 7) + 1));
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
  return `${t.getUTCFullYear()}-S${String(week).padStart(2, "0")}`;
}

/** "14:05" local time of an instant, as shown to patrons. */
export function hhmm(d: Date, tz: string) {
  const p = localParts(d, tz);
  return `${String(p.hour).padStart(2, "0")}:${String(p.minute).padStart(2, "0")}`;
}

const DAYS_FR = ["", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"];

/** "lundi 14:00" (or "14:00" when on the same local day as `ref`). */
export function describeInstant(d: Date, ref: Date, tz: string) {
  const p = localParts(d, tz);
  const same = p.day === localDay(ref, tz);
  return same ? hhmm(d, tz) : `${DAYS_FR[p.weekday]} ${p.date.toString().padStart(2, "0")}/${String(p.month).padStart(2, "0")} à ${hhmm(d, tz)}`;
}
