/**
 * The configured upstreams with their health: queries go to the first healthy one in the admin's order and
 * fail over to the next on timeout, network error, SERVFAIL or REFUSED; a periodic probe brings a failed one back.
 */
import { dohQuery, isServerFailure, parseHostPort, tcpQuery, UdpClient, type UpstreamDef } from "./upstream";
import { parseQuery, isRejection, RCODE, type Query } from "./wire";
import { systemClock } from "../../core/clock";

export interface UpstreamHealth {
  id: string;
  name: string;
  kind: "dns" | "doh";
  address: string;
  state: "inconnu" | "ok" | "en panne";
  failures: number;
  lastRttMs: number | null;
  lastError: string | null;
  lastCheckAt: string | null;
  queries: number;
  errors: number;
}

const UDP_TIMEOUT_MS = 1500;
const TCP_TIMEOUT_MS = 3000;
const DOH_TIMEOUT_MS = 3000;
/** Consecutive failures before an upstream is skipped (it stays the last resort). */
const DOWN_AFTER = 2;

/** Result of a forwarded query: the raw response and which upstream gave it. */
export interface Forwarded {
  resp: Uint8Array;
  upstream: UpstreamHealth;
}

/** Upstream set + health; `defs` are replaced on each policy reload, health survives by id. */
export class UpstreamSet {
  private defs: UpstreamDef[] = [];
  private health = new Map<string, UpstreamHealth>();
  /** Plain-DNS addresses parsed once per reload, not once per query. */
  private hostPorts = new Map<string, { host: string; port: number } | null>();
  /** lastCheckAt text, rebuilt at most once a second (a Date and a string per forwarded query otherwise). */
  private isoSecond = -1;
  private iso = "";
  readonly udp = new UdpClient();

  constructor(
    private clock: { now(): Date },
    /** Extra CA (PEM) trusted for DoH servers signed by a private authority. */
    public ca?: string,
  ) {}

  set(defs: UpstreamDef[]) {
    this.defs = defs;
    this.hostPorts = new Map(defs.map((d) => [d.address, d.kind === "dns" ? parseHostPort(d.address) : null]));
    const keep = new Map<string, UpstreamHealth>();
    for (const d of defs) {
      const prev = this.health.get(d.id);
      const same = prev && prev.address === d.address && prev.kind === d.kind;
      keep.set(d.id, same ? { ...prev, name: d.name } : { id: d.id, name: d.name, kind: d.kind, address: d.address, state: "inconnu", failures: 0, lastRttMs: null, lastError: null, lastCheckAt: null, queries: 0, errors: 0 });
    }
    this.health = keep;
  }

  get count() {
    return this.defs.length;
  }

  list(): UpstreamHealth[] {
    return this.defs.map((d) => this.health.get(d.id)!);
  }

  /** Asks one upstream. */
  async ask(d: UpstreamDef, q: Query): Promise<Uint8Array> {
    if (d.kind === "doh") return dohQuery(q, d.address, d.method, DOH_TIMEOUT_MS, this.ca);
    const hp = this.hostPorts.has(d.address) ? this.hostPorts.get(d.address)! : parseHostPort(d.address);
    if (!hp) throw new Error("adresse invalide");
    const resp = await this.udp.query(q, hp.host, hp.port, UDP_TIMEOUT_MS);
    // Truncated over UDP: ask again over TCP for the whole answer (RFC 7766 §5).
    if (resp[2]! & 0x02) return tcpQuery(q, hp.host, hp.port, TCP_TIMEOUT_MS);
    return resp;
  }

  private note(h: UpstreamHealth, ok: boolean, started: number, err?: string) {
    const now = this.clock === systemClock ? Date.now() : this.clock.now().getTime();
    const second = Math.floor(now / 1000);
    if (second !== this.isoSecond) {
      this.isoSecond = second;
      this.iso = new Date(second * 1000).toISOString();
    }
    h.lastCheckAt = this.iso;
    if (ok) {
      h.state = "ok";
      h.failures = 0;
      h.lastRttMs = Math.round((performance.now() - started) * 10) / 10;
      h.lastError = null;
    } else {
      h.errors++;
      h.failures++;
      h.lastError = err ?? "échec";
      if (h.failures >= DOWN_AFTER) h.state = "en panne";
    }
  }

  /**
   * Forwards a query: healthy upstreams first (admin order), then the failed ones as a last resort.
   * Throws when none answered; returns the last SERVFAIL/REFUSED if that is all there was.
   */
  async forward(q: Query): Promise<Forwarded> {
    if (!this.defs.length) throw new Error("aucun serveur amont configuré");
    let order = this.defs;
    let down = false;
    for (const d of order) down ||= this.health.get(d.id)!.state === "en panne";
    // Arrays are built only when some upstream is down (the common case allocates nothing here).
    if (down) {
      const healthy = this.defs.filter((d) => this.health.get(d.id)!.state !== "en panne");
      order = [...healthy, ...this.defs.filter((d) => !healthy.includes(d))];
    }
    let lastFailure: Forwarded | null = null;
    let lastError = "";
    for (const d of order) {
      const h = this.health.get(d.id)!;
      h.queries++;
      const started = performance.now();
      try {
        const resp = await this.ask(d, q);
        if (isServerFailure(resp)) {
          this.note(h, false, started, (resp[3]! & 0xf) === RCODE.REFUSED ? "réponse REFUSED" : "réponse SERVFAIL");
          lastFailure = { resp, upstream: h };
          continue;
        }
        this.note(h, true, started);
        return { resp, upstream: h };
      } catch (e) {
        lastError = (e as Error).message;
        this.note(h, false, started, lastError);
      }
    }
    if (lastFailure) return lastFailure;
    throw new Error(lastError || "aucun serveur amont n'a répondu");
  }

  /** Health probe: asks each upstream for the root's NS; any well-formed answer means it is alive. */
  async probe() {
    const probe = parseQuery(new Uint8Array([0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 1]));
    if (isRejection(probe)) return;
    await Promise.all(
      this.defs.map(async (d) => {
        const h = this.health.get(d.id)!;
        const started = performance.now();
        try {
          await this.ask(d, probe);
          this.note(h, true, started);
        } catch (e) {
          this.note(h, false, started, (e as Error).message);
        }
      }),
    );
  }
}
