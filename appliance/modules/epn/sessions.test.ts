// Session time rules through the kiosk API, on a real database with a controllable clock.
import { describe, expect, test } from "bun:test";
import { ALWAYS, epnWorld } from "./testing";
import { runTick } from "./jobs";

const MIN = 60_000;
const at = (iso: string) => iso;

describe("ouverture d'une session : durée décidée par le serveur", () => {
  // Room hours: Monday 09:00–12:00 and 14:00–18:00 (Paris); settings: max 60 min, quota 120 min/day.
  const cases: { name: string; now: string; expect: { minutes?: number; limitedBy?: string; status?: number; code?: string; message?: RegExp } }[] = [
    { name: "en pleine matinée : la durée maximale", now: at("2026-03-02T09:00:00Z"), expect: { minutes: 60, limitedBy: "max" } },
    { name: "20 minutes avant la fermeture : 20 minutes", now: at("2026-03-02T16:40:00Z"), expect: { minutes: 20, limitedBy: "closing" } },
    { name: "20 minutes avant la pause de midi : 20 minutes", now: at("2026-03-02T10:40:00Z"), expect: { minutes: 20, limitedBy: "closing" } },
    { name: "3 minutes avant la fermeture : refusé (moins que le minimum)", now: at("2026-03-02T16:57:00Z"), expect: { status: 409, code: "closing_soon", message: /ferme à 18:00/ } },
    { name: "pendant la pause de midi : fermé, avec la prochaine ouverture", now: at("2026-03-02T12:00:00Z"), expect: { status: 409, code: "closed", message: /Prochaine ouverture : 14:00/ } },
    { name: "dimanche : fermé, réouverture lundi", now: at("2026-03-08T10:00:00Z"), expect: { status: 409, code: "closed", message: /lundi 09\/03 à 09:00/ } },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const w = await epnWorld({ hours: { "1": [["09:00", "12:00"], ["14:00", "18:00"]], "6": [["09:00", "12:00"]] } });
      const p = await w.patron();
      const code = await w.code({ patronId: p.id, validUntil: "2026-03-31" });
      w.deps.clock.set(c.now);
      const r = await w.kiosks[0]!.open(code.code);
      if (c.expect.status) {
        expect(r.status).toBe(c.expect.status);
        expect(r.body.error.code).toBe(c.expect.code);
        expect(r.body.error.message).toMatch(c.expect.message!);
        expect((await w.kiosks[0]!.state()).body.session).toBeNull();
      } else {
        expect(r.status).toBe(200);
        expect(r.body.secondsLeft).toBe(c.expect.minutes! * 60);
        expect(r.body.limitedBy).toBe(c.expect.limitedBy);
        expect(Date.parse(r.body.endsAt) - Date.parse(c.now)).toBe(c.expect.minutes! * MIN);
      }
    });
  }

  test("une fermeture exceptionnelle (jour férié) refuse la session avec son motif", async () => {
    const w = await epnWorld();
    const p = await w.patron();
    const code = await w.code({ patronId: p.id });
    w.must(await w.owner.post("/api/epn/closures", { fromDay: "2026-03-02", label: "Inventaire annuel" }), "closure");
    const r = await w.kiosks[0]!.open(code.code);
    expect(r.status).toBe(409);
    expect(r.body.error.message).toContain("Inventaire annuel");
  });

  test("le quota quotidien court sur deux sessions le même jour, et repart le lendemain", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    await w.settings({ dailyQuotaMinutes: 90, maxSessionMinutes: 60 });
    const p = await w.patron();
    const code = await w.code({ patronId: p.id, validUntil: "2026-03-10" });
    const [k1, k2] = w.kiosks;
    const first = await k1!.open(code.code);
    expect(first.body.secondsLeft).toBe(3600);
    w.deps.clock.advance(50 * MIN);
    expect((await k1!.end()).body.usedSeconds).toBe(50 * 60);
    // 90 − 50 = 40 minutes left today, on any workstation.
    const second = await k2!.open(code.code);
    expect(second.status).toBe(200);
    expect(second.body.secondsLeft).toBe(40 * 60);
    expect(second.body.limitedBy).toBe("quota");
    w.deps.clock.advance(40 * MIN);
    runTick(w.deps); // time is up: the job ends it
    const third = await k1!.open(code.code);
    expect(third.status).toBe(409);
    expect(third.body.error.code).toBe("quota_reached");
    expect(third.body.error.message).toContain("1 h 30 par jour");
    w.deps.clock.set("2026-03-03T08:00:00Z");
    expect((await k1!.open(code.code)).body.secondsLeft).toBe(3600);
  });

  test("un code invité est limité par son crédit, sur plusieurs sessions s'il est multi-usage", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const code = await w.code({ allowanceMinutes: 30, multiUse: true });
    const k = w.kiosks[0]!;
    expect((await k.open(code.code)).body).toMatchObject({ secondsLeft: 1800, limitedBy: "allowance", guest: true, firstName: null });
    w.deps.clock.advance(20 * MIN);
    await k.end();
    expect((await k.open(code.code)).body).toMatchObject({ secondsLeft: 600, limitedBy: "allowance" });
    w.deps.clock.advance(10 * MIN);
    await k.end();
    const again = await k.open(code.code);
    expect(again.status).toBe(422);
    expect(again.body.error.code).toBe("code_exhausted");
  });

  test("une réservation bloque un autre usager sur ce poste, pas son titulaire ; elle plafonne la session d'avant", async () => {
    const w = await epnWorld();
    const booked = await w.patron({ firstName: "Paul", lastName: "Réservé" });
    const walkIn = await w.patron({ firstName: "Marie", lastName: "Passante" });
    const [k1, k2] = w.kiosks;
    // Monday 10:00 Paris now; P01 booked for Paul 10:30–11:30.
    const res = w.must(await w.owner.post("/api/epn/reservations", { workstationId: k1!.id, patronId: booked.id, startsAt: "2026-03-02T09:30:00Z", endsAt: "2026-03-02T10:30:00Z" }), "reservation");
    const walkCode = await w.code({ patronId: walkIn.id });
    // Before the slot: the walk-in gets until 10:30 only.
    const before = await k1!.open(walkCode.code);
    expect(before.body).toMatchObject({ secondsLeft: 30 * 60, limitedBy: "reservation" });
    w.deps.clock.advance(30 * MIN);
    runTick(w.deps);
    // During the slot: refused on P01, fine on P02.
    const blocked = await k1!.open(walkCode.code);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe("reserved");
    expect(blocked.body.error.message).toContain("11:30");
    expect((await k2!.open(walkCode.code)).status).toBe(200);
    // The holder opens on P01: the reservation is honoured.
    const paul = await k1!.open((await w.code({ patronId: booked.id })).code);
    expect(paul.status).toBe(200);
    const plan = (await w.owner.get("/api/epn/reservations?day=2026-03-02")).body;
    expect(plan.workstations.find((x: any) => x.id === k1!.id).reservations[0]).toMatchObject({ id: res.id, status: "honoured" });
  });

  test("une réservation non honorée est libérée après le délai et ne bloque plus", async () => {
    const w = await epnWorld();
    await w.settings({ noShowMinutes: 15 });
    const booked = await w.patron({ firstName: "Paul" });
    const other = await w.patron({ firstName: "Marie" });
    const k = w.kiosks[0]!;
    w.must(await w.owner.post("/api/epn/reservations", { workstationId: k.id, patronId: booked.id, startsAt: "2026-03-02T09:10:00Z", durationMinutes: 60 }), "res");
    w.deps.clock.set("2026-03-02T09:20:00Z");
    const code = await w.code({ patronId: other.id });
    expect((await k.open(code.code)).body.error.code).toBe("reserved");
    await k.heartbeat();
    expect((await w.owner.get("/api/epn/workstations")).body[0].state).toBe("reserved");
    w.deps.clock.set("2026-03-02T09:26:00Z");
    expect(runTick(w.deps).released).toBe(1);
    expect((await k.open(code.code)).status).toBe(200);
  });

  test("inactivité signalée par le poste : la session se termine et le poste reçoit « logout »", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    await w.settings({ inactivityMinutes: 10 });
    const k = w.kiosks[0]!;
    const s = await k.open((await w.code()).code);
    w.deps.clock.advance(5 * MIN);
    expect((await k.heartbeat({ idleSeconds: 120 })).body.session.id).toBe(s.body.id);
    w.deps.clock.advance(10 * MIN);
    const hb = await k.heartbeat({ idleSeconds: 600 });
    expect(hb.body.ended).toEqual({ reason: "inactivity" });
    expect(hb.body.session).toBeNull();
    const cmds = (await k.commands()).body;
    expect(cmds.map((c: any) => [c.type, c.payload.reason])).toEqual([["logout", "inactivity"]]);
    const ev = (await w.owner.get(`/api/epn/sessions/${s.body.id}/events`)).body;
    expect(ev.map((e: any) => e.type)).toEqual(["opened", "ended"]);
    expect(ev[1].data).toMatchObject({ reason: "inactivity", usedSeconds: 15 * 60 });
  });

  test("une session terminée en retard (poste hors ligne) n'est comptée que jusqu'à sa fin prévue", async () => {
    const w = await epnWorld({ hours: ALWAYS });
    const k = w.kiosks[0]!;
    const s = await k.open((await w.code({ allowanceMinutes: 30 })).code);
    w.deps.clock.advance(45 * MIN);
    expect(runTick(w.deps).ended).toBe(1);
    const ev = (await w.owner.get(`/api/epn/sessions/${s.body.id}/events`)).body;
    expect(ev[1]).toMatchObject({ type: "ended", actorLabel: "Système", data: { reason: "time_up", usedSeconds: 1800 } });
  });
});
