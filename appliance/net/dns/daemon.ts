/**
 * The DNS daemon as a Service: loads the policy, listens on UDP+TCP, and runs its own timers (log flush,
 * upstream probes, list refresh, log purge) — the platform job scheduler (core/jobs) did not exist when this
 * was written, so the timers live here and stop with the service.
 */
import { systemCtx, type Deps } from "../../core/context";
import type { Service } from "../../core/service";
import { engineFor, type DnsEngine } from "./engine";
import { Resolver } from "./resolver";
import { ClientLimiter, DnsServer } from "./server";
import { operatorOrg } from "./operator";
import { ensureDefaultGroup } from "./service/common";
import { refreshDue } from "./service/refresh";

/**
 * Garbage watch: a full collection (~10–30 ms) once the resident size passes a threshold. Forwarding
 * never-seen names at ~20k q/s leaves ~50 MB of garbage a second that JSC is slow to reclaim on its own,
 * hence a look every RSS_CHECK_MS. The threshold is RSS_HIGH, or the size measured one check after the
 * last collection (once freed pages went back) plus RSS_GROWTH: a list set that simply needs more memory
 * does not cause a collection at every check.
 */
const RSS_HIGH = 192 * 1048576;
const RSS_GROWTH = 16 * 1048576;
const RSS_CHECK_MS = 500;

export interface DnsServiceOptions {
  host?: string;
  /** Defaults to config.dnsPort; 0 picks a free port (tests). */
  port?: number;
  /** Extra CA (PEM) trusted for DNS-over-HTTPS upstreams signed by a private authority. */
  ca?: string;
}

export class DnsService implements Service {
  readonly name = "dns";
  engine: DnsEngine;
  private server: DnsServer | null = null;
  private timers: ReturnType<typeof setInterval>[] = [];
  private refreshing: Promise<void> | null = null;

  constructor(
    private deps: Deps,
    private opts: DnsServiceOptions = {},
  ) {
    this.engine = engineFor(deps, { ca: opts.ca });
  }

  /** The port actually bound (useful when started on port 0). */
  get port() {
    return this.server?.udpPort ?? 0;
  }

  async start() {
    const org = operatorOrg(this.deps.db);
    if (org) ensureDefaultGroup(systemCtx(this.deps, org));
    await this.engine.reload();
    await this.engine.upstreams.udp.start();
    const limiter = new ClientLimiter(() => this.engine.policy.settings.rateLimit);
    this.server = new DnsServer(new Resolver(this.engine), limiter, this.deps.log);
    const host = this.opts.host ?? this.deps.config.httpHost;
    try {
      await this.server.start(host, this.opts.port ?? this.deps.config.dnsPort);
    } catch (e) {
      this.engine.upstreams.udp.stop();
      throw new Error(`impossible d'écouter sur ${host}:${this.opts.port ?? this.deps.config.dnsPort} (${(e as Error).message})`);
    }
    this.engine.listening = { host, port: this.server.udpPort };
    this.engine.counters = this.server.counters;
    const every = (ms: number, fn: () => unknown) => {
      const t = setInterval(() => {
        try {
          const r = fn();
          if (r instanceof Promise) r.catch((e) => this.deps.log.error("DNS : tâche périodique en échec", { erreur: String(e) }));
        } catch (e) {
          this.deps.log.error("DNS : tâche périodique en échec", { erreur: String(e) });
        }
      }, ms);
      t.unref?.();
      this.timers.push(t);
    };
    every(1000, () => this.engine.log.flush());
    // Under sustained load (floods of never-seen names) JSC lets garbage pile up before collecting: on a
    // small appliance the resident size is watched and a collection asked for when it climbs (~10–30 ms).
    let threshold = RSS_HIGH;
    let collected = false;
    every(RSS_CHECK_MS, () => {
      const rss = process.memoryUsage.rss();
      if (collected) {
        collected = false;
        threshold = Math.max(RSS_HIGH, rss + RSS_GROWTH);
      } else if (rss > threshold) {
        Bun.gc(true);
        collected = true;
      }
    });
    every(30_000, () => this.engine.upstreams.probe());
    every(60_000, () => this.refreshLists());
    every(3600_000, () => this.engine.log.purge(this.deps.clock.now(), this.engine.policy.settings.logRetentionDays));
    // First refresh shortly after start (lists never downloaded, or stale after a long stop).
    setTimeout(() => void this.refreshLists(), 5_000).unref?.();
    this.deps.log.info(`DNS : écoute sur ${host}:${this.server.udpPort} (UDP et TCP)`, { groupes: this.engine.policy.groups.length, listes: this.engine.lists.size, amonts: this.engine.policy.upstreams.length });
  }

  /** Refreshes due subscriptions, one run at a time. */
  refreshLists() {
    this.refreshing ??= refreshDue(this.deps).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  async stop() {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    this.server?.stop();
    this.server = null;
    this.engine.listening = null;
    this.engine.upstreams.udp.stop();
    // Whatever was answered before the stop is in the log.
    this.engine.log.flush(true);
  }
}
