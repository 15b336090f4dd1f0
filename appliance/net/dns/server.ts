/**
 * The listening side: UDP through Bun.udpSocket (replies batched by UdpOutbox), TCP through Bun.listen
 * (RFC 7766: length-prefixed, pipelined, answered as they complete, idle timeout, bounded connections). A
 * per-client token bucket drops floods; every failure is counted and logged at a bounded rate, never thrown
 * at the event loop.
 */
import type { Socket, TCPSocketListener, udp } from "bun";
import type { Logger } from "../../core/log";
import type { Resolver } from "./resolver";
import { UdpOutbox } from "./udp-outbox";

const MAX_TCP_CONNECTIONS = 512;
const MAX_PENDING_PER_CONNECTION = 128;
const TCP_IDLE_SECONDS = 10;

/** At most one log line per key and interval; the rest is counted and reported with the next line. */
export class RateLimitedLog {
  private last = new Map<string, { at: number; suppressed: number }>();
  constructor(
    private log: Logger,
    private intervalMs = 10_000,
  ) {}
  warn(key: string, msg: string, data: Record<string, unknown> = {}) {
    const now = Date.now();
    const s = this.last.get(key);
    if (s && now - s.at < this.intervalMs) {
      s.suppressed++;
      return;
    }
    this.log.warn(msg, s?.suppressed ? { ...data, "messages semblables ignorés": s.suppressed } : data);
    if (this.last.size > 1000) this.last.clear();
    this.last.set(key, { at: now, suppressed: 0 });
  }
}

/** Token bucket per client address: `rate` queries per second, bursts up to twice that. */
export class ClientLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(public rate: () => number) {}
  allow(ip: string): boolean {
    const rate = this.rate();
    if (!rate) return true;
    const now = performance.now();
    let b = this.buckets.get(ip);
    if (!b) {
      // A flood of spoofed sources must not grow this map without bound.
      if (this.buckets.size >= 100_000) this.buckets.clear();
      this.buckets.set(ip, (b = { tokens: rate * 2, at: now }));
    } else {
      b.tokens = Math.min(rate * 2, b.tokens + ((now - b.at) / 1000) * rate);
      b.at = now;
    }
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}

interface Conn {
  buf: Uint8Array;
  pending: number;
  out: Uint8Array[];
  closed: boolean;
}

/** Counters shown on the status page. */
export interface ServerCounters {
  udp: number;
  tcp: number;
  rateLimited: number;
  malformed: number;
  internalErrors: number;
  icmpErrors: number;
  /** UDP replies the kernel refused for good (see UdpOutbox). */
  sendDropped: number;
  sendErrors: number;
}

export class DnsServer {
  private udp: udp.Socket<"uint8array"> | null = null;
  private tcp: TCPSocketListener<Conn> | null = null;
  private conns = 0;
  readonly counters: ServerCounters = { udp: 0, tcp: 0, rateLimited: 0, malformed: 0, internalErrors: 0, icmpErrors: 0, sendDropped: 0, sendErrors: 0 };
  private outbox = new UdpOutbox(() => this.udp, this.counters);
  private warn: RateLimitedLog;

  constructor(
    private resolver: Resolver,
    private limiter: ClientLimiter,
    log: Logger,
  ) {
    this.warn = new RateLimitedLog(log);
  }

  get udpPort() {
    return this.udp?.port ?? 0;
  }
  get tcpPort() {
    return this.tcp?.port ?? 0;
  }

  /**
   * Answers one message: the reply, null when nothing goes back, or a promise of either (upstream work;
   * the caller handles a rejection with internal()). Synchronous answers (blocked, cached, local) cost no
   * closure or promise.
   */
  private answer(msg: Uint8Array, ip: string, tcp: boolean): Uint8Array | null | Promise<Uint8Array | null> {
    if (!this.limiter.allow(ip)) {
      this.counters.rateLimited++;
      this.warn.warn("rate:" + ip, "DNS : client limité (trop de requêtes), requêtes ignorées", { client: ip });
      return null;
    }
    let r: ReturnType<Resolver["handle"]>;
    try {
      r = this.resolver.handle(msg, ip, tcp);
    } catch (e) {
      this.internal(ip, e);
      return null;
    }
    if (r === null) {
      this.counters.malformed++;
      this.warn.warn("drop:" + ip, "DNS : paquet ignoré (malformé ou réponse non sollicitée)", { client: ip, octets: msg.length });
      return null;
    }
    return r;
  }

  private internal(ip: string, e: unknown) {
    this.counters.internalErrors++;
    this.warn.warn("internal", "DNS : erreur interne sur une requête", { client: ip, erreur: String((e as Error)?.stack ?? e) });
  }

  async start(hostname: string, port: number) {
    // Port 0 (tests): UDP picks a free port, and TCP must then get the same number, which another
    // process may hold on TCP: try again on a new pair rather than fail.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.bind(hostname, port);
      } catch (e) {
        this.udp?.close();
        this.udp = null;
        if (port !== 0 || attempt >= 10) throw e;
      }
    }
  }

  private async bind(hostname: string, port: number) {
    const sock: udp.Socket<"uint8array"> = await Bun.udpSocket<"uint8array">({
      hostname,
      port,
      // Plain Uint8Arrays: the parser then sees one array shape from UDP, TCP and tests alike (faster).
      binaryType: "uint8array",
      socket: {
        data: (sock, buf, rport, address) => {
          this.counters.udp++;
          // Used in place: the resolver copies the bytes it keeps beyond this call (upstream work).
          const out = this.answer(buf, address, false);
          if (out instanceof Uint8Array) this.outbox.push(out, rport, address);
          else if (out)
            out.then(
              (b) => b && this.outbox.push(b, rport, address),
              (e) => this.internal(address, e),
            );
        },
        drain: () => this.outbox.drain(),
        // ICMP errors for our replies (a client gone, a spoofed source) must not surface as exceptions.
        error: () => {
          this.counters.icmpErrors++;
        },
      },
    });
    this.udp = sock;
    // Same port on TCP (port 0 in tests: take whatever UDP got).
    this.tcp = Bun.listen<Conn>({
      hostname,
      port: sock.port,
      socket: {
        open: (s) => {
          if (this.conns >= MAX_TCP_CONNECTIONS) {
            this.warn.warn("tcp-full", "DNS : trop de connexions TCP, nouvelle connexion refusée");
            s.end();
            return;
          }
          this.conns++;
          s.data = { buf: new Uint8Array(0), pending: 0, out: [], closed: false };
          s.timeout(TCP_IDLE_SECONDS);
        },
        data: (s, chunk) => this.onTcpData(s, chunk),
        drain: (s) => flush(s),
        timeout: (s) => void s.end(),
        close: (s) => {
          if (s.data && !s.data.closed) {
            s.data.closed = true;
            this.conns--;
          }
        },
        error: () => {},
      },
    });
  }

  private onTcpData(s: Socket<Conn>, chunk: Uint8Array) {
    const c = s.data;
    if (!c || c.closed) return;
    const next = new Uint8Array(c.buf.length + chunk.length);
    next.set(c.buf);
    next.set(chunk, c.buf.length);
    c.buf = next;
    const ip = s.remoteAddress;
    while (c.buf.length >= 2) {
      const len = (c.buf[0]! << 8) | c.buf[1]!;
      if (len < 12) {
        this.counters.malformed++;
        this.warn.warn("tcp-bad:" + ip, "DNS : message TCP trop court, connexion fermée", { client: ip });
        s.end();
        return;
      }
      if (c.buf.length < 2 + len) break;
      const msg = c.buf.slice(2, 2 + len);
      c.buf = c.buf.slice(2 + len);
      if (c.pending >= MAX_PENDING_PER_CONNECTION) {
        this.warn.warn("tcp-flood:" + ip, "DNS : trop de requêtes en attente sur une connexion TCP, fermeture", { client: ip });
        s.end();
        return;
      }
      this.counters.tcp++;
      c.pending++;
      const send = (out: Uint8Array | null) => {
        c.pending--;
        if (c.closed || !out) return;
        const framed = new Uint8Array(out.length + 2);
        framed[0] = out.length >> 8;
        framed[1] = out.length & 0xff;
        framed.set(out, 2);
        write(s, framed);
      };
      const out = this.answer(msg, ip, true);
      if (out instanceof Promise)
        out.then(send, (e) => {
          this.internal(ip, e);
          send(null);
        });
      else send(out);
    }
  }

  stop() {
    this.outbox.stop();
    this.udp?.close();
    this.tcp?.stop(true);
    this.udp = null;
    this.tcp = null;
  }
}

/** Writes with backpressure: what the kernel did not take waits for `drain`. */
function write(s: Socket<Conn>, bytes: Uint8Array) {
  const c = s.data;
  if (c.out.length) {
    c.out.push(bytes);
    return;
  }
  const n = s.write(bytes);
  if (n < bytes.length) c.out.push(bytes.subarray(Math.max(n, 0)));
}

function flush(s: Socket<Conn>) {
  const c = s.data;
  while (c?.out.length) {
    const first = c.out[0]!;
    const n = s.write(first);
    if (n < first.length) {
      c.out[0] = first.subarray(Math.max(n, 0));
      return;
    }
    c.out.shift();
  }
}
