/**
 * End-to-end harness: the real app (route harness) on a fresh database, the DNS daemon on a free loopback
 * port, dnsmasq as upstream, and helpers to configure through the public API and query with dig.
 */
import { setupApp, type Client } from "../../../test/harness";
import { DnsService } from "../daemon";
import { dig, startDnsmasq, tempDir, type Dnsmasq } from "./tools";

export interface DnsTestEnv {
  owner: Client;
  orgId: string;
  deps: Awaited<ReturnType<typeof setupApp>>["deps"];
  app: Awaited<ReturnType<typeof setupApp>>["app"];
  svc: DnsService;
  upstream: Dnsmasq;
  /** dig against the daemon: `q("name", "AAAA", "+tcp")`, `-b 127.0.0.2` to choose the client address. */
  q(name: string, ...args: string[]): ReturnType<typeof dig>;
  /** Adds dnsmasq as the (plain DNS) upstream through the API. */
  useDnsmasq(): Promise<void>;
  /** Asserts a 2xx and returns the body. */
  ok<T = any>(p: Promise<{ status: number; body: any }>): Promise<T>;
  stop(): Promise<void>;
}

/** Starts everything; `ca` is trusted for DoH upstreams (the test's self-signed stand-in). */
export async function startDnsEnv(opts: { ca?: string; upstream?: boolean; host?: string } = {}): Promise<DnsTestEnv> {
  const base = await setupApp();
  base.deps.config.dataDir = tempDir();
  const upstream = await startDnsmasq();
  const host = opts.host ?? "127.0.0.1";
  const svc = new DnsService(base.deps, { host, port: 0, ca: opts.ca });
  await svc.start();
  const ok = async <T>(p: Promise<{ status: number; body: any }>): Promise<T> => {
    const r = await p;
    if (r.status >= 300) throw new Error(`HTTP ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body as T;
  };
  const env: DnsTestEnv = {
    ...base,
    svc,
    upstream,
    ok,
    q: (name, ...args) => dig([`@${host}`, "-p", String(svc.port), name, ...args]),
    async useDnsmasq() {
      await ok(base.owner.post("/api/dns/upstreams", { name: "dnsmasq de test", kind: "dns", address: `127.0.0.1:${upstream.port}` }));
    },
    async stop() {
      await svc.stop();
      upstream.stop();
    },
  };
  if (opts.upstream !== false) await env.useDnsmasq();
  return env;
}
