/**
 * Blocklist line parser: hosts files, plain domain lists, AdBlock-style rules (`||d^`, `|d^`, `@@` exceptions,
 * `*` wildcards, `/regex/`), comments, CRLF, IDN, case and trailing dots. One line in, one verdict out.
 */
import { domainToASCII } from "node:url";

/** How a domain rule matches: the name only, the name and its subdomains, or only its subdomains. */
export type DomainKind = "exact" | "suffix" | "sub";

export type LineResult =
  | { t: "skip" }
  | { t: "ignored"; reason: string }
  | { t: "invalid"; reason: string }
  | { t: "domain"; domain: string; kind: DomainKind; allow: boolean }
  | { t: "hosts"; domains: string[] }
  | { t: "pattern"; re: RegExp; index: string | null; allow: boolean };

const LABELS = /^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})*$/;
const NON_ASCII = /[^\x00-\x7f]/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
/** Names every hosts file maps to loopback: never "blocked". */
const HOSTS_RESERVED = new Set([
  "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback", "ip6-localnet",
  "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0",
]);
/** AdBlock modifiers that only make sense in a browser (or DNS ones we do not implement) make the rule inert. */
const DNS_MODIFIERS_UNSUPPORTED = new Set(["dnsrewrite", "dnstype", "client", "ctag", "denyallow", "badfilter"]);

/** Lower-cases, drops one trailing dot, converts IDN to punycode; null when not a usable host name. */
export function normalizeDomain(raw: string): string | null {
  let d = raw.trim().toLowerCase();
  if (d.endsWith(".")) d = d.slice(0, -1);
  if (!d) return null;
  if (NON_ASCII.test(d)) {
    d = domainToASCII(d);
    if (!d) return null;
  }
  return LABELS.test(d) ? d : null;
}

function escapeRe(s: string) {
  return s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * The domain every match of an end-anchored pattern must sit under (used to index patterns), e.g.
 * `||mobileanalytics.*.amazonaws.com^` → "amazonaws.com", `-ds.metric.gstatic.com^` → "metric.gstatic.com".
 */
function indexOf(body: string, startAnchored: boolean): string | null {
  const star = body.lastIndexOf("*");
  let tail = star >= 0 ? body.slice(star + 1) : body;
  // Without a start anchor the first label may be the end of a longer one ("-ds" in "xx-ds"): skip it.
  if (star >= 0 || !startAnchored) {
    const dot = tail.indexOf(".");
    if (dot < 0) return null;
    tail = tail.slice(dot + 1);
  }
  return LABELS.test(tail) ? tail : null;
}

function parseAdblock(line: string): LineResult {
  let rule = line;
  let allow = false;
  if (rule.startsWith("@@")) {
    allow = true;
    rule = rule.slice(2);
  }
  // Regular expression rule: /…/ possibly followed by $modifiers.
  if (rule.startsWith("/")) {
    const end = rule.lastIndexOf("/");
    if (end > 0) {
      const mods = rule.slice(end + 1);
      if (mods && !mods.startsWith("$")) return { t: "ignored", reason: "règle d'adresse web (chemin) : sans effet en DNS" };
      const bad = mods ? checkModifiers(mods.slice(1)) : null;
      if (bad) return bad;
      const src = rule.slice(1, end);
      if (!src || src.length > 1024) return { t: "invalid", reason: "expression régulière vide ou trop longue" };
      try {
        return { t: "pattern", re: new RegExp(src), index: null, allow };
      } catch {
        return { t: "invalid", reason: "expression régulière invalide" };
      }
    }
  }
  const dollar = rule.indexOf("$");
  if (dollar >= 0) {
    const bad = checkModifiers(rule.slice(dollar + 1));
    if (bad) return bad;
    rule = rule.slice(0, dollar);
  }
  let domainAnchor = false;
  let startAnchor = false;
  if (rule.startsWith("||")) {
    domainAnchor = true;
    rule = rule.slice(2);
  } else if (rule.startsWith("|")) {
    startAnchor = true;
    rule = rule.slice(1);
  }
  let endAnchor = false;
  if (rule.endsWith("|")) {
    endAnchor = true;
    rule = rule.slice(0, -1);
  }
  if (rule.endsWith("^")) {
    endAnchor = true;
    rule = rule.slice(0, -1);
  }
  if (/[/?:=&]/.test(rule) || rule.includes("^")) return { t: "ignored", reason: "règle d'adresse web (chemin) : sans effet en DNS" };
  let body = rule.toLowerCase();
  if (NON_ASCII.test(body)) body = body.split("*").map((p) => (p && NON_ASCII.test(p) ? domainToASCII(p) || "\u0000" : p)).join("*");
  if (!body || !/^[a-z0-9._*-]+$/.test(body)) return { t: "invalid", reason: "caractères non permis dans un nom de domaine" };
  if (!body.includes("*")) {
    const d = normalizeDomain(body);
    if (d && endAnchor && domainAnchor) return { t: "domain", domain: d, kind: "suffix", allow };
    if (d && endAnchor && startAnchor) return { t: "domain", domain: d, kind: "exact", allow };
  } else if (body.startsWith("*.") && body.indexOf("*", 1) < 0 && endAnchor) {
    const d = normalizeDomain(body.slice(2));
    if (d) return { t: "domain", domain: d, kind: "sub", allow };
  }
  if (body.replace(/[*.]/g, "").length === 0) return { t: "invalid", reason: "motif vide : il bloquerait tout" };
  const src = (domainAnchor ? "(?:^|\\.)" : startAnchor ? "^" : "") + body.split("*").map(escapeRe).join(".*") + (endAnchor ? "$" : "");
  return { t: "pattern", re: new RegExp(src), index: endAnchor ? indexOf(body, domainAnchor || startAnchor) : null, allow };
}

function checkModifiers(mods: string): LineResult | null {
  for (const raw of mods.split(",")) {
    const m = raw.trim().toLowerCase();
    const name = m.split("=")[0]!;
    if (m === "important" || m === "") continue;
    if (DNS_MODIFIERS_UNSUPPORTED.has(name)) return { t: "ignored", reason: `modificateur $${name} non pris en charge` };
    return { t: "ignored", reason: `modificateur $${name} propre aux navigateurs : sans effet en DNS` };
  }
  return null;
}

function parseHosts(line: string): LineResult {
  const tokens = line.split(/\s+/);
  const domains: string[] = [];
  let reserved = 0;
  for (let i = 1; i < tokens.length; i++) {
    const tok = tokens[i]!;
    if (tok.startsWith("#")) break;
    const d = normalizeDomain(tok);
    if (!d) return { t: "invalid", reason: `nom d'hôte invalide « ${tok.slice(0, 80)} »` };
    if (HOSTS_RESERVED.has(d)) reserved++;
    else domains.push(d);
  }
  if (domains.length) return { t: "hosts", domains };
  return reserved ? { t: "ignored", reason: "nom réservé (localhost…)" } : { t: "invalid", reason: "adresse sans nom d'hôte" };
}

/** Parses one line of any supported format (the caller strips CR). */
export function parseLine(raw: string): LineResult {
  const line = raw.trim();
  if (!line) return { t: "skip" };
  const c = line.charCodeAt(0);
  if (c === 35 /* # */ || c === 33 /* ! */ || (c === 91 /* [ */ && line.endsWith("]"))) return { t: "skip" };
  if (line.includes("##") || line.includes("#@#") || line.includes("#?#") || line.includes("#$#")) return { t: "ignored", reason: "règle cosmétique de navigateur : sans effet en DNS" };
  // hosts format: an address, then one or more names.
  const sp = line.search(/\s/);
  if (sp > 0) {
    const first = line.slice(0, sp);
    if (IPV4.test(first) || (first.includes(":") && /^[0-9a-f:.]+$/i.test(first))) return parseHosts(line);
    // "example.com # comment" in plain lists
    const rest = line.slice(sp).trim();
    if (rest.startsWith("#")) return parseLine(first);
    return { t: "invalid", reason: "espace inattendu dans la règle" };
  }
  const plain = normalizeDomain(line);
  if (plain) return { t: "domain", domain: plain, kind: "exact", allow: false };
  if (line.startsWith("*.") && line.indexOf("*", 1) < 0 && !/[|^$@/]/.test(line)) {
    const d = normalizeDomain(line.slice(2));
    if (d) return { t: "domain", domain: d, kind: "sub", allow: false };
  }
  return parseAdblock(line);
}

/** Where parsed rules go; the matcher and the "why was it blocked?" lookup are both sinks. */
export interface RuleSink {
  domain(domain: string, kind: DomainKind, allow: boolean, line: number): void;
  pattern(re: RegExp, index: string | null, allow: boolean, line: number): void;
}

export interface ParseReport {
  lines: number;
  rules: number;
  ignored: number;
  invalid: number;
  /** The first few bad lines, for the admin. */
  samples: { line: number; text: string; reason: string }[];
}

const PLAIN = /^[a-z0-9][a-z0-9_.-]*[a-z0-9]$/;

/** Parses a whole list; in an "allow" list every rule is an exception. Calls `sink` for each rule. */
export function parseList(text: string, mode: "block" | "allow", sink: RuleSink, opts: { from?: number; to?: number } = {}): ParseReport {
  const report: ParseReport = { lines: 0, rules: 0, ignored: 0, invalid: 0, samples: [] };
  forEachLine(text, opts.from ?? 0, opts.to ?? text.length, (line, n) => parseInto(line, n, mode, sink, report));
  return report;
}

/** One line into the sink and the report (shared by the synchronous and the chunked parser). */
export function parseInto(line: string, n: number, mode: "block" | "allow", sink: RuleSink, report: ParseReport) {
  report.lines++;
  const allowAll = mode === "allow";
  // Fast path: most lines of big lists are a bare lower-case domain.
  if (line.length < 254 && PLAIN.test(line) && LABELS.test(line)) {
    report.rules++;
    sink.domain(line, "exact", allowAll, n);
    return;
  }
  const r = parseLine(line);
  switch (r.t) {
    case "skip":
      return;
    case "domain":
      report.rules++;
      sink.domain(r.domain, r.kind, r.allow || allowAll, n);
      return;
    case "hosts":
      report.rules += r.domains.length;
      for (const d of r.domains) sink.domain(d, "exact", allowAll, n);
      return;
    case "pattern":
      report.rules++;
      sink.pattern(r.re, r.index, r.allow || allowAll, n);
      return;
    default:
      if (r.t === "ignored") report.ignored++;
      else report.invalid++;
      if (report.samples.length < 20) report.samples.push({ line: n, text: line.slice(0, 200), reason: r.reason });
  }
}

/** Calls fn(line, lineNumber) for each line in [from, to), without the CR of CRLF files. */
export function forEachLine(text: string, from: number, to: number, fn: (line: string, n: number) => void, firstLineNo = 1) {
  let start = from;
  let n = firstLineNo;
  while (start < to) {
    let end = text.indexOf("\n", start);
    if (end < 0 || end > to) end = to;
    let stop = end;
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    fn(text.slice(start, stop), n++);
    start = end + 1;
  }
}
