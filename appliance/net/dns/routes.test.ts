/** Admin API: validation with French messages, roles, the operator organisation and tenancy. */
import { describe, expect, test } from "bun:test";
import { setupApp, addMember, Client } from "../../test/harness";
import { setSetting } from "../../core/settings";
import { OPERATOR_KEY } from "./operator";

async function withLists() {
  const ctx = await setupApp();
  const list = await ctx.owner.post("/api/dns/lists", { name: "Locale", kind: "local", content: "||pub.test^\n" });
  expect(list.status).toBe(200);
  const group = await ctx.owner.post("/api/dns/groups", { name: "Kiosques", clients: ["192.168.10.0/24"], listIds: [list.body.id] });
  const record = await ctx.owner.post("/api/dns/records", { name: "nas.mairie.lan", type: "A", value: "192.168.1.5" });
  const up = await ctx.owner.post("/api/dns/upstreams", { name: "Quad9", kind: "doh", address: "https://9.9.9.9/dns-query" });
  return { ...ctx, ids: { list: list.body.id as string, group: group.body.id as string, record: record.body.id as string, upstream: up.body.id as string } };
}

describe("saisies invalides : message clair, rien n'est changé", () => {
  const cases: [string, string, string, object, string, string][] = [
    ["liste sans nom", "POST", "/api/dns/lists", { name: " ", kind: "local" }, "name", "nom est obligatoire"],
    ["liste d'un type inconnu", "POST", "/api/dns/lists", { name: "x", kind: "ftp" }, "kind", "abonnement par URL ou une liste locale"],
    ["abonnement ftp://", "POST", "/api/dns/lists", { name: "x", kind: "url", url: "ftp://exemple.fr/l.txt" }, "url", "http:// et https://"],
    ["règle locale illisible (numéro de ligne)", "POST", "/api/dns/lists", { name: "x", kind: "local", content: "||ok.test^\npas valide !!" }, "content", "ligne 2"],
    ["client de groupe inconnu", "POST", "/api/dns/groups", { name: "g", clients: ["pas-une-ip"] }, "clients", "pas-une-ip"],
    ["horaires absurdes", "POST", "/api/dns/groups", { name: "g", schedule: { "1": [["18:00", "09:00"]] } }, "schedule", "la fin après le début"],
    ["liste inexistante dans un groupe", "POST", "/api/dns/groups", { name: "g", listIds: ["0190aaaa-0000-7000-8000-000000000000"] }, "listIds", "Liste introuvable"],
    ["nom local invalide", "POST", "/api/dns/records", { name: "mauvais nom", type: "A", value: "1.2.3.4" }, "name", "Nom invalide"],
    ["IPv4 invalide", "POST", "/api/dns/records", { name: "a.lan", type: "A", value: "999.1.1.1" }, "value", "IPv4"],
    ["guichet.lan réservé", "POST", "/api/dns/records", { name: "guichet.lan", type: "A", value: "1.2.3.4" }, "name", "réservé"],
    ["confidentialité inconnue", "PATCH", "/api/dns/settings", { privacy: "partielle" }, "privacy", "confidentialité"],
    ["limite négative", "PATCH", "/api/dns/settings", { rateLimit: -1 }, "rateLimit", "0 (aucune)"],
    ["plancher au-dessus du plafond", "PATCH", "/api/dns/settings", { cacheMinTtl: 3000, cacheMaxTtl: 600 }, "cacheMinTtl", "inférieur au plafond"],
  ];
  test.each(cases)("%s", async (_l, method, path, body, field, msg) => {
    const { owner, deps } = await setupApp();
    await owner.get("/api/dns/groups"); // opening the DNS pages creates the default group
    const before = deps.db.$client.query("SELECT (SELECT count(*) FROM dns_lists) + (SELECT count(*) FROM dns_groups) + (SELECT count(*) FROM dns_records) AS n").get();
    const r = await owner.req(method, path, body);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe("invalid");
    expect(r.body.error.fields[field]).toContain(msg);
    const after = deps.db.$client.query("SELECT (SELECT count(*) FROM dns_lists) + (SELECT count(*) FROM dns_groups) + (SELECT count(*) FROM dns_records) AS n").get();
    expect(after).toEqual(before);
  });

  test("un alias (CNAME) ne se combine avec rien : 409", async () => {
    const { owner } = await setupApp();
    expect((await owner.post("/api/dns/records", { name: "www.mairie.lan", type: "A", value: "192.168.1.8" })).status).toBe(200);
    const r = await owner.post("/api/dns/records", { name: "www.mairie.lan", type: "CNAME", value: "autre.mairie.lan" });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain("alias");
  });

  test("le groupe par défaut ne se supprime pas et ne se restreint pas", async () => {
    const { owner } = await setupApp();
    const def = (await owner.get("/api/dns/groups")).body.find((g: any) => g.isDefault);
    expect((await owner.del(`/api/dns/groups/${def.id}`)).status).toBe(409);
    expect((await owner.patch(`/api/dns/groups/${def.id}`, { clients: ["10.0.0.1"] })).status).toBe(422);
  });
});

describe("rôles", () => {
  test("un membre simple n'a pas accès ; le technicien lit sans écrire ; l'administrateur écrit (et c'est audité)", async () => {
    const ctx = await withLists();
    const member = await addMember(ctx, ctx.owner, "membre@mairie.test", "member");
    const tech = await addMember(ctx, ctx.owner, "tech@prestataire.test", "member", ["itsm_technician"]);
    expect((await member.get("/api/dns/lists")).status).toBe(403);
    expect((await member.get("/api/dns/log")).status).toBe(403);
    expect((await tech.get("/api/dns/lists")).status).toBe(200);
    expect((await tech.get("/api/dns/log")).status).toBe(200);
    expect((await tech.get(`/api/dns/explain?name=pub.test`)).status).toBe(200);
    expect((await tech.post("/api/dns/lists", { name: "x", kind: "local", content: "" })).status).toBe(403);
    expect((await tech.patch("/api/dns/settings", { privacy: "off" })).status).toBe(403);
    expect((await new Client(ctx.app).get("/api/dns/lists")).status).toBe(401);
    const rows = ctx.deps.db.$client.query("SELECT action FROM audit_log WHERE entity LIKE 'dns_%' ORDER BY seq").all() as { action: string }[];
    expect(rows.map((r) => r.action)).toEqual(["dns.group.created", "dns.list.created", "dns.group.created", "dns.record.created", "dns.upstream.created"]);
  });
});

describe("organisations : une seule administre le filtre, aucune ne voit les lignes d'une autre", () => {
  const routes = (ids: Record<string, string>): [string, string, object?][] => [
    ["GET", "/api/dns/status"],
    ["GET", "/api/dns/settings"],
    ["PATCH", "/api/dns/settings", { privacy: "off" }],
    ["GET", "/api/dns/lists"],
    ["POST", "/api/dns/lists", { name: "x", kind: "local", content: "" }],
    ["GET", `/api/dns/lists/${ids.list}`],
    ["PATCH", `/api/dns/lists/${ids.list}`, { name: "volée" }],
    ["DELETE", `/api/dns/lists/${ids.list}`],
    ["POST", `/api/dns/lists/${ids.list}/refresh`],
    ["GET", "/api/dns/groups"],
    ["PATCH", `/api/dns/groups/${ids.group}`, { name: "volé" }],
    ["DELETE", `/api/dns/groups/${ids.group}`],
    ["GET", "/api/dns/records"],
    ["PATCH", `/api/dns/records/${ids.record}`, { value: "6.6.6.6" }],
    ["DELETE", `/api/dns/records/${ids.record}`],
    ["GET", "/api/dns/upstreams"],
    ["PATCH", `/api/dns/upstreams/${ids.upstream}`, { address: "https://6.6.6.6/dns-query" }],
    ["DELETE", `/api/dns/upstreams/${ids.upstream}`],
    ["GET", "/api/dns/log"],
    ["GET", "/api/dns/stats"],
    ["GET", "/api/dns/explain?name=pub.test"],
    ["POST", "/api/dns/cache/flush"],
  ];

  test("une autre organisation hébergée est refusée sur chaque route, même avec les identifiants de la première", async () => {
    const ctx = await withLists();
    const b = await ctx.owner.post("/api/orgs", { name: "CCAS de Testville" });
    const asB = new Client(ctx.app);
    Object.assign(asB, { cookie: ctx.owner.cookie, csrf: ctx.owner.csrf, org: b.body.id });
    for (const [method, path, body] of routes(ctx.ids)) {
      const r = await asB.req(method, path, body);
      expect([method, path, r.status, r.body.error?.code]).toEqual([method, path, 403, "dns_not_operator"]);
    }
    // Nothing of the first organisation changed.
    const lists = await ctx.owner.get(`/api/dns/lists/${ctx.ids.list}`);
    expect(lists.body.name).toBe("Locale");
    expect((await ctx.owner.get("/api/dns/records")).body[0].value).toBe("192.168.1.5");
  });

  test("si l'exploitation passe à l'autre organisation, elle ne voit ni ne modifie les lignes de la première (404)", async () => {
    const ctx = await withLists();
    const b = await ctx.owner.post("/api/orgs", { name: "CCAS de Testville" });
    setSetting(ctx.deps.db, ctx.deps.clock, "", OPERATOR_KEY, b.body.id);
    const asB = new Client(ctx.app);
    Object.assign(asB, { cookie: ctx.owner.cookie, csrf: ctx.owner.csrf, org: b.body.id });
    expect((await asB.get("/api/dns/lists")).body).toEqual([]);
    expect((await asB.get("/api/dns/records")).body).toEqual([]);
    expect((await asB.get("/api/dns/upstreams")).body).toEqual([]);
    expect((await asB.get("/api/dns/groups")).body.map((g: any) => g.name)).toEqual(["Par défaut"]);
    for (const [method, path, body] of routes(ctx.ids).filter(([, p]) => /[0-9a-f-]{36}/.test(p))) {
      const r = await asB.req(method, path, body);
      expect([method, path, r.status]).toEqual([method, path, 404]);
    }
    expect((await asB.post("/api/dns/groups", { name: "g", listIds: [ctx.ids.list] })).body.error.fields.listIds).toBe("Liste introuvable.");
    // And the first organisation is now the one refused.
    expect((await ctx.owner.get("/api/dns/lists")).status).toBe(403);
    const row = ctx.deps.db.$client.query("SELECT name FROM dns_lists WHERE id = ?").get(ctx.ids.list) as { name: string };
    expect(row.name).toBe("Locale");
  });
});

describe("listes", () => {
  test("une liste supprimée disparaît aussi des groupes", async () => {
    const ctx = await withLists();
    expect((await ctx.owner.del(`/api/dns/lists/${ctx.ids.list}`)).status).toBe(200);
    const groups = (await ctx.owner.get("/api/dns/groups")).body;
    expect(groups.every((g: any) => !g.listIds.includes(ctx.ids.list))).toBe(true);
  });

  test("une liste locale montre son nombre de règles et ses lignes sans effet en DNS", async () => {
    const { owner } = await setupApp();
    const r = await owner.post("/api/dns/lists", { name: "Locale", kind: "local", content: "# commentaire\n||a.test^\nb.test\r\n||c.test/chemin\n" });
    expect(r.body).toMatchObject({ ruleCount: 2, ignoredCount: 1, invalidCount: 0, content: "# commentaire\n||a.test^\nb.test\r\n||c.test/chemin\n" });
    expect(r.body.problems[0]).toMatchObject({ line: 4, reason: "règle d'adresse web (chemin) : sans effet en DNS" });
  });
});
