/**
 * Real parts for the DNS tests: Debian's dnsmasq serving a test zone on loopback, a DoH stand-in (Bun HTTPS
 * server with HTTP/2 forwarding to dnsmasq), and `dig` run as a child process with its output parsed.
 */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export function tempDir(prefix = "guichet-dns-") {
  return mkdtempSync(join(tmpdir(), prefix));
}

const randomPort = () => 20000 + Math.floor(Math.random() * 40000);

export interface Dnsmasq {
  port: number;
  /** How many queries for `name` (any type, or the given one) dnsmasq has seen. */
  seen(name: string, type?: string): number;
  stop(): void;
}

/** Test zone served by dnsmasq: fixed names, a big TXT (for truncation), CNAME cloaking, SafeSearch targets; every other name → 192.0.2.99. */
export const ZONE_LINES = [
  "host-record=www.zone.test,192.0.2.10,2001:db8::10",
  "host-record=forcesafesearch.google.com,216.239.38.120",
  "host-record=strict.bing.com,204.79.197.220",
  "host-record=restrict.youtube.com,216.239.38.120",
  "host-record=safe.duckduckgo.com,52.142.124.215",
  "host-record=tracker.cloak.test,192.0.2.77",
  "cname=cloaked.zone.test,tracker.cloak.test",
  `txt-record=big.zone.test,${Array.from({ length: 8 }, (_, i) => `"${String.fromCharCode(97 + i).repeat(120)}"`).join(",")}`,
  "local=/nx.test/",
  "address=/#/192.0.2.99",
  "address=/#/2001:db8::99",
];

/** Starts dnsmasq on a free loopback port with `lines` as its configuration (plus logging of every query). */
export async function startDnsmasq(lines: string[] = ZONE_LINES): Promise<Dnsmasq> {
  const dir = tempDir("guichet-dnsmasq-");
  const logFile = join(dir, "queries.log");
  for (let attempt = 0; attempt < 10; attempt++) {
    const port = randomPort();
    const conf = join(dir, "dnsmasq.conf");
    writeFileSync(conf, [`port=${port}`, "listen-address=127.0.0.1", "bind-interfaces", "no-resolv", "no-hosts", "log-queries", `log-facility=${logFile}`, "cache-size=0", "local-ttl=300", ...lines].join("\n") + "\n");
    const proc: Subprocess = Bun.spawn(["dnsmasq", `--conf-file=${conf}`, "--keep-in-foreground", "--pid-file=", "--user=root"], { stdout: "ignore", stderr: "pipe" });
    const ready = await waitUdp(port, proc);
    if (!ready) {
      proc.kill();
      continue;
    }
    return {
      port,
      seen(name: string, type?: string) {
        if (!existsSync(logFile)) return 0;
        const re = new RegExp(`(?:query|auth)\\[${type ?? "[A-Z0-9]+"}\\] ${name.replace(/\./g, "\\.")} from`, "g");
        return (readFileSync(logFile, "utf8").match(re) ?? []).length;
      },
      stop: () => proc.kill(),
    };
  }
  throw new Error("dnsmasq n'a pas pu démarrer");
}

async function waitUdp(port: number, proc: Subprocess) {
  for (let i = 0; i < 50; i++) {
    if (proc.exitCode !== null) return false;
    const r = await dig(["-p", String(port), "@127.0.0.1", "+time=1", "+tries=1", "ready.zone.test"]).catch(() => null);
    if (r && r.status) return true;
    await Bun.sleep(50);
  }
  return false;
}

export interface DigResult {
  status: string;
  flags: string[];
  answers: { name: string; ttl: number; type: string; data: string }[];
  authority: { name: string; ttl: number; type: string; data: string }[];
  edns: { version: number; flags: string[]; udp: number } | null;
  retriedTcp: boolean;
  raw: string;
}

/** Runs dig (asynchronously: the daemon under test lives in this process) and parses its output. */
export async function dig(args: string[]): Promise<DigResult> {
  const p = Bun.spawn(["dig", "+time=3", "+tries=1", ...args], { stdout: "pipe", stderr: "pipe" });
  const raw = await new Response(p.stdout).text();
  await p.exited;
  const status = /status: ([A-Z]+)/.exec(raw)?.[1] ?? "";
  const flags = (/;; flags: ([a-z ]+);/.exec(raw)?.[1] ?? "").trim().split(/\s+/).filter(Boolean);
  const ednsM = /; EDNS: version: (\d+), flags:([a-z ]*); udp: (\d+)/.exec(raw);
  const section = (title: string) => {
    const m = new RegExp(`;; ${title} SECTION:\\n([\\s\\S]*?)(?:\\n\\n|$)`).exec(raw);
    if (!m) return [];
    return m[1]!
      .split("\n")
      .filter((l) => l && !l.startsWith(";"))
      .map((l) => {
        const [name, ttl, , type, ...data] = l.split(/\s+/);
        return { name: name!, ttl: Number(ttl), type: type!, data: data.join(" ") };
      });
  };
  return {
    status,
    flags,
    answers: section("ANSWER"),
    authority: section("AUTHORITY"),
    edns: ednsM ? { version: Number(ednsM[1]), flags: ednsM[2]!.trim().split(/\s+/).filter(Boolean), udp: Number(ednsM[3]) } : null,
    retriedTcp: raw.includes("retrying in TCP mode"),
    raw,
  };
}

/** A self-signed certificate for 127.0.0.1 (openssl), for the DoH stand-in. */
export async function selfSignedCert(): Promise<{ key: string; cert: string }> {
  const dir = tempDir("guichet-doh-");
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  const gen = Bun.spawn(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdout: "ignore", stderr: "ignore" });
  await gen.exited;
  return { key: readFileSync(key, "utf8"), cert: readFileSync(cert, "utf8") };
}

/** A DoH server (RFC 8484) over HTTPS with HTTP/2, forwarding to a plain DNS server; counts requests per method. */
export async function startDohStandIn(upstreamPort: number, tls: { key: string; cert: string }) {
  const seen = { POST: 0, GET: 0, bad: 0 };
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    tls,
    http2: true,
    async fetch(req) {
      const url = new URL(req.url);
      if (url.pathname !== "/dns-query") return new Response("introuvable", { status: 404 });
      let query: Uint8Array;
      if (req.method === "POST" && req.headers.get("content-type") === "application/dns-message") query = new Uint8Array(await req.arrayBuffer());
      else if (req.method === "GET" && url.searchParams.get("dns")) query = new Uint8Array(Buffer.from(url.searchParams.get("dns")!, "base64url"));
      else {
        seen.bad++;
        return new Response("requête DoH invalide", { status: 400 });
      }
      seen[req.method as "POST" | "GET"]++;
      const answer = await udpExchange(query, upstreamPort);
      return new Response(answer as Uint8Array<ArrayBuffer>, { headers: { "content-type": "application/dns-message" } });
    },
  } as Parameters<typeof Bun.serve>[0]);
  return { url: `https://127.0.0.1:${server.port}/dns-query`, seen, stop: () => server.stop(true) };
}

/** One UDP exchange with a DNS server (new socket each time: simple and good enough for a stand-in). */
export async function udpExchange(query: Uint8Array, port: number, host = "127.0.0.1", timeoutMs = 2000): Promise<Uint8Array> {
  return new Promise(async (resolve, reject) => {
    const timer = setTimeout(() => {
      s.close();
      reject(new Error("timeout"));
    }, timeoutMs);
    const s = await Bun.udpSocket({
      port: 0,
      socket: {
        data(sock, buf) {
          clearTimeout(timer);
          sock.close();
          resolve(new Uint8Array(buf));
        },
      },
    });
    s.send(query, port, host);
  });
}

/** A plain HTTP server publishing blocklists; `files[path]` can be changed during a test (serve garbage, fail…). */
export function startListServer(files: Record<string, string | (() => Response)>) {
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req) {
      const f = files[new URL(req.url).pathname];
      if (f === undefined) return new Response("introuvable", { status: 404 });
      return typeof f === "string" ? new Response(f, { headers: { "content-type": "text/plain" } }) : f();
    },
  });
  return { url: (path: string) => `http://127.0.0.1:${server.port}${path}`, files, stop: () => server.stop(true) };
}

/** The real-world lists copied next to the tests. */
export function fixture(name: string) {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url).pathname, "utf8");
}
