/**
 * The DNS engine of one appliance: the compiled policy, the compiled lists, the answer cache, the upstreams
 * and the query log. One per database (routes and the daemon share it), rebuilt from SQLite on reload().
 */
import { and, asc, eq } from "drizzle-orm";
import type { Deps } from "../../core/context";
import type { Db } from "../../core/db/client";
import { getSetting } from "../../core/settings";
import { dnsGroups, dnsLists, dnsRecords, dnsUpstreams } from "./schema";
import { compileList, type CompiledList } from "./matcher";
import { readListFile, sha256 } from "./list-store";
import { AnswerCache, type CacheEntry } from "./cache";
import { UpstreamSet } from "./upstreams";
import { QueryLog } from "./query-log";
import { operatorOrg } from "./operator";
import { readFileSync } from "node:fs";
import { DEFAULT_SETTINGS, emptyPolicy, groupMatches, ipBytes, MAC_RE, normalizeMac, parseCidr, type ClientInfo, type DnsSettings, type GroupPolicy, type LocalRecord, type Policy } from "./policy";
import type { UpstreamDef } from "./upstream";
import type { ServerCounters } from "./server";

/** Key of the operator organisation's DNS settings in the core settings table. */
export const SETTINGS_KEY = "dns.settings";

/** The admin's settings merged over the defaults (keys added later get their default). */
export function loadSettings(db: Db, orgId: string | null): DnsSettings {
  return orgId ? { ...DEFAULT_SETTINGS, ...getSetting<Partial<DnsSettings>>(db, orgId, SETTINGS_KEY, {}) } : DEFAULT_SETTINGS;
}

/** The EPN module tells the DNS filter which workstation (and session) sits behind an address. */
export interface EpnClient {
  workstationId: string;
  mac?: string | null;
  session: { minor: boolean } | null;
}

/** The part of the EPN module's live `epn.workstation` event (its room-view tile) the DNS filter reads. */
interface WorkstationTile {
  id: string;
  ip: string | null;
  mac: string | null;
  session: { minor: boolean } | null;
}

export class DnsEngine {
  policy: Policy = emptyPolicy();
  lists = new Map<string, CompiledList>();
  readonly cache = new AnswerCache();
  readonly upstreams: UpstreamSet;
  readonly log: QueryLog;
  readonly inflight = new Map<string, Promise<CacheEntry>>();
  readonly epn = new Map<string, EpnClient>();
  /** The addresses known for each workstation: a tile event (2,000 at once when the kiosks drop) finds its own without a scan. */
  private epnIps = new Map<string, Set<string>>();
  private arp = new Map<string, string>();
  private arpReadAt = 0;
  private clients = new Map<string, { group: GroupPolicy | null; at: number }>();
  private reloading: Promise<void> = Promise.resolve();
  private adopted = false;
  /** Set by the daemon while it listens. */
  listening: { host: string; port: number } | null = null;
  counters: ServerCounters | null = null;
  /** Seconds taken by the last reload, per list id (shown on the lists page). */
  loadTimes = new Map<string, number>();

  constructor(
    readonly deps: Deps,
    opts: { ca?: string } = {},
  ) {
    this.upstreams = new UpstreamSet(deps.clock, opts.ca);
    this.log = new QueryLog(deps.db.$client, () => this.policy.orgId, () => this.policy.settings);
    // EPN workstations announce their address and current session (minor or not) on the event bus.
    deps.events.subscribe((e) => {
      if (e.type === "epn.workstation") {
        const t = e.data as WorkstationTile;
        if (!t?.id) return;
        for (const ip of this.epnIps.get(t.id) ?? []) if (ip !== t.ip) this.setEpnClient(ip, null);
        if (t.ip) this.setEpnClient(t.ip, { workstationId: t.id, mac: t.mac, session: t.session ? { minor: !!t.session.minor } : null });
      } else if (e.type === "epn.workstation.deleted") {
        const id = (e.data as { id?: string })?.id;
        for (const ip of (id && this.epnIps.get(id)) || []) this.setEpnClient(ip, null);
      }
    });
  }

  /** Re-reads the operator's rows; lists whose content did not change are not recompiled. Serialized. */
  reload(): Promise<void> {
    const next = this.reloading.then(() => this.doReload());
    this.reloading = next.catch((e) => this.deps.log.error("DNS : rechargement de la politique en échec", { erreur: String(e) }));
    return next;
  }

  private async doReload() {
    const db = this.deps.db;
    const orgId = operatorOrg(db);
    if (!orgId) {
      this.policy = emptyPolicy();
      return;
    }
    const settings = loadSettings(db, orgId);
    const listRows = db.select().from(dnsLists).where(and(eq(dnsLists.orgId, orgId), eq(dnsLists.enabled, 1))).all();
    const groupRows = db.select().from(dnsGroups).where(eq(dnsGroups.orgId, orgId)).orderBy(asc(dnsGroups.isDefault), asc(dnsGroups.position), asc(dnsGroups.id)).all();
    const used = new Set(groupRows.flatMap((g) => JSON.parse(g.listIds) as string[]));
    const next = new Map<string, CompiledList>();
    let compiled = this.adopted;
    this.adopted = false;
    for (const row of listRows) {
      if (!used.has(row.id)) continue;
      const text = row.kind === "local" ? row.content : readListFile(this.deps.config.dataDir, row.id);
      const version = (row.kind === "local" ? sha256(row.content) : (row.sha256 ?? "")) + row.mode;
      const have = this.lists.get(row.id);
      if (have && have.version === version) next.set(row.id, have);
      else {
        const t0 = performance.now();
        next.set(row.id, await compileList(row.id, row.mode as "block" | "allow", version, text));
        this.loadTimes.set(row.id, (performance.now() - t0) / 1000);
        if (text.length > BIG_LIST_CHARS) compiled = true;
      }
    }
    this.lists = next;
    const groups: GroupPolicy[] = groupRows.map((g) => {
      const sel = JSON.parse(g.clients) as string[];
      const ips = new Set<string>();
      const cidrs: GroupPolicy["cidrs"] = [];
      const macs = new Set<string>();
      const workstations = new Set<string>();
      for (const s of sel) {
        if (s.startsWith("poste:")) workstations.add(s.slice(6));
        else if (MAC_RE.test(s)) macs.add(normalizeMac(s));
        else if (s.includes("/")) {
          const c = parseCidr(s);
          if (c) cidrs.push(c);
        } else if (ipBytes(s)) ips.add(s);
      }
      return {
        id: g.id,
        name: g.name,
        isDefault: g.isDefault === 1,
        lists: (JSON.parse(g.listIds) as string[]).flatMap((id) => (next.has(id) ? [next.get(id)!] : [])),
        safeSearch: g.safeSearch === 1,
        schedule: g.schedule ? JSON.parse(g.schedule) : null,
        ips,
        cidrs,
        macs,
        workstations,
        epnSession: (g.epnSession as GroupPolicy["epnSession"]) ?? null,
      };
    });
    const records = new Map<string, LocalRecord>();
    const ptr = new Map<string, string>();
    for (const r of db.select().from(dnsRecords).where(eq(dnsRecords.orgId, orgId)).all()) {
      const rec = records.get(r.name) ?? { a: [], aaaa: [], cname: null, ttl: r.ttl };
      if (r.type === "A") {
        rec.a.push(r.value);
        ptr.set(r.value.split(".").reverse().join(".") + ".in-addr.arpa", r.name);
      } else if (r.type === "AAAA") rec.aaaa.push(r.value);
      else if (r.type === "CNAME") rec.cname = r.value;
      rec.ttl = Math.min(rec.ttl, r.ttl);
      records.set(r.name, rec);
    }
    const upstreams: UpstreamDef[] = db
      .select()
      .from(dnsUpstreams)
      .where(and(eq(dnsUpstreams.orgId, orgId), eq(dnsUpstreams.enabled, 1)))
      .orderBy(asc(dnsUpstreams.position), asc(dnsUpstreams.id))
      .all()
      .map((u) => ({ id: u.id, name: u.name, kind: u.kind as "dns" | "doh", address: u.address, method: u.method as "POST" | "GET" }));
    const listNames = new Map(db.select({ id: dnsLists.id, name: dnsLists.name }).from(dnsLists).where(eq(dnsLists.orgId, orgId)).all().map((l) => [l.id, l.name]));
    const before = this.policy;
    this.policy = { orgId, settings, groups, records, ptr, upstreams, listNames };
    this.upstreams.set(upstreams);
    this.cache.maxEntries = settings.cacheSize;
    // Cached answers came from the previous upstreams / TTL bounds: start afresh when those change.
    if (JSON.stringify(before.upstreams) !== JSON.stringify(upstreams) || before.settings.cacheMinTtl !== settings.cacheMinTtl || before.settings.cacheMaxTtl !== settings.cacheMaxTtl) this.cache.clear();
    this.clients.clear();
    // A big list leaves its text, download buffers and any replaced list behind: collect them now, once,
    // rather than letting the resident size carry tens of megabytes of garbage.
    if (compiled) Bun.gc(true);
  }

  /** Installs a list compiled elsewhere (a refresh that already parsed it), without waiting for reload. */
  adopt(list: CompiledList) {
    this.lists.set(list.id, list);
    if (list.domainCount > 100_000) this.adopted = true;
  }

  /** Registers or clears what the EPN module knows about an address (workstation, session, minor or not). */
  setEpnClient(ip: string, info: EpnClient | null) {
    const before = this.epn.get(ip);
    if (before && before.workstationId !== info?.workstationId) {
      const ips = this.epnIps.get(before.workstationId);
      ips?.delete(ip);
      if (ips?.size === 0) this.epnIps.delete(before.workstationId);
    }
    if (info) {
      this.epn.set(ip, info);
      let ips = this.epnIps.get(info.workstationId);
      if (!ips) this.epnIps.set(info.workstationId, (ips = new Set()));
      ips.add(ip);
    } else this.epn.delete(ip);
    this.clients.delete(ip);
  }

  /** MAC of a LAN neighbour from the kernel's ARP table (re-read at most every 10 s, or each second for a newcomer). */
  macOf(ip: string): string | null {
    const now = Date.now();
    const age = now - this.arpReadAt;
    if (age > 10_000 || (age > 1000 && !this.arp.has(ip))) {
      this.arpReadAt = now;
      this.arp = readArp();
    }
    return this.arp.get(ip) ?? null;
  }

  /** The group serving `ip` (cached 30 s; cleared on reload and EPN changes). */
  groupOf(ip: string, now = Date.now()): GroupPolicy | null {
    const c = this.clients.get(ip);
    if (c && now - c.at < 30_000) return c.group;
    const epn = this.epn.get(ip) ?? null;
    const info: ClientInfo = { ip, mac: this.macOf(ip) ?? (epn?.mac ? normalizeMac(epn.mac) : null), workstationId: epn?.workstationId ?? null, session: epn?.session ?? null };
    let group: GroupPolicy | null = null;
    for (const g of this.policy.groups) {
      if (g.isDefault) continue;
      if (matches(g, info)) {
        group = g;
        break;
      }
    }
    group ??= this.policy.groups.find((g) => g.isDefault) ?? null;
    if (this.clients.size > 50_000) this.clients.clear();
    // A client whose MAC is not known yet is looked at again soon if some group selects by MAC.
    const retrySoon = !info.mac && this.policy.groups.some((g) => g.macs.size);
    this.clients.set(ip, { group, at: retrySoon ? now - 28_000 : now });
    return group;
  }
}

function matches(g: GroupPolicy, c: ClientInfo) {
  return groupMatches(g, c, ipBytes(c.ip));
}

function readArp(): Map<string, string> {
  const m = new Map<string, string>();
  try {
    const text = readFileSync("/proc/net/arp", "utf8");
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 4 && f[3] !== "00:00:00:00:00:00") m.set(f[0]!, f[3]!.toLowerCase());
    }
  } catch {
    // Not on Linux, or no permission: MAC selectors just never match.
  }
  return m;
}

/** Lists above this size get a garbage collection after they are compiled (see doReload). */
const BIG_LIST_CHARS = 4_000_000;

const engines = new WeakMap<Db, DnsEngine>();

/** The engine of this appliance (created on first use; the daemon passes its options first). */
export function engineFor(deps: Deps, opts: { ca?: string } = {}): DnsEngine {
  let e = engines.get(deps.db);
  if (!e) engines.set(deps.db, (e = new DnsEngine(deps, opts)));
  else if (opts.ca) e.upstreams.ca = opts.ca;
  return e;
}
