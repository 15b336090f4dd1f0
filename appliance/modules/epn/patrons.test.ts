// Patrons and GDPR: consent at registration, export, erasure and purge that keep anonymous statistics, log retention.
import { describe, expect, test } from "bun:test";
import { ALWAYS, epnWorld } from "./testing";
import { runDaily } from "./jobs";
import { ADMIN } from "../../test/harness";
import { verifyChain } from "../../core/audit/service";

const MIN = 60_000;
const DAY = 86_400_000;

describe("inscription des usagers", () => {
  test("sans consentement RGPD : refus précis, rien d'enregistré", async () => {
    const w = await epnWorld();
    const r = await w.owner.post("/api/epn/patrons", { firstName: "Jean", lastName: "Sans", consent: false });
    expect(r.status).toBe(422);
    expect(r.body.error.fields.consent).toBeDefined();
    expect(r.body.error.message).toContain("notice RGPD");
    expect((await w.owner.get("/api/epn/patrons")).body.total).toBe(0);
  });

  const bad: [string, Record<string, unknown>, string][] = [
    ["nom vide", { lastName: "  " }, "lastName"],
    ["année de naissance future", { birthYear: 2031 }, "birthYear"],
    ["catégorie inconnue", { category: "astronaute" }, "category"],
    ["sexe inconnu", { sex: "Z" }, "sex"],
    ["e-mail invalide", { email: "pas-un-email" }, "email"],
  ];
  for (const [name, fields, field] of bad)
    test(`refus : ${name}`, async () => {
      const w = await epnWorld();
      const r = await w.owner.post("/api/epn/patrons", { firstName: "Jean", lastName: "Dupont", consent: true, ...fields });
      expect(r.status).toBe(422);
      expect(r.body.error.fields[field]).toBeTruthy();
      expect((await w.owner.get("/api/epn/patrons")).body.total).toBe(0);
    });

  test("le consentement est enregistré avec la version du texte, la date et l'agent ; une nouvelle version se voit", async () => {
    const w = await epnWorld();
    const p = await w.patron({ birthYear: 2010 });
    expect(p).toMatchObject({ consentVersion: 1, consentBy: ADMIN.name, consentAt: "2026-03-02T09:00:00.000Z", reglementVersion: 1, ageBand: "15-17 ans", consentCurrent: true });
    w.must(await w.owner.post("/api/epn/texts/rgpd", { body: "Nouvelle notice : vos données servent à gérer l'accès aux postes." }), "text");
    expect((await w.owner.get(`/api/epn/patrons/${p.id}`)).body.consentCurrent).toBe(false);
    w.deps.clock.advance(60_000);
    const again = w.must(await w.owner.post(`/api/epn/patrons/${p.id}/accept`, { kind: "rgpd" }), "accept");
    expect(again).toMatchObject({ consentVersion: 2, consentCurrent: true });
    const full = (await w.owner.get(`/api/epn/patrons/${p.id}`)).body;
    expect(full.consents[0]).toMatchObject({ kind: "rgpd", version: 2, staffLabel: ADMIN.name });
    expect(full.consents.map((c: any) => `${c.kind}:${c.version}`).sort()).toEqual(["reglement:1", "rgpd:1", "rgpd:2"]);
    expect((await w.owner.get("/api/epn/patrons?q=durand")).body.total).toBe(1);
    expect((await w.owner.get("/api/epn/patrons?q=testvil")).body.total).toBe(1);
    expect((await w.owner.get("/api/epn/patrons?q=personne")).body.total).toBe(0);
  });
});

describe("RGPD", () => {
  test("export JSON et CSV : fiche, consentements avec leur texte, sessions, journal des connexions", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const p = await w.patron({ email: "jeanne@exemple.fr" });
    const c = await w.code({ patronId: p.id });
    await w.kiosks[0]!.open(c.code);
    w.deps.clock.advance(30 * MIN);
    await w.kiosks[0]!.end();
    const json = await w.owner.get(`/api/epn/patrons/${p.id}/export?format=json`);
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toContain("attachment");
    expect(json.body.usager).toMatchObject({ firstName: "Jeanne", email: "jeanne@exemple.fr", categoryLabel: "Employé" });
    expect(json.body.consentements[0].texte).toContain("espace public numérique");
    expect(json.body.sessions).toHaveLength(1);
    expect(json.body.sessions[0].usedSeconds).toBe(1800);
    expect(json.body.journalDesConnexions[0].poste).toBe("P01");
    const csv = await w.owner.get(`/api/epn/patrons/${p.id}/export?format=csv`);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.body).toContain("usager;1;email;jeanne@exemple.fr");
    expect(csv.body).toContain("session;1;usedSeconds;1800");
    expect((await w.owner.get(`/api/epn/patrons/${p.id}/export?format=xml`)).status).toBe(422);
  });

  test("l'effacement retire les données personnelles, garde les statistiques ; le journal des connexions reste jusqu'à sa propre échéance", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const p = await w.patron({ birthYear: 1950, commune: "Villebois", sex: "F" });
    const c = await w.code({ patronId: p.id });
    await w.kiosks[0]!.open(c.code);
    w.deps.clock.advance(45 * MIN);
    await w.kiosks[0]!.end();
    const before = (await w.owner.get("/api/epn/stats?from=2026-03-02&to=2026-03-02")).body;
    const running = await w.kiosks[0]!.open((await w.code({ patronId: p.id })).code);
    expect((await w.owner.del(`/api/epn/patrons/${p.id}`)).status).toBe(409);
    await w.kiosks[0]!.end();
    const r = await w.owner.del(`/api/epn/patrons/${p.id}`);
    expect(r.body).toMatchObject({ erased: true, connectionLogKept: 2 });
    const row = w.deps.db.$client.query("SELECT first_name, last_name, birth_year, email, age_band, commune, sex, erased_how FROM epn_patrons WHERE id = ?").get(p.id);
    expect(row).toEqual({ first_name: null, last_name: null, birth_year: null, email: null, age_band: "75 ans et plus", commune: "Villebois", sex: "F", erased_how: "erasure" });
    expect(w.deps.db.$client.query("SELECT count(*) n FROM epn_sessions WHERE patron_id = ?").get(p.id)).toEqual({ n: 0 });
    expect(w.deps.db.$client.query("SELECT count(*) n FROM epn_consents WHERE patron_id = ?").get(p.id)).toEqual({ n: 0 });
    const after = (await w.owner.get("/api/epn/stats?from=2026-03-02&to=2026-03-02")).body;
    expect(after.totals.sessions).toBe(before.totals.sessions + 1);
    expect(after.totals.hours).toBeCloseTo(before.totals.hours, 1);
    expect(after.patrons.byAgeBand.find((b: any) => b.label === "75 ans et plus").count).toBe(1);
    expect(after.patrons.byCommune[0]).toEqual({ label: "Villebois", count: 1 });
    expect((await w.owner.get("/api/epn/patrons")).body.total).toBe(0);
    expect((await w.owner.get(`/api/epn/patrons/${p.id}/export`)).status).toBe(409);
    const log = (await w.owner.get("/api/epn/connection-log")).body;
    expect(log.items.map((l: any) => l.userLabel)).toEqual(["Jeanne Durand", "Jeanne Durand"]);
    // The old code no longer opens anything.
    expect((await w.kiosks[1]!.open(c.code)).body.error.code).toBe("code_revoked");
    expect(running.status).toBe(200);
    expect(verifyChain(w.deps.db, w.orgId).ok).toBe(true);
  });

  test("purge des inactifs : l'aperçu liste exactement ceux qui partiront, la purge les anonymise, les statistiques restent", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    await w.settings({ patronRetentionMonths: 12 });
    const old = await w.patron({ firstName: "Ancien" });
    await w.kiosks[0]!.open((await w.code({ patronId: old.id })).code);
    w.deps.clock.advance(20 * MIN);
    await w.kiosks[0]!.end();
    // 11 months later a second patron registers; 13 months after the first's visit, only the first is due.
    w.deps.clock.set("2027-02-01T09:00:00Z");
    await w.owner.login(ADMIN.email, ADMIN.password);
    const recent = await w.patron({ firstName: "Récent" });
    w.deps.clock.set("2027-04-01T09:00:00Z");
    await w.owner.login(ADMIN.email, ADMIN.password);
    const preview = (await w.owner.get("/api/epn/patrons/purge")).body;
    expect(preview.count).toBe(1);
    expect(preview.patrons[0]).toMatchObject({ id: old.id, name: "Ancien Durand" });
    const statsBefore = (await w.owner.get("/api/epn/stats?from=2026-03-01&to=2026-03-31")).body;
    const out = runDaily(w.deps);
    expect(out.patrons).toBe(1);
    expect((await w.owner.get(`/api/epn/patrons/${old.id}`)).body).toMatchObject({ erased: true, firstName: null, erasedHow: "purge" });
    expect((await w.owner.get(`/api/epn/patrons/${recent.id}`)).body.firstName).toBe("Récent");
    const statsAfter = (await w.owner.get("/api/epn/stats?from=2026-03-01&to=2026-03-31")).body;
    expect(statsAfter.totals).toEqual(statsBefore.totals);
    expect(statsAfter.patrons.registrationsPerMonth).toEqual(statsBefore.patrons.registrationsPerMonth);
    expect((await w.owner.get("/api/epn/patrons/purge")).body.count).toBe(0);
  });

  test("journal des connexions : conservé un an par défaut, purgé ensuite, séparément des usagers", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const p = await w.patron();
    await w.kiosks[0]!.open((await w.code({ patronId: p.id })).code);
    await w.kiosks[0]!.end();
    w.deps.clock.advance(364 * DAY);
    await w.owner.login(ADMIN.email, ADMIN.password);
    expect((await w.owner.get("/api/epn/connection-log/purge")).body).toMatchObject({ retentionDays: 365, count: 0 });
    expect(runDaily(w.deps).connectionLog).toBe(0);
    w.deps.clock.advance(2 * DAY);
    await w.owner.login(ADMIN.email, ADMIN.password);
    expect((await w.owner.get("/api/epn/connection-log/purge")).body.count).toBe(1);
    expect(runDaily(w.deps).connectionLog).toBe(1);
    expect((await w.owner.get("/api/epn/connection-log")).body.total).toBe(0);
    // The patron (active a year ago, retention 24 months) is untouched.
    expect((await w.owner.get(`/api/epn/patrons/${p.id}`)).body.firstName).toBe("Jeanne");
  });

  test("changer les durées de conservation est réservé aux administrateurs ; valeurs hors bornes refusées", async () => {
    const w = await epnWorld();
    const { addMember } = await import("../../test/harness");
    const anim = await addMember(w, w.owner, "anim@mairie.test", "member", ["epn_animateur"]);
    expect((await anim.patch("/api/epn/settings", { dailyQuotaMinutes: 90 })).status).toBe(200);
    const r = await anim.patch("/api/epn/settings", { connectionLogRetentionDays: 400 });
    expect(r.status).toBe(403);
    const bad = await w.owner.patch("/api/epn/settings", { connectionLogRetentionDays: 5 });
    expect(bad.status).toBe(422);
    expect(bad.body.error.message).toContain("entre 30 et 3650");
    expect((await w.owner.patch("/api/epn/settings", { timezone: "Mars/Olympus" })).status).toBe(422);
    expect((await w.owner.get("/api/epn/settings")).body.settings).toMatchObject({ dailyQuotaMinutes: 90, connectionLogRetentionDays: 365, timezone: "Europe/Paris" });
  });
});
