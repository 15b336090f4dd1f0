/**
 * Query log and statistics. Queries are buffered in memory and written once a second in one transaction;
 * counters per 10-minute bucket and hourly top tables stay exact even when the detailed log is capped
 * (floods) or switched off by the privacy level.
 */
import type { Database, Statement } from "bun:sqlite";
import type { DnsSettings } from "./policy";

export type QueryStatus = "blocked" | "cached" | "forwarded" | "local" | "safesearch" | "refused" | "failed";

/** Detailed rows kept per second at most: beyond that only counters move (a flood must not fill the disk). */
export const MAX_ROWS_PER_SECOND = 1000;
/** Distinct keys per top table and hour: random-subdomain floods fold into "(autres)". */
const MAX_TOP_KEYS = 20_000;

const TYPE_NAMES: Record<number, string> = { 1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 64: "SVCB", 65: "HTTPS", 255: "ANY" };
export const typeName = (t: number) => TYPE_NAMES[t] ?? `TYPE${t}`;
const RCODES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"];

interface Bucket {
  total: number;
  blocked: number;
  cached: number;
  forwarded: number;
  local: number;
  failed: number;
}

/** The current hour's top tables (domains, blocked domains, clients), swapped when the hour changes. */
interface HourTops {
  hour: string;
  domain: Map<string, Count>;
  blocked: Map<string, Count>;
  client: Map<string, Count>;
}

/** A mutable count: a known key costs one map lookup per query instead of a get and a set. */
interface Count {
  n: number;
}

function bump(m: Map<string, Count>, key: string) {
  const c = m.get(key);
  if (c !== undefined) c.n++;
  else if (m.size < MAX_TOP_KEYS) m.set(key, { n: 1 });
  else {
    const other = m.get("(autres)");
    if (other) other.n++;
    else m.set("(autres)", { n: 1 });
  }
}

export class QueryLog {
  private rows: unknown[][] = [];
  private second = 0;
  private inSecond = 0;
  /** Rows not detailed because of the per-second cap (shown on the statistics page). */
  dropped = 0;
  private buckets = new Map<string, Bucket>();
  private tops: HourTops[] = [];
  private lastMs = -1;
  private lastIso = "";
  private lastTopsFlush = 0;
  private insRow: Statement;
  private upStats: Statement;
  private upTop: Statement;

  constructor(
    private sqlite: Database,
    private orgId: () => string | null,
    private settings: () => DnsSettings,
  ) {
    this.insRow = sqlite.prepare("INSERT INTO dns_query_log (org_id, at, client, name, qtype, status, group_id, list_id, reason, upstream, rcode, ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    this.upStats = sqlite.prepare(
      "INSERT INTO dns_stats (org_id, bucket, total, blocked, cached, forwarded, local, failed) VALUES (?,?,?,?,?,?,?,?) ON CONFLICT(org_id, bucket) DO UPDATE SET total = total + excluded.total, blocked = blocked + excluded.blocked, cached = cached + excluded.cached, forwarded = forwarded + excluded.forwarded, local = local + excluded.local, failed = failed + excluded.failed",
    );
    this.upTop = sqlite.prepare("INSERT INTO dns_stats_top (org_id, hour, kind, key, count) VALUES (?,?,?,?,?) ON CONFLICT(org_id, hour, kind, key) DO UPDATE SET count = count + excluded.count");
  }

  private hourTops(hour: string): HourTops {
    const last = this.tops[this.tops.length - 1];
    if (last && last.hour === hour) return last;
    const t: HourTops = { hour, domain: new Map(), blocked: new Map(), client: new Map() };
    this.tops.push(t);
    return t;
  }

  /** Current 10-minute bucket and hour (as ISO strings) and the time range they cover. */
  private bucketKey = "";
  private bucketFrom = 0;
  private bucketTo = -1;
  private b: Bucket = { total: 0, blocked: 0, cached: 0, forwarded: 0, local: 0, failed: 0 };
  private t: HourTops | null = null;
  private hourTo = -1;
  private hourFrom = 0;

  /**
   * Records one answered query (privacy level applied here, before anything is kept). Called for every
   * query: no object per call, timestamps and bucket keys formatted only when they change.
   */
  add(client: string, name: string, qtype: number, status: QueryStatus, groupId: string | null, listId: string | null, reason: string | null, upstream: string | null, rcode: number, ms: number, at: number) {
    if (at !== this.lastMs) {
      this.lastMs = at;
      this.lastIso = new Date(at).toISOString();
    }
    if (at >= this.bucketTo || at < this.bucketFrom) {
      this.bucketFrom = at - (at % 600_000);
      this.bucketTo = this.bucketFrom + 600_000;
      this.bucketKey = new Date(this.bucketFrom).toISOString();
      let b = this.buckets.get(this.bucketKey);
      if (!b) this.buckets.set(this.bucketKey, (b = { total: 0, blocked: 0, cached: 0, forwarded: 0, local: 0, failed: 0 }));
      this.b = b;
    }
    const b = this.b;
    b.total++;
    if (status === "blocked") b.blocked++;
    else if (status === "cached") b.cached++;
    else if (status === "forwarded" || status === "safesearch") b.forwarded++;
    else if (status === "local") b.local++;
    else b.failed++;
    const privacy = this.settings().privacy;
    if (privacy === "off") return;
    const showClient = privacy !== "hide_client";
    const showName = privacy !== "hide_domain";
    if (at >= this.hourTo || at < this.hourFrom || !this.t) {
      this.hourFrom = at - (at % 3600_000);
      this.hourTo = this.hourFrom + 3600_000;
      this.t = this.hourTops(new Date(this.hourFrom).toISOString());
    }
    if (showName) bump(status === "blocked" ? this.t.blocked : this.t.domain, name);
    if (showClient) bump(this.t.client, client);
    const sec = Math.floor(at / 1000);
    if (sec !== this.second) {
      this.second = sec;
      this.inSecond = 0;
    }
    if (++this.inSecond > MAX_ROWS_PER_SECOND) {
      this.dropped++;
      return;
    }
    this.rows.push([this.lastIso, showClient ? client : null, showName ? name : null, typeName(qtype), status, groupId, listId, reason, upstream, RCODES[rcode] ?? String(rcode), Math.round(ms * 100) / 100]);
  }

  /**
   * Writes what was buffered in one transaction: rows and counters every call (each second), the top
   * tables once a minute (a flood of distinct names would otherwise mean thousands of upserts a second).
   */
  flush(force = false) {
    const org = this.orgId();
    const now = Date.now();
    const rows = this.rows;
    const buckets = this.buckets;
    this.rows = [];
    this.buckets = new Map();
    this.bucketTo = -1;
    const flushTops = force || now - this.lastTopsFlush >= 60_000 || this.tops.length > 1;
    const tops = flushTops ? this.tops : [];
    if (flushTops) {
      this.tops = [];
      this.t = null;
      this.lastTopsFlush = now;
    }
    if (!org || (!rows.length && !buckets.size && !tops.length)) return;
    this.sqlite.transaction(() => {
      for (const r of rows) this.insRow.run(org, ...(r as [string]));
      for (const [k, b] of buckets) this.upStats.run(org, k, b.total, b.blocked, b.cached, b.forwarded, b.local, b.failed);
      for (const t of tops)
        for (const kind of ["domain", "blocked", "client"] as const) for (const [key, c] of t[kind]) this.upTop.run(org, t.hour, kind, key, c.n);
    })();
  }

  /** Deletes detailed rows older than the retention, statistics older than 90 days. */
  purge(now: Date, retentionDays: number) {
    const logCut = new Date(now.getTime() - retentionDays * 86400_000).toISOString();
    const statCut = new Date(now.getTime() - 90 * 86400_000).toISOString();
    const a = this.sqlite.prepare("DELETE FROM dns_query_log WHERE at < ?").run(logCut).changes;
    this.sqlite.prepare("DELETE FROM dns_stats WHERE bucket < ?").run(statCut);
    this.sqlite.prepare("DELETE FROM dns_stats_top WHERE hour < ?").run(statCut);
    return a;
  }
}
