/** Formatting of dates, sizes and durations in the current language. */
import { locale, t } from "./i18n";

/** "12/03/2026 14:05" (local time) from an ISO string; "—" when empty. */
export function dateTime(iso: string | null | undefined) {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(locale(), { dateStyle: "short", timeStyle: "short" });
}

/** "12/03/2026" from an ISO string. */
export function dateOnly(iso: string | null | undefined) {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleDateString(locale());
}

/** 1536 → "1,5 Kio". */
export function bytes(n: number | null | undefined) {
  if (n === null || n === undefined) return "—";
  const units = ["o", "Kio", "Mio", "Gio", "Tio"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toLocaleString(locale(), { maximumFractionDigits: i ? 1 : 0 })} ${t(units[i]!)}`;
}

/** 93784 s → "1 j 2 h 3 min". */
export function duration(seconds: number) {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const parts: string[] = [];
  if (d) parts.push(`${d} ${t("j")}`);
  if (h) parts.push(`${h} h`);
  if (m || !parts.length) parts.push(d || h || m ? `${m} min` : `${seconds} s`);
  return parts.join(" ");
}

/** A number with the locale's grouping (12 345). */
export function num(n: number) {
  return n.toLocaleString(locale());
}

/** Short browser description from a User-Agent ("Chrome sur Linux"). */
export function browserOf(ua: string | null | undefined) {
  if (!ua) return t("Navigateur inconnu");
  const b = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrom(e|ium)\//.test(ua) ? "Chrome" : /Safari\//.test(ua) ? "Safari" : /curl|bun|node/i.test(ua) ? t("Script") : t("Navigateur");
  const os = /Windows/.test(ua) ? "Windows" : /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
  return os ? t("{b} sur {os}", { b, os }) : b;
}
