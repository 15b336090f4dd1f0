/**
 * The policy the daemon serves, compiled from the operator organisation's rows: settings, ordered client
 * groups (selectors, lists, SafeSearch, opening hours), local records and upstreams.
 */
import type { CompiledList } from "./matcher";
import type { UpstreamDef } from "./upstream";

/** Admin-editable behaviour (stored as one JSON setting of the operator organisation). */
export interface DnsSettings {
  /** Blocked names answer 0.0.0.0 / :: ("null_ip") or NXDOMAIN. */
  blockingMode: "null_ip" | "nxdomain";
  blockedTtl: number;
  /** full | hide_client | hide_domain | off (no detailed log, totals only). */
  privacy: "full" | "hide_client" | "hide_domain" | "off";
  logRetentionDays: number;
  cacheMinTtl: number;
  cacheMaxTtl: number;
  cacheSize: number;
  /** Queries per second allowed per client (bursts of twice that); 0 = no limit. */
  rateLimit: number;
}

export const DEFAULT_SETTINGS: DnsSettings = {
  blockingMode: "null_ip",
  blockedTtl: 10,
  privacy: "full",
  logRetentionDays: 7,
  cacheMinTtl: 0,
  cacheMaxTtl: 86400,
  cacheSize: 20000,
  rateLimit: 200,
};

/** Opening hours: ISO weekday ("1" = Monday … "7") → [start, end) windows "HH:MM"; a day absent is closed. */
export type Schedule = Record<string, [string, string][]>;

export interface GroupPolicy {
  id: string;
  name: string;
  isDefault: boolean;
  lists: CompiledList[];
  safeSearch: boolean;
  schedule: Schedule | null;
  ips: Set<string>;
  cidrs: { bytes: Uint8Array; prefix: number }[];
  macs: Set<string>;
  workstations: Set<string>;
  epnSession: null | "any" | "minor" | "adult";
}

export interface LocalRecord {
  a: string[];
  aaaa: string[];
  cname: string | null;
  ttl: number;
}

export interface Policy {
  orgId: string | null;
  settings: DnsSettings;
  groups: GroupPolicy[];
  records: Map<string, LocalRecord>;
  /** PTR names (x.x.x.x.in-addr.arpa) of local A records → name. */
  ptr: Map<string, string>;
  upstreams: UpstreamDef[];
  listNames: Map<string, string>;
}

/** What we know about a client when choosing its group. */
export interface ClientInfo {
  ip: string;
  mac: string | null;
  workstationId: string | null;
  /** Current EPN session on that workstation, if any. */
  session: { minor: boolean } | null;
}

/** Bytes of an IPv4/IPv6 address (IPv4-mapped IPv6 becomes IPv4), or null. */
export function ipBytes(ip: string): Uint8Array | null {
  let s = ip.trim();
  if (s.startsWith("::ffff:") && s.includes(".")) s = s.slice(7);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) {
    const p = s.split(".").map(Number);
    return p.every((x) => x <= 255) ? new Uint8Array(p) : null;
  }
  if (!/^[0-9a-f:]+$/i.test(s) || !s.includes(":")) return null;
  const [head, tail, extra] = s.split("::");
  if (extra !== undefined) return null;
  const h = head ? head.split(":") : [];
  const t = tail !== undefined ? (tail ? tail.split(":") : []) : null;
  const groups = t === null ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/i.test(g))) return null;
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

/** "192.168.1.0/24" → bytes + prefix, or null. */
export function parseCidr(s: string): { bytes: Uint8Array; prefix: number } | null {
  const m = /^(.+)\/(\d{1,3})$/.exec(s.trim());
  if (!m) return null;
  const bytes = ipBytes(m[1]!);
  const prefix = Number(m[2]);
  if (!bytes || prefix > bytes.length * 8) return null;
  return { bytes, prefix };
}

export function inCidr(ip: Uint8Array, c: { bytes: Uint8Array; prefix: number }) {
  if (ip.length !== c.bytes.length) return false;
  let bits = c.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((ip[i]! & mask) !== (c.bytes[i]! & mask)) return false;
  }
  return true;
}

export const MAC_RE = /^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i;

export function normalizeMac(s: string) {
  return s.trim().toLowerCase().replace(/-/g, ":");
}

/** Whether group `g` claims this client. The default group claims everyone. */
export function groupMatches(g: GroupPolicy, c: ClientInfo, bytes: Uint8Array | null): boolean {
  if (g.isDefault) return true;
  if (g.epnSession) {
    if (!c.session) return false;
    if (g.epnSession === "minor" && !c.session.minor) return false;
    if (g.epnSession === "adult" && c.session.minor) return false;
    // A session rule alone claims every EPN session; with selectors, only sessions on those clients.
    if (!g.ips.size && !g.cidrs.length && !g.macs.size && !g.workstations.size) return true;
  }
  if (g.ips.has(c.ip)) return true;
  if (bytes) for (const cidr of g.cidrs) if (inCidr(bytes, cidr)) return true;
  if (c.mac && g.macs.has(c.mac)) return true;
  if (c.workstationId && g.workstations.has(c.workstationId)) return true;
  return false;
}

const PARTS = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", weekday: "short", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const DAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Local (Europe/Paris: the town hall's clock) ISO weekday and "HH:MM". */
export function localWeekTime(d: Date): { day: number; hhmm: string } {
  let day = 1;
  let hour = "00";
  let minute = "00";
  for (const p of PARTS.formatToParts(d)) {
    if (p.type === "weekday") day = DAYS[p.value] ?? 1;
    else if (p.type === "hour") hour = p.value;
    else if (p.type === "minute") minute = p.value;
  }
  return { day, hhmm: `${hour}:${minute}` };
}

/** True when the schedule allows access at this local time (no schedule = always open). */
export function isOpen(s: Schedule | null, t: { day: number; hhmm: string }) {
  if (!s) return true;
  return (s[String(t.day)] ?? []).some(([from, to]) => t.hhmm >= from && t.hhmm < to);
}

/** An empty policy: nothing configured yet, only guichet.lan answers. */
export function emptyPolicy(): Policy {
  return { orgId: null, settings: DEFAULT_SETTINGS, groups: [], records: new Map(), ptr: new Map(), upstreams: [], listNames: new Map() };
}
