/** Query log and statistics after real queries: filters, live polling, privacy levels, retention. */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startDnsEnv, type DnsTestEnv } from "./harness";
import { ADMIN } from "../../../test/harness";

let env: DnsTestEnv;
beforeAll(async () => {
  env = await startDnsEnv();
  await env.ok(env.owner.post("/api/dns/lists", { name: "Publicité", kind: "local", content: "||pub.test^\n" }));
  for (const [name, client] of [["www.zone.test", "127.0.0.1"], ["www.zone.test", "127.0.0.1"], ["www.zone.test", "127.0.0.1"], ["pub.test", "127.0.0.1"], ["x.pub.test", "127.0.0.1"], ["guichet.lan", "127.0.0.1"], ["www.zone.test", "127.0.0.2"]] as const)
    await env.q(name, "-b", client);
});
afterAll(() => env.stop());

test("statistiques : totaux, part bloquée, classements des domaines, des blocages et des clients", async () => {
  const s = await env.ok<any>(env.owner.get("/api/dns/stats?hours=24"));
  expect(s.totals).toEqual({ total: 7, blocked: 2, cached: 3, forwarded: 1, local: 1, failed: 0 });
  expect(s.blockedShare).toBe(28.6);
  expect(s.topDomains[0]).toEqual({ key: "www.zone.test", count: 4 });
  expect(s.topBlocked).toEqual([
    { key: "pub.test", count: 1 },
    { key: "x.pub.test", count: 1 },
  ]);
  expect(s.topClients).toEqual([
    { key: "127.0.0.1", count: 6 },
    { key: "127.0.0.2", count: 1 },
  ]);
  // One point per 10 minutes over the day, zeros included; all 7 queries fall in the current one.
  expect(s.series).toHaveLength(145);
  expect(s.series.reduce((n: number, p: any) => n + p.total, 0)).toBe(7);
  expect(s.series.at(-1).total).toBe(7);
});

test("journal : filtres par statut, client et domaine ; le motif du blocage nomme la liste et la règle", async () => {
  const blocked = await env.ok<any>(env.owner.get("/api/dns/log?status=blocked"));
  expect(blocked.items.map((r: any) => [r.name, r.list, r.reason, r.group, r.qtype])).toEqual([
    ["x.pub.test", "Publicité", "||pub.test^", "Par défaut", "A"],
    ["pub.test", "Publicité", "||pub.test^", "Par défaut", "A"],
  ]);
  const byClient = await env.ok<any>(env.owner.get("/api/dns/log?client=127.0.0.2"));
  expect(byClient.items.map((r: any) => [r.name, r.status])).toEqual([["www.zone.test", "cached"]]);
  const byDomain = await env.ok<any>(env.owner.get("/api/dns/log?domain=ZONE"));
  expect(byDomain.items).toHaveLength(4);
  // "%" and "_" are literal characters, not wildcards.
  expect((await env.ok<any>(env.owner.get("/api/dns/log?domain=%25"))).items).toHaveLength(0);
});

test("suivi en direct : `after` ne renvoie que les nouvelles requêtes", async () => {
  const last = (await env.ok<any>(env.owner.get("/api/dns/log?limit=1"))).items[0].id;
  await env.q("nouveau.zone.test");
  const fresh = await env.ok<any>(env.owner.get(`/api/dns/log?after=${last}`));
  expect(fresh.items.map((r: any) => r.name)).toEqual(["nouveau.zone.test"]);
});

test("confidentialité : masquer les clients efface aussi l'historique ; masquer les domaines ; « aucun journal » ne garde que les totaux", async () => {
  await env.ok(env.owner.patch("/api/dns/settings", { privacy: "hide_client" }));
  await env.q("apres-masquage.zone.test");
  let log = await env.ok<any>(env.owner.get("/api/dns/log"));
  expect(log.items.length).toBeGreaterThan(5);
  expect(log.items.every((r: any) => r.client === null)).toBe(true);
  expect((await env.ok<any>(env.owner.get("/api/dns/stats"))).topClients).toEqual([]);

  await env.ok(env.owner.patch("/api/dns/settings", { privacy: "hide_domain" }));
  await env.q("secret.zone.test");
  log = await env.ok<any>(env.owner.get("/api/dns/log"));
  expect(log.items.every((r: any) => r.name === null)).toBe(true);
  expect(log.items[0].client).toBe("127.0.0.1");
  expect((await env.ok<any>(env.owner.get("/api/dns/stats"))).topDomains).toEqual([]);

  await env.ok(env.owner.patch("/api/dns/settings", { privacy: "off" }));
  const before = (await env.ok<any>(env.owner.get("/api/dns/stats"))).totals.total;
  await env.q("rien.zone.test");
  expect((await env.ok<any>(env.owner.get("/api/dns/log"))).items).toEqual([]);
  expect((await env.ok<any>(env.owner.get("/api/dns/stats"))).totals.total).toBe(before + 1);
  await env.ok(env.owner.patch("/api/dns/settings", { privacy: "full" }));
});

test("conservation : les lignes plus anciennes que la durée choisie sont purgées", async () => {
  await env.ok(env.owner.patch("/api/dns/settings", { logRetentionDays: 2 }));
  await env.q("ancien.zone.test");
  env.svc.engine.log.flush();
  env.deps.clock.advance(3 * 86400_000);
  await env.q("recent.zone.test");
  env.svc.engine.log.flush();
  const purged = env.svc.engine.log.purge(env.deps.clock.now(), 2);
  expect(purged).toBe(1);
  await env.owner.login(ADMIN.email, ADMIN.password); // three days later the session has expired
  const names = (await env.ok<any>(env.owner.get("/api/dns/log"))).items.map((r: any) => r.name);
  expect(names).toEqual(["recent.zone.test"]);
});

test("état du service : adresse d'écoute, règles chargées, serveurs amont, compteurs", async () => {
  const s = await env.ok<any>(env.owner.get("/api/dns/status"));
  expect(s.running).toBe(true);
  expect(s.port).toBe(env.svc.port);
  expect(s.rulesLoaded).toBe(1);
  expect(s.upstreams[0]).toMatchObject({ name: "dnsmasq de test", state: "ok" });
  expect(s.counters.udp).toBeGreaterThanOrEqual(10);
});
