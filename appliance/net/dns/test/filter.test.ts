/** Filtering seen from dig: real lists by URL, local lists, exceptions, wildcards, regex, groups, SafeSearch, hours, EPN. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startDnsEnv, type DnsTestEnv } from "./harness";
import { fixture, startListServer } from "./tools";

let env: DnsTestEnv;
let lists: ReturnType<typeof startListServer>;
const L: Record<string, string> = {};

beforeAll(async () => {
  env = await startDnsEnv();
  lists = startListServer({
    "/adaway.txt": fixture("adaway-hosts.txt"),
    "/sdns-rules.txt": fixture("adguard-sdns-rules.txt"),
    "/sdns-exceptions.txt": fixture("adguard-sdns-exceptions.txt"),
    "/flaky.txt": "||flaky-block.test^\n",
  });
  const add = async (key: string, body: object) => (L[key] = (await env.ok<any>(env.owner.post("/api/dns/lists", body))).id);
  await add("adaway", { name: "AdAway", kind: "url", url: lists.url("/adaway.txt") });
  await add("sdns", { name: "AdGuard DNS", kind: "url", url: lists.url("/sdns-rules.txt") });
  await add("exceptions", { name: "Exceptions AdGuard", kind: "url", mode: "allow", url: lists.url("/sdns-exceptions.txt") });
  await add("local", { name: "Blocages de la mairie", kind: "local", content: "||exponea.com^\n||exemple-autorise.fr^\n/^ad[0-9]+\\.exemple\\.fr$/\nmairie-été.fr\n" });
  await add("allow", { name: "Autorisations de la mairie", kind: "local", mode: "allow", content: "www.exemple-autorise.fr\n" });
  await add("strict", { name: "Kiosques : réseaux sociaux", kind: "local", content: "||reseau-social.test^\n||cloak.test^\n" });
  const groups = await env.ok<any[]>(env.owner.get("/api/dns/groups"));
  const def = groups.find((g) => g.isDefault);
  expect(def.listIds).toEqual(Object.values(L));
  await env.ok(env.owner.patch(`/api/dns/groups/${def.id}`, { listIds: [L.adaway, L.sdns, L.exceptions, L.local, L.allow] }));
  await env.ok(env.owner.post("/api/dns/groups", { name: "Kiosques", clients: ["127.0.0.2/32"], listIds: Object.values(L), safeSearch: true }));
  await env.ok(env.owner.post("/api/dns/groups", { name: "Personnel", clients: ["127.0.0.3"], listIds: [L.exceptions, L.local] }));
});
afterAll(async () => {
  await env.stop();
  lists.stop();
});

/** What the client sees, in one word: the first answer's data, "CNAME target → A", or the status. */
async function see(client: string, name: string, type = "A") {
  const r = await env.q(name, type, "-b", client);
  if (r.status !== "NOERROR") return r.status;
  if (r.answers[0]?.type === "CNAME") return `${r.answers[0].data} → ${r.answers[1]?.data ?? "?"}`;
  return r.answers.map((a) => a.data).join(",") || "NODATA";
}

const DEFAULT = "127.0.0.1";
const KIOSK = "127.0.0.2";
const STAFF = "127.0.0.3";

describe("verdicts par groupe (dig -b <client>)", () => {
  const cases: [string, string, string, string, string][] = [
    ["hosts (AdAway), groupe par défaut", DEFAULT, "analytics.163.com", "A", "0.0.0.0"],
    ["hosts, AAAA bloqué en ::", KIOSK, "analytics.163.com", "AAAA", "::"],
    ["le personnel n'a pas AdAway", STAFF, "analytics.163.com", "A", "192.0.2.99"],
    ["||d^ bloque les sous-domaines", DEFAULT, "x.dnscheck.adguard.com", "A", "0.0.0.0"],
    ["*.d^ bloque les sous-domaines…", DEFAULT, "crm.bpmonline.com", "A", "0.0.0.0"],
    ["… mais pas le domaine lui-même", DEFAULT, "bpmonline.com", "A", "192.0.2.99"],
    ["joker au milieu du nom", DEFAULT, "mobileanalytics.eu-west-1.amazonaws.com", "A", "0.0.0.0"],
    ["exception @@ d'une liste d'autorisation par URL", DEFAULT, "cdn.us1.exponea.com", "A", "192.0.2.99"],
    ["la règle locale ||exponea.com^ bloque le reste", DEFAULT, "api.exponea.com", "A", "0.0.0.0"],
    ["expression régulière locale", DEFAULT, "ad42.exemple.fr", "A", "0.0.0.0"],
    ["nom IDN écrit en Unicode dans la liste", DEFAULT, "xn--mairie-t-h1ab.fr", "A", "0.0.0.0"],
    ["liste locale d'autorisation", DEFAULT, "www.exemple-autorise.fr", "A", "192.0.2.99"],
    ["… qui n'autorise que ce nom", DEFAULT, "pub.exemple-autorise.fr", "A", "0.0.0.0"],
    ["liste réservée aux kiosques : rien pour le défaut", DEFAULT, "reseau-social.test", "A", "192.0.2.99"],
    ["liste réservée aux kiosques", KIOSK, "www.reseau-social.test", "A", "0.0.0.0"],
    ["un HTTPS (type 65) bloqué reçoit une réponse vide", KIOSK, "reseau-social.test", "TYPE65", "NODATA"],
    ["SafeSearch Google (kiosques)", KIOSK, "www.google.fr", "A", "forcesafesearch.google.com. → 216.239.38.120"],
    ["SafeSearch Bing", KIOSK, "www.bing.com", "A", "strict.bing.com. → 204.79.197.220"],
    ["SafeSearch YouTube", KIOSK, "www.youtube.com", "A", "restrict.youtube.com. → 216.239.38.120"],
    ["SafeSearch DuckDuckGo", KIOSK, "duckduckgo.com", "A", "safe.duckduckgo.com. → 52.142.124.215"],
    ["pas de SafeSearch pour le défaut", DEFAULT, "www.google.fr", "A", "192.0.2.99"],
    ["CNAME vers un traqueur bloqué (cloaking), kiosques", KIOSK, "cloaked.zone.test", "A", "0.0.0.0"],
    ["le même CNAME passe pour le défaut", DEFAULT, "cloaked.zone.test", "A", "tracker.cloak.test. → 192.0.2.77"],
  ];
  test.each(cases)("%s : %s %s %s → %s", async (_label, client, name, type, expected) => {
    expect(await see(client, name, type)).toBe(expected);
  });

  test("un nom bloqué n'est jamais demandé au serveur amont", () => {
    // Only the staff group (no AdAway) asked for it.
    expect(env.upstream.seen("analytics.163.com")).toBe(1);
    expect(env.upstream.seen("crm.bpmonline.com")).toBe(0);
    expect(env.upstream.seen("www.reseau-social.test")).toBe(0);
  });

  test("un nom en cache pour un groupe reste bloqué pour l'autre, en alternance (le verdict gardé par le cache suit le groupe)", async () => {
    for (let i = 0; i < 2; i++) {
      expect(await see(STAFF, "analytics.163.com")).toBe("192.0.2.99");
      expect(await see(DEFAULT, "analytics.163.com")).toBe("0.0.0.0");
      expect(await see(KIOSK, "analytics.163.com")).toBe("0.0.0.0");
    }
    expect(env.upstream.seen("analytics.163.com")).toBe(1);
  });

  test("mode NXDOMAIN : réponse NXDOMAIN avec SOA à durée courte", async () => {
    await env.ok(env.owner.patch("/api/dns/settings", { blockingMode: "nxdomain", blockedTtl: 30 }));
    const r = await env.q("analytics.163.com");
    expect(r.status).toBe("NXDOMAIN");
    expect(r.authority[0]!.type).toBe("SOA");
    expect(r.authority[0]!.ttl).toBe(30);
    await env.ok(env.owner.patch("/api/dns/settings", { blockingMode: "null_ip", blockedTtl: 10 }));
    expect((await env.q("analytics.163.com")).answers[0]).toMatchObject({ ttl: 10, data: "0.0.0.0" });
  });
});

describe("« Pourquoi ce nom est-il bloqué ? »", () => {
  test.each([
    ["crm.bpmonline.com", "", "blocked", "*.bpmonline.com", "AdGuard DNS"],
    ["cdn.us1.exponea.com", "", "allowed", "||exponea.com^", "Blocages de la mairie"],
    ["www.reseau-social.test", KIOSK, "blocked", "||reseau-social.test^", "Kiosques : réseaux sociaux"],
    ["www.reseau-social.test", DEFAULT, "forwarded", "", ""],
    ["www.google.fr", KIOSK, "rewritten", "", ""],
  ])("%s (client %s) → %s", async (name, client, verdict, rule, list) => {
    const r = await env.ok<any>(env.owner.get(`/api/dns/explain?name=${name}${client ? `&client=${client}` : ""}`));
    expect(r.verdict).toBe(verdict);
    if (rule) {
      const m = r.matches.find((x: any) => !x.allow);
      expect(m.rule).toBe(rule);
      expect(m.list).toBe(list);
      expect(m.lines[0].line).toBeGreaterThan(0);
      expect(r.summary).toContain(rule);
    }
  });
});

describe("horaires d'ouverture et sessions EPN", () => {
  test("kiosques fermés hors horaires (lundi 10 h, ouverts 14 h–18 h), puis ouverts à 14 h 30", async () => {
    const kiosk = (await env.ok<any[]>(env.owner.get("/api/dns/groups"))).find((g) => g.name === "Kiosques");
    await env.ok(env.owner.patch(`/api/dns/groups/${kiosk.id}`, { schedule: { "1": [["14:00", "18:00"]], "2": [["09:00", "12:00"]] } }));
    expect(await see(KIOSK, "www.zone.test")).toBe("0.0.0.0");
    expect(await see(KIOSK, "guichet.lan")).toBe("127.0.0.1");
    expect(await see(DEFAULT, "www.zone.test")).toBe("192.0.2.10");
    const why = await env.ok<any>(env.owner.get(`/api/dns/explain?name=www.zone.test&client=${KIOSK}`));
    expect(why.summary).toContain("hors de ses horaires");
    env.deps.clock.set("2026-03-02T13:30:00Z");
    expect(await see(KIOSK, "www.zone.test")).toBe("192.0.2.10");
    await env.ok(env.owner.patch(`/api/dns/groups/${kiosk.id}`, { schedule: null }));
  });

  test("une session de mineur sur un poste EPN reçoit la politique des mineurs, puis plus rien à la fin de la session", async () => {
    await env.ok(env.owner.post("/api/dns/groups", { name: "Mineurs (EPN)", epnSession: "minor", listIds: [L.strict], safeSearch: true, position: 1 }));
    const minor = "127.0.0.4";
    expect(await see(minor, "reseau-social.test")).toBe("192.0.2.99");
    // What the EPN module publishes when a session opens on a workstation (its room-view tile).
    const tile = (session: object | null) => ({ orgId: env.orgId, type: "epn.workstation", data: { id: "poste-7", name: "Poste 7", ip: minor, mac: "52:54:00:12:34:07", state: session ? "in_use" : "free", session } });
    env.deps.events.publish(tile({ id: "s1", minor: true, guest: false }));
    expect(await see(minor, "reseau-social.test")).toBe("0.0.0.0");
    expect(await see(minor, "www.google.fr")).toBe("forcesafesearch.google.com. → 216.239.38.120");
    env.deps.events.publish(tile({ id: "s2", minor: false, guest: false }));
    expect(await see(minor, "reseau-social.test")).toBe("192.0.2.99");
    env.deps.events.publish(tile({ id: "s3", minor: true, guest: false }));
    expect(await see(minor, "reseau-social.test")).toBe("0.0.0.0");
    env.deps.events.publish(tile(null));
    expect(await see(minor, "reseau-social.test")).toBe("192.0.2.99");
  });

  test("un poste désigné par son identifiant (poste:<id>) ou par l'adresse MAC que l'EPN connaît", async () => {
    await env.ok(env.owner.post("/api/dns/groups", { name: "Poste 9", clients: ["poste:poste-9"], listIds: [L.strict] }));
    env.svc.engine.setEpnClient("127.0.0.5", { workstationId: "poste-9", session: null });
    expect(await see("127.0.0.5", "reseau-social.test")).toBe("0.0.0.0");
    env.svc.engine.setEpnClient("127.0.0.5", null);
    await env.ok(env.owner.post("/api/dns/groups", { name: "Par MAC", clients: ["52-54-00-AB-CD-EF"], listIds: [L.strict] }));
    expect(await see("127.0.0.6", "reseau-social.test")).toBe("192.0.2.99");
    env.deps.events.publish({ orgId: env.orgId, type: "epn.workstation", data: { id: "poste-10", ip: "127.0.0.6", mac: "52:54:00:ab:cd:ef", session: null } });
    expect(await see("127.0.0.6", "reseau-social.test")).toBe("0.0.0.0");
    // The kiosk gets a new address (DHCP): the old one no longer carries its policy, the new one does.
    env.deps.events.publish({ orgId: env.orgId, type: "epn.workstation", data: { id: "poste-10", ip: "127.0.0.8", mac: "52:54:00:ab:cd:ef", session: null } });
    expect(env.svc.engine.epn.has("127.0.0.6")).toBe(false);
    expect(env.svc.engine.epn.get("127.0.0.8")?.workstationId).toBe("poste-10");
    env.deps.events.publish({ orgId: env.orgId, type: "epn.workstation.deleted", data: { id: "poste-10" } });
    expect(env.svc.engine.epn.has("127.0.0.8")).toBe(false);
    expect(await see("127.0.0.6", "reseau-social.test")).toBe("192.0.2.99");
  });
});

describe("mise à jour des abonnements", () => {
  let flaky: string;
  beforeAll(async () => {
    flaky = (await env.ok<any>(env.owner.post("/api/dns/lists", { name: "Liste instable", kind: "url", url: lists.url("/flaky.txt") }))).id;
    expect(await see(DEFAULT, "flaky-block.test")).toBe("0.0.0.0");
  });

  const noise = () => {
    const chunk = new TextEncoder().encode("bruit ".repeat(174762)); // ~1 Mo
    let sent = 0;
    return new Response(new ReadableStream({ pull: (c) => (sent++ < 50 ? c.enqueue(chunk) : c.close()) }));
  };
  test.each([
    ["50 Mo de bruit", noise, "trop volumineuse"],
    ["une page HTML", () => new Response("<!DOCTYPE html><html><body>Portail captif</body></html>"), "page web"],
    ["un fichier binaire", () => new Response(new Uint8Array([0x1f, 0x8b, 0, 0, 1, 2, 3])), "binaire"],
    ["du texte qui n'est pas une liste", () => new Response(Array.from({ length: 500 }, (_, i) => `ligne ${i} : ceci n'est pas une règle`).join("\n")), "Aucune règle reconnue"],
    ["surtout du bruit, avec trois domaines", () => new Response(["a.test", "b.test", "c.test", ...Array.from({ length: 500 }, (_, i) => `%%% bruit ${i} %%%`)].join("\n")), "illisible"],
    ["une erreur 404", () => new Response("non", { status: 404 }), "404"],
  ])("%s est refusé avec une raison claire et l'ancienne version reste en service", async (_label, body, reason) => {
    lists.files["/flaky.txt"] = body as () => Response;
    const r = await env.ok<any>(env.owner.post(`/api/dns/lists/${flaky}/refresh`));
    expect(r.ok).toBe(false);
    expect(r.error).toContain(reason);
    expect(r.list.lastError).toContain(reason);
    expect(r.list.ruleCount).toBe(1);
    expect(r.list.lastSuccessAt).not.toBeNull();
    expect(await see(DEFAULT, "flaky-block.test")).toBe("0.0.0.0");
  });

  test("une nouvelle version valide remplace l'ancienne", async () => {
    lists.files["/flaky.txt"] = "||autre-bloc.test^\n0.0.0.0 encore.test\n";
    const r = await env.ok<any>(env.owner.post(`/api/dns/lists/${flaky}/refresh`));
    expect(r.ok).toBe(true);
    expect(r.list.ruleCount).toBe(2);
    expect(r.list.lastError).toBeNull();
    expect(await see(DEFAULT, "flaky-block.test")).toBe("192.0.2.99");
    expect(await see(DEFAULT, "x.autre-bloc.test")).toBe("0.0.0.0");
  });

  test("chaque liste montre son nombre de règles, sa dernière mise à jour et ses lignes ignorées", async () => {
    const all = await env.ok<any[]>(env.owner.get("/api/dns/lists"));
    const sdns = all.find((l) => l.id === L.sdns);
    expect(sdns).toMatchObject({ ruleCount: 563, ignoredCount: 6, invalidCount: 0, lastError: null });
    expect(sdns.lastSuccessAt).toBeTruthy();
    expect(sdns.problems.map((p: any) => p.text)).toContain("||t.hulu.com/beacon/");
  });
});
