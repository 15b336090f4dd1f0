// Statistics: sessions and hours per day/week/month and workstation, occupancy, patrons by profile, CSV.
import { describe, expect, test } from "bun:test";
import { epnWorld } from "./testing";

const MIN = 60_000;

describe("statistiques", () => {
  test("deux jours d'usage sur deux postes : totaux, par jour, par poste, taux d'occupation, CSV", async () => {
    const w = await epnWorld({ hours: { "1": [["09:00", "19:00"]], "2": [["09:00", "19:00"]] } }); // 10 h open per day
    const a = await w.patron({ firstName: "A", birthYear: 2012, commune: "Testville", category: "eleve_etudiant", sex: "F" });
    const b = await w.patron({ firstName: "B", birthYear: 1960, commune: "Villebois", category: "retraite", sex: "M" });
    const [k1, k2] = w.kiosks;
    const use = async (k: typeof k1, patronId: string | null, minutes: number) => {
      const c = await w.code(patronId ? { patronId, multiUse: true } : {});
      expect((await k!.open(c.code)).status).toBe(200);
      w.deps.clock.advance(minutes * MIN);
      expect((await k!.end()).status).toBe(200);
    };
    await use(k1, a.id, 60);
    await use(k2, b.id, 30);
    await use(k1, null, 30); // a guest
    w.deps.clock.set("2026-03-03T09:00:00Z");
    await w.owner.login("alice@mairie.test", "correct horse battery");
    await use(k2, a.id, 60);
    const s = (await w.owner.get("/api/epn/stats?from=2026-03-02&to=2026-03-03")).body;
    expect(s.totals).toEqual({ sessions: 4, hours: 3, distinctUsers: 3, guestSessions: 1, occupancy: 7.5 });
    expect(s.perDay).toEqual([
      { period: "2026-03-02", sessions: 3, hours: 2 },
      { period: "2026-03-03", sessions: 1, hours: 1 },
    ]);
    expect(s.perWeek).toEqual([{ period: "2026-S10", sessions: 4, hours: 3 }]);
    expect(s.perMonth).toEqual([{ period: "2026-03", sessions: 4, hours: 3 }]);
    // P01: 1.5 h of 20 h open = 7.5 %; P02: 1.5 h = 7.5 %.
    expect(s.perWorkstation.map((x: any) => [x.name, x.sessions, x.hours, x.occupancy])).toEqual([["P01", 2, 1.5, 7.5], ["P02", 2, 1.5, 7.5]]);
    expect(s.patrons.byAgeBand.filter((x: any) => x.count)).toEqual([{ label: "moins de 15 ans", count: 1 }, { label: "60-74 ans", count: 1 }]);
    expect(s.patrons.bySex.filter((x: any) => x.count)).toEqual([{ label: "Femme", count: 1 }, { label: "Homme", count: 1 }]);
    expect(s.patrons.byCategory.filter((x: any) => x.count).map((x: any) => x.label)).toEqual(["Retraité", "Élève, étudiant"]);
    expect(s.patrons.registrationsPerMonth).toEqual([{ period: "2026-03", count: 2 }]);

    const csv = await w.owner.get("/api/epn/stats.csv?from=2026-03-02&to=2026-03-03&kind=workstations");
    expect(csv.headers.get("content-disposition")).toContain("epn-statistiques-workstations-2026-03-02-2026-03-03.csv");
    expect(csv.body).toBe("poste;sessions;heures;taux d'occupation (%)\r\nP01;2;1,5;7,5\r\nP02;2;1,5;7,5\r\n");
    const days = (await w.owner.get("/api/epn/stats.csv?from=2026-03-02&to=2026-03-03&kind=days")).body;
    expect(days).toContain("2026-03-02;3;2\r\n");
    expect((await w.owner.get("/api/epn/stats.csv?kind=patrons")).body).toContain("tranche d'âge;moins de 15 ans;1");
  });

  const bad: [string, string][] = [
    ["from=2026-03-05&to=2026-03-01", "suit sa fin"],
    ["from=2025-01-01&to=2026-03-01", "un an maximum"],
    ["from=hier", "AAAA-MM-JJ"],
  ];
  for (const [q, msg] of bad)
    test(`période refusée : ${q}`, async () => {
      const w = await epnWorld();
      const r = await w.owner.get(`/api/epn/stats?${q}`);
      expect(r.status).toBe(422);
      expect(r.body.error.message).toContain(msg);
    });

  test("une session en cours n'est comptée qu'une fois terminée", async () => {
    const w = await epnWorld();
    await w.kiosks[0]!.open((await w.code()).code);
    expect((await w.owner.get("/api/epn/stats")).body.totals.sessions).toBe(0);
    w.deps.clock.advance(10 * MIN);
    await w.kiosks[0]!.end();
    expect((await w.owner.get("/api/epn/stats")).body.totals).toMatchObject({ sessions: 1, hours: 0.17 });
  });
});
