/**
 * One query, start to finish: parse → local names → opening hours → lists → SafeSearch → cache → upstream
 * (coalesced) → CNAME-cloaking check → reply, and one query-log entry. Blocked, cached and local answers
 * are produced synchronously; only upstream work returns a promise.
 */
import * as dnsPacket from "dns-packet";
import type { DnsEngine } from "./engine";
import { buildError, isRejection, parseQuery, RCODE, TYPE, type Query } from "./wire";
import { cacheKey, makeEntry, serveEntry, udpLimit, variantOf, type CacheEntry } from "./cache";
import { anyReply, applianceAddress, blockedReply, cnameReply, errorReply, fit, localNxdomain, localReply, ptrReply } from "./answers";
import { matchLists, Suffixes, suffixesOf, type Hit } from "./matcher";
import { isOpen, localWeekTime, type GroupPolicy } from "./policy";
import { safeSearchTarget } from "./safe-search";
import type { QueryStatus } from "./query-log";
import { systemClock } from "../../core/clock";

/** Reverse zones of private and local addresses: answered here, never asked upstream (RFC 6303). */
const PRIVATE_REVERSE = ["10.in-addr.arpa", "168.192.in-addr.arpa", "127.in-addr.arpa", "254.169.in-addr.arpa", "d.f.ip6.arpa", "8.e.f.ip6.arpa", ...Array.from({ length: 16 }, (_, i) => `${16 + i}.172.in-addr.arpa`)];
const LOOPBACK6_PTR = "1." + "0.".repeat(31) + "ip6.arpa";
/** Reused for every query's list match (matching is synchronous; hits copy what they keep). */
const SX = new Suffixes();

/** How a matched rule reads in the log and in the "why?" lookup. */
export function describeHit(h: Hit): string {
  if (h.kind === "exact") return h.key;
  if (h.kind === "suffix") return `||${h.key}^`;
  if (h.kind === "sub") return `*.${h.key}`;
  return `/${h.key}/`;
}

export class Resolver {
  private minute = -1;
  /** Clock reading for the query being handled synchronously (one Date per query, not one per step). */
  private at = 0;
  private inHandle = false;
  private week = { day: 1, hhmm: "00:00" };

  constructor(private e: DnsEngine) {}

  private weekTime(now: Date) {
    const m = Math.floor(now.getTime() / 60_000);
    if (m !== this.minute) {
      this.minute = m;
      this.week = localWeekTime(now);
    }
    return this.week;
  }

  /**
   * One query-log entry. `t0` is when upstream work started (performance.now()), or 0 for an answer made
   * synchronously: those take a few microseconds, logged as 0 ms (two clock reads per query saved).
   */
  private record(q: Query, ip: string, status: QueryStatus, rcode: number, t0: number, g: GroupPolicy | null, reason: string | null, listId: string | null = null, upstream: string | null = null) {
    // Synchronous answers reuse the time read at the start of handle(); later ones read the clock again.
    const at = this.inHandle ? this.at : this.nowMs();
    this.e.log.add(ip, q.name, q.qtype, status, g?.id ?? null, listId, reason, upstream, rcode, t0 ? performance.now() - t0 : 0, at);
  }

  /** Clock reading in ms: the real clock without a Date object per call; tests' clocks are asked. */
  private nowMs() {
    const clock = this.e.deps.clock;
    return clock === systemClock ? Date.now() : clock.now().getTime();
  }

  /** Answers one DNS message from `ip`; null means "send nothing". */
  handle(buf: Uint8Array, ip: string, tcp: boolean): Uint8Array | null | Promise<Uint8Array | null> {
    this.at = this.nowMs();
    this.inHandle = true;
    try {
      return this.answer(buf, ip, tcp);
    } finally {
      this.inHandle = false;
    }
  }

  private answer(buf: Uint8Array, ip: string, tcp: boolean): Uint8Array | null | Promise<Uint8Array | null> {
    // Synchronous answers are logged with t0 = 0 (see record()); upstream work starts its own clock.
    const t0 = 0;
    const parsed = parseQuery(buf);
    if (isRejection(parsed)) return parsed.drop ? null : buildError(parsed);
    const q = parsed;
    const max = tcp ? 65535 : udpLimit(q);
    if (q.qclass !== 1) {
      this.record(q, ip, "refused", RCODE.REFUSED, t0, null, "classe autre que IN");
      return errorReply(q, RCODE.REFUSED);
    }
    const p = this.e.policy;
    const g = this.e.groupOf(ip, this.at);
    if (!q.odd) {
      const local = this.local(q, ip, max, g);
      if (local) return local;
    }
    if (q.qtype === TYPE.ANY) {
      this.record(q, ip, "local", RCODE.NOERROR, t0, g, "ANY (RFC 8482)");
      return anyReply(q);
    }
    let allowedBy: Hit | null = null;
    const variant = variantOf(q);
    let cached: CacheEntry | null | undefined;
    if (g) {
      if (g.schedule && !isOpen(g.schedule, this.weekTime(new Date(this.at)))) {
        this.record(q, ip, "blocked", p.settings.blockingMode === "nxdomain" ? RCODE.NXDOMAIN : RCODE.NOERROR, t0, g, "hors des horaires d'ouverture");
        return fit(q, blockedReply(q, p.settings), max);
      }
      if (!q.odd && g.lists.length) {
        // A cached name keeps the verdict of the group that last asked: a hit skips the list match.
        cached = this.e.cache.get(q.name, variant, this.at, false);
        let hit: Hit | null;
        if (cached && cached.verdictGroup === g) hit = cached.verdict!;
        else {
          hit = matchLists(g.lists, suffixesOf(q.name, SX));
          if (cached) {
            cached.verdictGroup = g;
            cached.verdict = hit;
          }
        }
        if (hit && !hit.allow) {
          this.record(q, ip, "blocked", p.settings.blockingMode === "nxdomain" ? RCODE.NXDOMAIN : RCODE.NOERROR, t0, g, describeHit(hit), hit.listId);
          return fit(q, blockedReply(q, p.settings), max);
        }
        allowedBy = hit;
      }
      if (g.safeSearch && !q.odd) {
        const target = safeSearchTarget(q.name);
        if (target) return this.rewrite(keep(q), ip, target, max, performance.now(), g);
      }
    }
    const now = this.at;
    // Looked up before the lists (to reuse their verdict) or now; counted once, as a hit or a miss.
    const hitEntry = cached === undefined ? this.e.cache.get(q.name, variant, now) : cached;
    if (cached !== undefined) {
      if (hitEntry) this.e.cache.hits++;
      else this.e.cache.misses++;
    }
    if (hitEntry) return this.deliver(q, ip, hitEntry, "cached", max, t0, g, allowedBy, now);
    keep(q);
    const started = performance.now();
    return this.upstream(q).then(
      (entry) => this.deliver(q, ip, entry, "forwarded", max, started, g, allowedBy, this.nowMs()),
      (err: Error) => {
        this.record(q, ip, "failed", RCODE.SERVFAIL, started, g, err.message);
        return errorReply(q, RCODE.SERVFAIL);
      },
    );
  }

  /** Cached or fresh upstream answer → reply, unless a CNAME in it points at a blocked name (cloaking). */
  private deliver(q: Query, ip: string, entry: CacheEntry, status: QueryStatus, max: number, t0: number, g: GroupPolicy | null, allowedBy: Hit | null, now: number): Uint8Array {
    const p = this.e.policy;
    if (g && !allowedBy && entry.cnames.length && g.lists.length) {
      for (const c of entry.cnames) {
        const hit = matchLists(g.lists, suffixesOf(c, SX));
        if (hit && !hit.allow) {
          this.record(q, ip, "blocked", p.settings.blockingMode === "nxdomain" ? RCODE.NXDOMAIN : RCODE.NOERROR, t0, g, `CNAME ${c} : ${describeHit(hit)}`, hit.listId);
          return fit(q, blockedReply(q, p.settings), max);
        }
        if (hit?.allow) break;
      }
    }
    const reason = allowedBy ? `autorisé : ${describeHit(allowedBy)}` : entry.summary;
    this.record(q, ip, status, entry.rcode, t0, g, reason, allowedBy?.listId ?? null, entry.upstream ?? null);
    return serveEntry(entry, q, now, max);
  }

  /** Asks upstream once per (name, type, DO) however many clients ask at the same time. */
  upstream(q: Query): Promise<CacheEntry> {
    const key = cacheKey(q);
    const running = this.e.inflight.get(key);
    if (running) return running;
    // One `then` for the result and the in-flight bookkeeping (fewer promises and closures per forward).
    const p = this.e.upstreams.forward(q).then(
      (f) => {
        this.e.inflight.delete(key);
        const s = this.e.policy.settings;
        const entry = makeEntry(f.resp, this.nowMs(), s.cacheMinTtl, s.cacheMaxTtl);
        if (!entry) throw new Error(`réponse illisible de ${f.upstream.name}`);
        entry.upstream = f.upstream.name;
        this.e.cache.set(q.name, variantOf(q), entry);
        return entry;
      },
      (e) => {
        this.e.inflight.delete(key);
        throw e;
      },
    );
    this.e.inflight.set(key, p);
    return p;
  }

  /** Resolves `name`/`type` upstream (through the cache) for a CNAME rewrite. */
  private async resolveTarget(q: Query, name: string): Promise<{ rcode: number; answers: dnsPacket.Answer[] }> {
    const wire = dnsPacket.encode({ type: "query", id: 0, flags: dnsPacket.RECURSION_DESIRED, questions: [{ name, type: "A", class: "IN" }] });
    const bytes = new Uint8Array(wire.buffer, wire.byteOffset, wire.byteLength);
    // Same question type as the client's (the encoder above only knows names, so patch the type in).
    bytes[bytes.length - 4] = q.qtype >> 8;
    bytes[bytes.length - 3] = q.qtype & 0xff;
    const tq = parseQuery(bytes);
    if (isRejection(tq)) throw new Error("nom cible invalide");
    const now = this.nowMs();
    const entry = this.e.cache.get(tq.name, variantOf(tq), now) ?? (await this.upstream(tq));
    const decoded = dnsPacket.decode(Buffer.from(serveEntry(entry, tq, now, 65535)));
    return { rcode: entry.rcode, answers: (decoded.answers ?? []) as dnsPacket.Answer[] };
  }

  private async rewrite(q: Query, ip: string, target: string, max: number, t0: number, g: GroupPolicy | null): Promise<Uint8Array> {
    try {
      const local = this.e.policy.records.get(target);
      const r = local ? { rcode: 0, answers: localAnswers(target, local, q.qtype) } : await this.resolveTarget(q, target);
      this.record(q, ip, "safesearch", r.rcode, t0, g, `réécrit en ${target}`);
      return fit(q, cnameReply(q, target, 300, r.rcode, r.answers), max);
    } catch (err) {
      this.record(q, ip, "failed", RCODE.SERVFAIL, t0, g, (err as Error).message);
      return errorReply(q, RCODE.SERVFAIL);
    }
  }

  /** guichet.lan, admin records, the .lan zone, private reverse zones and single labels: never forwarded. */
  private local(q: Query, ip: string, max: number, g: GroupPolicy | null): Uint8Array | Promise<Uint8Array> | null {
    const name = q.name;
    if (name === "guichet.lan") {
      const a = applianceAddress(ip, 4);
      const aaaa = applianceAddress(ip, 6);
      this.record(q, ip, "local", RCODE.NOERROR, 0, g, "nom du Guichet");
      return fit(q, localReply(q, { a: a ? [a] : [], aaaa: aaaa ? [aaaa] : [], cname: null, ttl: 60 }), max);
    }
    const rec = this.e.policy.records.get(name);
    if (rec) {
      if (rec.cname && q.qtype !== TYPE.CNAME) {
        const target = this.e.policy.records.get(rec.cname);
        if (!target) return this.localCname(keep(q), ip, rec.cname, rec.ttl, max, performance.now(), g);
        this.record(q, ip, "local", RCODE.NOERROR, 0, g, "enregistrement local");
        return fit(q, localReply(q, rec, localAnswers(rec.cname, target, q.qtype)), max);
      }
      this.record(q, ip, "local", RCODE.NOERROR, 0, g, "enregistrement local");
      return fit(q, localReply(q, rec), max);
    }
    if (q.qtype === TYPE.PTR && this.e.policy.ptr.has(name)) {
      this.record(q, ip, "local", RCODE.NOERROR, 0, g, "enregistrement local");
      return fit(q, ptrReply(q, this.e.policy.ptr.get(name)!, 300), max);
    }
    const localZone = name.endsWith(".lan") || name === "lan" || (name !== "" && !name.includes(".")) || (name.endsWith(".arpa") && (name === LOOPBACK6_PTR || PRIVATE_REVERSE.some((z) => name === z || name.endsWith("." + z))));
    if (localZone) {
      this.record(q, ip, "local", RCODE.NXDOMAIN, 0, g, "nom local inconnu");
      return localNxdomain(q);
    }
    return null;
  }

  /** A local CNAME to an outside name: the CNAME plus the target's records from upstream. */
  private async localCname(q: Query, ip: string, target: string, ttl: number, max: number, t0: number, g: GroupPolicy | null): Promise<Uint8Array> {
    try {
      const r = await this.resolveTarget(q, target);
      this.record(q, ip, "local", r.rcode, t0, g, `alias local vers ${target}`);
      return fit(q, cnameReply(q, target, ttl, r.rcode, r.answers), max);
    } catch (err) {
      this.record(q, ip, "failed", RCODE.SERVFAIL, t0, g, (err as Error).message);
      return errorReply(q, RCODE.SERVFAIL);
    }
  }
}

/** The packet buffer belongs to the socket layer: copy it before work that outlives the current call. */
function keep(q: Query): Query {
  q.raw = new Uint8Array(q.raw);
  return q;
}

function localAnswers(name: string, rec: { a: string[]; aaaa: string[]; ttl: number }, qtype: number): dnsPacket.Answer[] {
  if (qtype === TYPE.A) return rec.a.map((ip) => ({ name, type: "A", ttl: rec.ttl, data: ip }));
  if (qtype === TYPE.AAAA) return rec.aaaa.map((ip) => ({ name, type: "AAAA", ttl: rec.ttl, data: ip }));
  return [];
}
