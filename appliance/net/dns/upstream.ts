/**
 * Talking to upstream resolvers: plain DNS over UDP (TCP when the answer is truncated) and DNS-over-HTTPS
 * (RFC 8484, POST or GET, HTTP/2 when the server offers it). Only the configured upstreams are ever asked.
 */
import type { udp } from "bun";
import { RCODE, TYPE, writeHeader, type Query } from "./wire";

export interface UpstreamDef {
  id: string;
  name: string;
  kind: "dns" | "doh";
  address: string;
  method: "POST" | "GET";
}

/** ip, ip:port, [v6]:port → host and port (53 by default). */
export function parseHostPort(address: string): { host: string; port: number } | null {
  const a = address.trim();
  let m = /^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/.exec(a);
  if (m) return { host: m[1]!, port: m[2] ? Number(m[2]) : 53 };
  m = /^(\d{1,3}(?:\.\d{1,3}){3})(?::(\d{1,5}))?$/.exec(a);
  if (m && m[1]!.split(".").every((x) => Number(x) <= 255)) {
    const port = m[2] ? Number(m[2]) : 53;
    return port >= 1 && port <= 65535 ? { host: m[1]!, port } : null;
  }
  if (/^[0-9a-fA-F:]+$/.test(a) && a.includes(":")) return { host: a, port: 53 };
  return null;
}

/** Builds the query we send upstream: a fresh id, RD, the client's CD, its question, our EDNS (DO if asked). */
export function upstreamQuery(q: Query, id: number): Uint8Array {
  const qlen = q.qEnd - 12;
  const out = new Uint8Array(12 + qlen + 11);
  writeHeader(out, id, 0x0100 | (q.flags & 0x0010), 1, 0, 0, 1);
  out.set(q.raw.subarray(12, q.qEnd), 12);
  const o = 12 + qlen;
  out[o + 2] = TYPE.OPT;
  out[o + 3] = 1232 >> 8;
  out[o + 4] = 1232 & 0xff;
  if (q.edns?.do) out[o + 7] = 0x80;
  return out;
}

/** True when `resp` answers `query`: same id and same question (case-insensitive). */
export function answers(query: Uint8Array, resp: Uint8Array, qEnd: number): boolean {
  if (resp.length < qEnd || resp[0] !== query[0] || resp[1] !== query[1] || !(resp[2]! & 0x80)) return false;
  for (let i = 12; i < qEnd; i++) {
    let a = query[i]!;
    let b = resp[i]!;
    if (a >= 65 && a <= 90) a += 32;
    if (b >= 65 && b <= 90) b += 32;
    if (a !== b) return false;
  }
  return true;
}

interface Pending {
  resolve(b: Uint8Array): void;
  reject(e: Error): void;
  host: string;
  port: number;
  query: Uint8Array;
  qEnd: number;
  deadline: number;
}

/** A few UDP sockets on random ports with random ids: a spoofed answer must guess both (RFC 5452). */
export class UdpClient {
  private sockets: udp.Socket<"buffer">[] = [];
  private pending = new Map<number, Pending>();
  private sweeper: ReturnType<typeof setInterval> | null = null;
  private ids = new Uint16Array(1024);
  private idPos = 1024;

  async start(count = 4) {
    for (let i = 0; i < count; i++) {
      const idx = i;
      const s: udp.Socket<"buffer"> = await Bun.udpSocket<"buffer">({
        port: 0,
        socket: {
          data: (_s, buf, port, address) => this.onData(idx, buf, port, address),
          // ICMP "port unreachable" from a dead upstream arrives here; without a handler Bun raises it as
          // an uncaught exception. The query itself times out and fails over.
          error: () => {},
        },
      });
      this.sockets.push(s);
    }
    this.sweeper = setInterval(() => this.sweep(), 100);
  }

  stop() {
    if (this.sweeper) clearInterval(this.sweeper);
    for (const s of this.sockets) s.close();
    this.sockets = [];
    for (const p of this.pending.values()) p.reject(new Error("arrêt du service"));
    this.pending.clear();
  }

  private nextId() {
    if (this.idPos >= this.ids.length) {
      crypto.getRandomValues(this.ids);
      this.idPos = 0;
    }
    return this.ids[this.idPos++]!;
  }

  private onData(sock: number, buf: Uint8Array, port: number, address: string) {
    if (buf.length < 12) return;
    const key = sock * 65536 + ((buf[0]! << 8) | buf[1]!);
    const p = this.pending.get(key);
    // Answers from anywhere but the server we asked, or for another question, are ignored.
    if (!p || p.port !== port || p.host !== address || !answers(p.query, buf, p.qEnd)) return;
    this.pending.delete(key);
    // A copy: the receive buffer is the socket layer's (and Buffer#slice would only be a view).
    p.resolve(new Uint8Array(buf));
  }

  private sweep() {
    const now = performance.now();
    for (const [k, p] of this.pending) {
      if (p.deadline > now) continue;
      this.pending.delete(k);
      p.reject(new Error("délai dépassé"));
    }
  }

  /** Sends `q` to host:port over UDP; resolves with the raw response (or rejects on timeout). */
  query(q: Query, host: string, port: number, timeoutMs: number): Promise<Uint8Array> {
    if (!this.sockets.length) return Promise.reject(new Error("client DNS arrêté"));
    const sock = Math.floor(Math.random() * this.sockets.length);
    let id = this.nextId();
    for (let tries = 0; this.pending.has(sock * 65536 + id) && tries < 16; tries++) id = this.nextId();
    const key = sock * 65536 + id;
    if (this.pending.has(key)) return Promise.reject(new Error("trop de requêtes en attente"));
    const query = upstreamQuery(q, id);
    return new Promise((resolve, reject) => {
      this.pending.set(key, { resolve, reject, host, port, query, qEnd: q.qEnd, deadline: performance.now() + timeoutMs });
      let sent = false;
      try {
        sent = this.sockets[sock]!.send(query, port, host);
      } catch {
        // A previous ICMP error on this socket surfaces on send: try once more, then give up.
        try {
          sent = this.sockets[sock]!.send(query, port, host);
        } catch {}
      }
      if (!sent) {
        this.pending.delete(key);
        reject(new Error("envoi impossible"));
      }
    });
  }
}

/** One query over TCP (used when a UDP answer came back truncated). */
export function tcpQuery(q: Query, host: string, port: number, timeoutMs: number): Promise<Uint8Array> {
  const id = crypto.getRandomValues(new Uint16Array(1))[0]!;
  const query = upstreamQuery(q, id);
  return new Promise((resolve, reject) => {
    let buf = new Uint8Array(0);
    let done = false;
    const finish = (err: Error | null, resp?: Uint8Array) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(resp!);
    };
    const timer = setTimeout(() => {
      finish(new Error("délai dépassé (TCP)"));
      sock?.then((s) => s.end()).catch(() => {});
    }, timeoutMs);
    const sock = Bun.connect({
      hostname: host,
      port,
      socket: {
        open(s) {
          const framed = new Uint8Array(2 + query.length);
          framed[0] = query.length >> 8;
          framed[1] = query.length & 0xff;
          framed.set(query, 2);
          s.write(framed);
        },
        data(s, chunk) {
          const next = new Uint8Array(buf.length + chunk.length);
          next.set(buf);
          next.set(chunk, buf.length);
          buf = next;
          if (buf.length >= 2) {
            const len = (buf[0]! << 8) | buf[1]!;
            if (buf.length >= 2 + len) {
              const resp = buf.slice(2, 2 + len);
              s.end();
              if (answers(query, resp, q.qEnd)) finish(null, resp);
              else finish(new Error("réponse TCP sans rapport avec la question"));
            }
          }
        },
        close() {
          finish(new Error("connexion TCP fermée sans réponse"));
        },
        error(_s, e) {
          finish(e);
        },
        connectError(_s, e) {
          finish(e);
        },
      },
    });
    sock.catch((e) => finish(e instanceof Error ? e : new Error(String(e))));
  });
}

function base64url(b: Uint8Array) {
  return Buffer.from(b).toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** HTTP/2 is tried first on https upstreams; a server that refuses it is remembered and spoken to in HTTP/1.1. */
const noH2 = new Set<string>();

/** One query over DNS-over-HTTPS (RFC 8484): id 0 (cache-friendly), POST body or GET ?dns=base64url. */
export async function dohQuery(q: Query, url: string, method: "POST" | "GET", timeoutMs: number, ca?: string): Promise<Uint8Array> {
  const query = upstreamQuery(q, 0);
  const headers = { accept: "application/dns-message", ...(method === "POST" ? { "content-type": "application/dns-message" } : {}) };
  const target = method === "GET" ? url + (url.includes("?") ? "&" : "?") + "dns=" + base64url(query) : url;
  const h2 = url.startsWith("https:") && !noH2.has(url);
  const init: RequestInit & Record<string, unknown> = {
    method,
    headers,
    body: method === "POST" ? (query as Uint8Array<ArrayBuffer>) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
    redirect: "error",
    ...(ca ? { tls: { ca } } : {}),
  };
  let res: Response;
  try {
    res = await fetch(target, h2 ? { ...init, protocol: "http2" } : init);
  } catch (e) {
    if (h2 && /HTTP2/i.test((e as Error).message)) {
      noH2.add(url);
      res = await fetch(target, init);
    } else throw e;
  }
  if (res.status !== 200) throw new Error(`DoH : statut HTTP ${res.status}`);
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("application/dns-message")) throw new Error(`DoH : type de contenu inattendu « ${type} »`);
  const body = new Uint8Array(await res.arrayBuffer());
  if (!answers(query, body, q.qEnd)) throw new Error("DoH : réponse sans rapport avec la question");
  return body;
}

/** True for answers worth trying another upstream for (the server could not answer, not "no such name"). */
export function isServerFailure(resp: Uint8Array) {
  const rc = resp[3]! & 0xf;
  return rc === RCODE.SERVFAIL || rc === RCODE.REFUSED;
}
