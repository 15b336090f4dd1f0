// Reservations: conflicts, opening hours, per-patron limits, free slots; every refusal changes nothing.
import { describe, expect, test } from "bun:test";
import { epnWorld } from "./testing";

// Default hours (Monday 09–12, 14–18 Paris); the clock starts Monday 2 March 10:00 Paris (09:00 UTC).
describe("réservations", () => {
  const refusals: [string, Record<string, unknown>, number, RegExp][] = [
    ["chevauchement d'une réservation existante", { startsAt: "2026-03-02T13:30:00Z", durationMinutes: 60 }, 409, /déjà réservé de 15:00 à 16:00/],
    ["pendant la pause de midi", { startsAt: "2026-03-02T11:15:00Z", durationMinutes: 30 }, 409, /fermé à cette heure-là/],
    ["au-delà de la fermeture", { startsAt: "2026-03-02T16:30:00Z", durationMinutes: 60 }, 409, /dépasse la fermeture \(18:00\)/],
    ["trop longue", { startsAt: "2026-03-02T13:00:00Z", durationMinutes: 180 }, 422, /au plus 120 minutes/],
    ["créneau passé", { startsAt: "2026-03-02T07:00:00Z", durationMinutes: 60 }, 422, /déjà passé/],
    ["date illisible", { startsAt: "lundi 15h" }, 422, /Date et heure invalides/],
  ];
  for (const [name, body, status, msg] of refusals)
    test(`refus : ${name}`, async () => {
      const w = await epnWorld();
      const p = await w.patron();
      const other = await w.patron({ firstName: "Autre" });
      const ws = w.kiosks[0]!.id;
      w.must(await w.owner.post("/api/epn/reservations", { workstationId: ws, patronId: other.id, startsAt: "2026-03-02T14:00:00Z", durationMinutes: 60 }), "first");
      const r = await w.owner.post("/api/epn/reservations", { workstationId: ws, patronId: p.id, ...body });
      expect(r.status).toBe(status);
      expect(r.body.error.message).toMatch(msg);
      const plan = (await w.owner.get("/api/epn/reservations?day=2026-03-02")).body;
      expect(plan.workstations.flatMap((x: any) => x.reservations)).toHaveLength(1);
    });

  test("limite de réservations à venir par usager, puis annulation qui libère une place", async () => {
    const w = await epnWorld();
    await w.settings({ maxReservationsPerPatron: 2 });
    const p = await w.patron();
    const [a, b] = w.kiosks;
    const r1 = w.must(await w.owner.post("/api/epn/reservations", { workstationId: a!.id, patronId: p.id, startsAt: "2026-03-02T13:00:00Z", durationMinutes: 60 }), "r1");
    w.must(await w.owner.post("/api/epn/reservations", { workstationId: a!.id, patronId: p.id, startsAt: "2026-03-02T15:00:00Z", durationMinutes: 60 }), "r2");
    const third = await w.owner.post("/api/epn/reservations", { workstationId: b!.id, patronId: p.id, startsAt: "2026-03-03T08:00:00Z", durationMinutes: 60 });
    expect(third.status).toBe(409);
    expect(third.body.error.message).toContain("maximum 2");
    expect((await w.owner.post(`/api/epn/reservations/${r1.id}/cancel`)).body.status).toBe("cancelled");
    expect((await w.owner.post(`/api/epn/reservations/${r1.id}/cancel`)).status).toBe(409);
    expect((await w.owner.post("/api/epn/reservations", { workstationId: b!.id, patronId: p.id, startsAt: "2026-03-03T08:00:00Z", durationMinutes: 60 })).status).toBe(200);
  });

  test("un même usager ne peut pas tenir deux postes au même moment", async () => {
    const w = await epnWorld();
    const p = await w.patron();
    const [a, b] = w.kiosks;
    w.must(await w.owner.post("/api/epn/reservations", { workstationId: a!.id, patronId: p.id, startsAt: "2026-03-02T13:00:00Z", durationMinutes: 60 }), "r1");
    const r = await w.owner.post("/api/epn/reservations", { workstationId: b!.id, patronId: p.id, startsAt: "2026-03-02T13:30:00Z", durationMinutes: 60 });
    expect(r.body.error.message).toContain("déjà une réservation sur ce créneau");
  });

  test("créneaux libres : ouverture moins réservations et moins le passé", async () => {
    const w = await epnWorld({ workstations: 1 });
    const p = await w.patron();
    w.must(await w.owner.post("/api/epn/reservations", { workstationId: w.kiosks[0]!.id, patronId: p.id, startsAt: "2026-03-02T14:00:00Z", durationMinutes: 60 }), "r");
    const free = (await w.owner.get("/api/epn/reservations/free?day=2026-03-02&minutes=30")).body[0].free;
    expect(free).toEqual([
      { startsAt: "2026-03-02T09:00:00.000Z", endsAt: "2026-03-02T11:00:00.000Z" },
      { startsAt: "2026-03-02T13:00:00.000Z", endsAt: "2026-03-02T14:00:00.000Z" },
      { startsAt: "2026-03-02T15:00:00.000Z", endsAt: "2026-03-02T17:00:00.000Z" },
    ]);
    expect((await w.owner.get("/api/epn/reservations/free?day=2026-03-08&minutes=30")).body[0].free).toEqual([]);
  });

  test("un poste occupé ne peut pas être réservé avant la fin de la session en cours", async () => {
    const w = await epnWorld();
    const p = await w.patron();
    const other = await w.patron({ firstName: "Autre" });
    await w.kiosks[0]!.open((await w.code({ patronId: other.id })).code);
    const r = await w.owner.post("/api/epn/reservations", { workstationId: w.kiosks[0]!.id, patronId: p.id, startsAt: "2026-03-02T09:30:00Z", durationMinutes: 30 });
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain("occupé jusqu'à 11:00");
  });
});
