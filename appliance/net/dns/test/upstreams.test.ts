/** Upstreams: DNS-over-HTTPS (POST and GET, HTTP/2) through a local stand-in, failover and health. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startDnsEnv, type DnsTestEnv } from "./harness";
import { selfSignedCert, startDohStandIn } from "./tools";

let env: DnsTestEnv;
let doh: Awaited<ReturnType<typeof startDohStandIn>>;

beforeAll(async () => {
  // The stand-in's certificate is self-signed: the daemon is told to trust it (as for a private DoH server).
  const tls = await selfSignedCert();
  env = await startDnsEnv({ upstream: false, ca: tls.cert });
  doh = await startDohStandIn(env.upstream.port, tls);
});
afterAll(async () => {
  doh.stop();
  await env.stop();
});

async function upstreams() {
  return env.ok<any[]>(env.owner.get("/api/dns/upstreams"));
}

test("DoH en POST (RFC 8484) : la réponse arrive, seul le serveur DoH est interrogé", async () => {
  const up = await env.ok<any>(env.owner.post("/api/dns/upstreams", { name: "DoH local", kind: "doh", address: doh.url, method: "POST" }));
  const r = await env.q("doh-post.zone.test");
  expect(r.answers.map((a) => a.data)).toEqual(["192.0.2.99"]);
  expect(doh.seen.POST).toBe(1);
  expect(doh.seen.GET).toBe(0);
  expect(doh.seen.bad).toBe(0);
  await env.ok(env.owner.patch(`/api/dns/upstreams/${up.id}`, { method: "GET" }));
  const g = await env.q("doh-get.zone.test", "AAAA");
  expect(g.answers.map((a) => a.data)).toEqual(["2001:db8::99"]);
  expect(doh.seen.GET).toBe(1);
  const [h] = await upstreams();
  expect(h.health.state).toBe("ok");
  expect(h.health.lastRttMs).toBeGreaterThan(0);
  await env.ok(env.owner.del(`/api/dns/upstreams/${up.id}`));
});

test("un serveur muet est abandonné pour le suivant, puis marqué en panne et évité", async () => {
  const dead = await env.ok<any>(env.owner.post("/api/dns/upstreams", { name: "Serveur muet", kind: "dns", address: "127.0.0.1:9" }));
  await env.useDnsmasq();
  const t0 = performance.now();
  expect((await env.q("failover-1.zone.test")).answers[0]?.data).toBe("192.0.2.99");
  expect(performance.now() - t0).toBeGreaterThan(1000); // waited for the first one…
  expect((await env.q("failover-2.zone.test")).answers[0]?.data).toBe("192.0.2.99");
  const list = await upstreams();
  expect(list.find((u) => u.id === dead.id).health).toMatchObject({ state: "en panne", lastError: "délai dépassé" });
  // … and now goes straight to the healthy one.
  const t1 = performance.now();
  expect((await env.q("failover-3.zone.test")).answers[0]?.data).toBe("192.0.2.99");
  expect(performance.now() - t1).toBeLessThan(1000);
  await env.ok(env.owner.del(`/api/dns/upstreams/${dead.id}`));
});

test("un serveur DoH arrêté : bascule sur le DNS classique ; le test des serveurs le signale en panne", async () => {
  const d = await env.ok<any>(env.owner.post("/api/dns/upstreams", { name: "DoH arrêté", kind: "doh", address: doh.url, position: 0 }));
  doh.stop();
  expect((await env.q("doh-down.zone.test")).answers[0]?.data).toBe("192.0.2.99");
  const tested = await env.ok<any[]>(env.owner.post("/api/dns/upstreams/test"));
  const h = tested.find((u) => u.id === d.id).health;
  expect(h.state).toBe("en panne");
  expect(h.lastError).toBeTruthy();
  expect(tested.find((u) => u.kind === "dns").health.state).toBe("ok");
});

test("adresses refusées : boucle vers le Guichet, DoH non chiffré vers l'extérieur, adresse illisible", async () => {
  const cases: [object, string][] = [
    [{ name: "Boucle", kind: "dns", address: `127.0.0.1:${env.deps.config.dnsPort}` }, "boucle"],
    [{ name: "DoH en clair", kind: "doh", address: "http://dns.exemple.fr/dns-query" }, "https://"],
    [{ name: "Illisible", kind: "dns", address: "dns.google" }, "Adresse IP attendue"],
    [{ name: "Type", kind: "dot", address: "9.9.9.9" }, "Type inconnu"],
  ];
  for (const [body, msg] of cases) {
    const r = await env.owner.post("/api/dns/upstreams", body);
    expect(r.status).toBe(422);
    expect(JSON.stringify(r.body.error.fields)).toContain(msg);
  }
});
