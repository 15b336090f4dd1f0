/**
 * Configures a freshly started Guichet through its public API for the DNS benchmark: first-boot setup,
 * the origin dnsmasq as upstream, no per-client rate limit, and the 1M-domain list as a subscription.
 * Prints the seconds the list took (download + parse + compile + swap in).
 * Usage: bun scripts/bench/dns/guichet-config.ts <http base> <upstream port> <list url>
 *        bun scripts/bench/dns/guichet-config.ts <http base> status   → seconds the daemon took to compile the list at start
 */
const [base, upstreamPort, listUrl] = process.argv.slice(2);
if (!base || !upstreamPort) throw new Error("usage: guichet-config.ts <http> <port amont> <url liste> | <http> status");

let cookie = "";
let csrf = "";
let org = "";
async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", cookie, ...(csrf ? { "x-csrf-token": csrf } : {}), ...(org ? { "x-guichet-org": org } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const set = res.headers.get("set-cookie");
  if (set) cookie = set.split(";")[0]!;
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${method} ${path} : ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const ADMIN = { email: "bench@mairie.test", password: "banc d'essai 2026" };
if (upstreamPort === "status") {
  await call("POST", "/api/auth/login", ADMIN);
  const me = await call("GET", "/api/auth/me");
  csrf = me.csrfToken;
  org = (await call("GET", "/api/orgs"))[0].id;
  const lists = await call("GET", "/api/dns/lists");
  console.log(Number(lists[0].loadSeconds).toFixed(2));
  process.exit(0);
}
if (!listUrl) throw new Error("usage: guichet-config.ts <http> <port amont> <url liste>");
const setup = await call("POST", "/api/setup", { organisation: { name: "Mairie du banc d'essai" }, admin: { name: "Bench", ...ADMIN } });
org = setup.orgId;
csrf = (await call("GET", "/api/auth/me")).csrfToken;
await call("POST", "/api/dns/upstreams", { name: "origine", kind: "dns", address: `127.0.0.1:${upstreamPort}` });
// The benchmark floods from one address: the per-client limit (200 q/s by default) would measure itself.
await call("PATCH", "/api/dns/settings", { rateLimit: 0 });
const t0 = performance.now();
const list = await call("POST", "/api/dns/lists", { name: "1M domaines", kind: "url", url: listUrl });
const secs = (performance.now() - t0) / 1000;
if (list.lastError || list.ruleCount !== 1_000_000) throw new Error(`liste mal chargée : ${JSON.stringify(list)}`);
console.log(secs.toFixed(2));
export {};
