/** Shapes of the /api/dns answers the DNS pages read, and the French labels of their codes. */
import { t } from "../../lib/i18n";

/** A blocklist or allowlist. */
export interface DnsList {
  id: string;
  name: string;
  kind: "url" | "local";
  mode: "block" | "allow";
  url: string | null;
  content?: string;
  enabled: boolean;
  refreshHours: number;
  ruleCount: number;
  ignoredCount: number;
  invalidCount: number;
  lastRefreshAt: string | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  problems: { line: number; text: string; reason: string }[];
  loadSeconds: number | null;
}

/** Opening hours: ISO weekday "1"…"7" → ["HH:MM", "HH:MM"] windows. */
export type Schedule = Record<string, [string, string][]>;

export interface DnsGroup {
  id: string;
  name: string;
  position: number;
  isDefault: boolean;
  clients: string[];
  epnSession: "any" | "minor" | "adult" | null;
  listIds: string[];
  safeSearch: boolean;
  schedule: Schedule | null;
}

export interface DnsRecord {
  id: string;
  name: string;
  type: "A" | "AAAA" | "CNAME";
  value: string;
  ttl: number;
}

export interface UpstreamHealth {
  state: "inconnu" | "ok" | "en panne";
  lastRttMs: number | null;
  lastError: string | null;
  lastCheckAt: string | null;
  queries: number;
  errors: number;
}

export interface DnsUpstream {
  id: string;
  name: string;
  kind: "dns" | "doh";
  address: string;
  method: "POST" | "GET";
  position: number;
  enabled: boolean;
  health: UpstreamHealth | null;
}

export interface DnsSettings {
  blockingMode: "null_ip" | "nxdomain";
  blockedTtl: number;
  privacy: "full" | "hide_client" | "hide_domain" | "off";
  logRetentionDays: number;
  cacheMinTtl: number;
  cacheMaxTtl: number;
  cacheSize: number;
  rateLimit: number;
}

export interface DnsStatus {
  running: boolean;
  address: string | null;
  port: number;
  groups: number;
  listsLoaded: number;
  rulesLoaded: number;
  records: number;
  upstreams: (UpstreamHealth & { id: string; name: string; address: string })[];
  cache: { entries: number; hits: number; misses: number };
  counters: { udp: number; tcp: number; rateLimited: number; malformed: number; internalErrors: number } | null;
  logDropped: number;
}

export interface Totals {
  total: number;
  blocked: number;
  cached: number;
  forwarded: number;
  local: number;
  failed: number;
}

export interface DnsStats {
  hours: number;
  step: string;
  totals: Totals;
  blockedShare: number;
  series: (Totals & { at: string })[];
  topDomains: { key: string; count: number }[];
  topBlocked: { key: string; count: number }[];
  topClients: { key: string; count: number }[];
  privacy: DnsSettings["privacy"];
}

export interface LogRow {
  id: number;
  at: string;
  client: string | null;
  name: string | null;
  qtype: string;
  status: string;
  group: string | null;
  list: string | null;
  reason: string | null;
  upstream: string | null;
  rcode: string;
  ms: number;
}

export interface Explanation {
  name: string;
  client: string | null;
  group: { id: string; name: string } | null;
  verdict: "local" | "blocked" | "allowed" | "rewritten" | "forwarded";
  summary: string;
  matches: { listId: string; list: string; allow: boolean; rule: string; lines: { line: number; text: string }[] }[];
}

/** French label of a query status (as in the log). */
export function statusLabel(s: string) {
  const fr: Record<string, string> = { blocked: "bloquée", cached: "cache", forwarded: "transmise", local: "locale", safesearch: "recherche sécurisée", refused: "refusée", failed: "échec" };
  return t(fr[s] ?? s);
}

/** CSS tag class for a status. */
export function statusTag(s: string) {
  return s === "blocked" || s === "failed" ? "tag tag-error" : s === "cached" || s === "local" ? "tag tag-ok" : s === "safesearch" ? "tag tag-warn" : "tag";
}

export const WEEKDAYS: [string, string][] = [
  ["1", "Lundi"],
  ["2", "Mardi"],
  ["3", "Mercredi"],
  ["4", "Jeudi"],
  ["5", "Vendredi"],
  ["6", "Samedi"],
  ["7", "Dimanche"],
];

export const PRIVACY_LABELS: Record<DnsSettings["privacy"], string> = {
  full: "Tout enregistrer",
  hide_client: "Masquer les clients",
  hide_domain: "Masquer les domaines",
  off: "Aucun journal (totaux seulement)",
};
