/**
 * Answer cache for upstream responses: positive answers live for their smallest TTL, negative ones for the
 * SOA minimum (RFC 2308), both clamped to the admin's floor/ceiling. A hit is served by copying the stored
 * bytes and patching id, flags, question case and the decremented TTLs: no encoding per hit.
 */
import { copyBytes, MAX_UDP, optRecord, put32, replyFlags, TYPE, writeHeader, type Query } from "./wire";
import { get32, ipText, readName, scanResponse } from "./response-scan";
import type { Hit } from "./matcher";

export interface CacheEntry {
  /** The response without OPT, id 0: the template for every hit. */
  wire: Uint8Array;
  ttlOffsets: number[];
  /** Each record's TTL after clamping, in the same order as ttlOffsets. */
  ttls: number[];
  storedAt: number;
  expiresAt: number;
  rcode: number;
  /** Upstream's AD bit (only passed on to clients that asked for DNSSEC data). */
  ad: boolean;
  /** CNAME targets in the answer: checked against the group's lists (CNAME cloaking). */
  cnames: string[];
  /** Short text for the query log ("1.2.3.4", "CNAME x"…). */
  summary: string;
  /** Name of the upstream that gave it. */
  upstream?: string;
  /** See variantOf(): set when stored. */
  variant?: number;
  /**
   * The last list verdict for this name (null: no rule matched) and the group it was computed for. Group
   * objects are rebuilt on every reload, so the same object means the same lists: the verdict still holds.
   */
  verdictGroup?: object;
  verdict?: Hit | null;
}

/** Key for a question: name, type, class and whether DNSSEC records were asked for (in-flight map). */
export function cacheKey(q: Query) {
  return q.name + "|" + variantOf(q);
}

/** Everything but the name that makes two questions different answers: type, class, DO, CD. */
export function variantOf(q: Query) {
  return (q.qtype << 3) | (q.qclass === 1 ? 0 : 4) | (q.edns?.do ? 2 : 0) | (q.flags & 0x0010 ? 1 : 0);
}

/**
 * Turns an upstream response into a cache entry (or a non-cacheable one with ttl 0).
 * `floor`/`ceiling` are the admin's TTL bounds in seconds.
 */
export function makeEntry(resp: Uint8Array, now: number, floor: number, ceiling: number): CacheEntry | null {
  const scan = scanResponse(resp);
  if (!scan) return null;
  let wire = resp;
  // Strip the upstream's OPT (cookies, NSID, padding belong to that hop); ours is added per client.
  if (scan.optStart >= 0) {
    if (scan.optEnd !== resp.length) return null;
    wire = resp.slice(0, scan.optStart);
    const ar = ((wire[10]! << 8) | wire[11]!) - 1;
    wire[10] = ar >> 8;
    wire[11] = ar & 0xff;
  } else wire = resp.slice();
  wire[0] = 0;
  wire[1] = 0;
  const rcode = wire[3]! & 0xf;
  const ad = (wire[3]! & 0x20) !== 0;
  // No full decode: the records are only located, and only the few fields we need are read.
  const ttls = scan.ttlOffsets.map((o) => Math.min(Math.max(get32(wire, o), floor), ceiling));
  scan.ttlOffsets.forEach((o, i) => put32(wire, o, ttls[i]!));
  const answers = scan.records.filter((r) => r.section === 0);
  let life = 0;
  if (rcode === 0 && answers.length > 0) life = Math.min(...ttls.slice(0, answers.length));
  else if (rcode === 0 || rcode === 3) {
    // Negative answer: cacheable only with an SOA in the authority section (RFC 2308 §5); MINIMUM is its last field.
    const soa = scan.records.find((r) => r.section === 1 && r.type === TYPE.SOA);
    if (soa && soa.rdlen >= 22) life = Math.min(Math.max(Math.min(get32(resp, soa.ttlOffset), get32(resp, soa.rdata + soa.rdlen - 4)), floor), ceiling);
  }
  const cnames: string[] = [];
  for (const r of answers) if (r.type === TYPE.CNAME) cnames.push(readName(wire, r.rdata) ?? "");
  const first = answers.find((r) => r.type === TYPE.A || r.type === TYPE.AAAA || r.type === TYPE.CNAME);
  const summary =
    rcode === 3 ? "NXDOMAIN" : first ? (first.type === TYPE.CNAME ? `CNAME ${readName(wire, first.rdata)}` : ipText(wire, first.rdata, first.rdlen)) : answers.length ? `${answers.length} enregistrement(s)` : "aucune donnée";
  return { wire, ttlOffsets: scan.ttlOffsets, ttls, storedAt: now, expiresAt: now + life * 1000, rcode, ad, cnames, summary };
}

/**
 * Serves an entry to a client: id, flags (RD/CD from the query, AD only for DNSSEC-aware clients),
 * the client's question bytes, remaining TTLs, our OPT; truncated (TC) when over `maxSize`.
 */
export function serveEntry(e: CacheEntry, q: Query, now: number, maxSize: number): Uint8Array {
  const withOpt = q.edns !== null;
  const len = e.wire.length + (withOpt ? 11 : 0);
  const ad = e.ad && (q.edns?.do || (q.flags & 0x0020) !== 0);
  const flags = replyFlags(q.flags, e.rcode) | (ad ? 0x0020 : 0);
  if (len > maxSize) return truncated(q, flags);
  const out = new Uint8Array(len);
  copyBytes(out, e.wire, 0);
  out[0] = q.id >> 8;
  out[1] = q.id & 0xff;
  out[2] = flags >> 8;
  out[3] = flags & 0xff;
  // Same name modulo case, so the same length: keep the client's 0x20 mix.
  for (let i = 12; i < q.qEnd; i++) out[i] = q.raw[i]!;
  const elapsed = Math.floor((now - e.storedAt) / 1000);
  if (elapsed > 0) for (let i = 0; i < e.ttlOffsets.length; i++) put32(out, e.ttlOffsets[i]!, Math.max(e.ttls[i]! - elapsed, 0));
  if (withOpt) {
    copyBytes(out, optRecord(q.edns!.do), e.wire.length);
    const ar = ((out[10]! << 8) | out[11]!) + 1;
    out[10] = ar >> 8;
    out[11] = ar & 0xff;
  }
  return out;
}

/** Header + question + OPT with TC set: the client retries over TCP (RFC 7766 §5). */
export function truncated(q: Query, flags: number): Uint8Array {
  const opt = q.edns ? optRecord(q.edns.do) : null;
  const out = new Uint8Array(q.qEnd + (opt ? opt.length : 0));
  out.set(q.raw.subarray(0, q.qEnd), 0);
  writeHeader(out, q.id, flags | 0x0200, 1, 0, 0, opt ? 1 : 0);
  if (opt) out.set(opt, q.qEnd);
  return out;
}

/**
 * Bounded map name → entries (one per type/flags variant). Keyed by the query's name string itself, not a
 * concatenated key: that string is already hashed for the list match and the log, a new one would not be.
 * The oldest names go first when full (cheap, close enough to LRU for DNS).
 */
export class AnswerCache {
  private map = new Map<string, CacheEntry[]>();
  private count = 0;
  hits = 0;
  misses = 0;
  constructor(public maxEntries = 20_000) {}

  /** The live entry for this question, or null; `count` false leaves the hit/miss counters to the caller. */
  get(name: string, variant: number, now: number, count = true): CacheEntry | null {
    const arr = this.map.get(name);
    if (arr) {
      for (let i = 0; i < arr.length; i++) {
        const e = arr[i]!;
        if (e.variant !== variant) continue;
        if (e.expiresAt > now) {
          if (count) this.hits++;
          return e;
        }
        arr.splice(i, 1);
        this.count--;
        if (!arr.length) this.map.delete(name);
        break;
      }
    }
    if (count) this.misses++;
    return null;
  }

  set(name: string, variant: number, e: CacheEntry) {
    if (e.expiresAt <= e.storedAt || this.maxEntries <= 0) return;
    e.variant = variant;
    let arr = this.map.get(name);
    if (!arr) {
      while (this.count >= this.maxEntries) {
        const oldest = this.map.keys().next();
        if (oldest.done) break;
        this.count -= this.map.get(oldest.value)!.length;
        this.map.delete(oldest.value);
      }
      this.map.set(name, (arr = []));
    }
    const i = arr.findIndex((x) => x.variant === variant);
    if (i >= 0) arr[i] = e;
    else {
      arr.push(e);
      this.count++;
    }
  }

  clear() {
    this.map.clear();
    this.count = 0;
  }

  get size() {
    return this.count;
  }
}

/** Client's UDP limit: 512 without EDNS, else what it advertised (already clamped to ours). */
export function udpLimit(q: Query) {
  return q.edns ? q.edns.udpSize : 512;
}

export { MAX_UDP };
