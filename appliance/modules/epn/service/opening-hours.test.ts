// Opening hours in the organisation's time zone: ranges, closures, midnight joins, daylight saving.
import { describe, expect, test } from "bun:test";
import { openingAt, openSeconds, validateHours, type WeekHours } from "./opening-hours";
import { zonedTime, localParts, isoWeek } from "./local-time";
import { Invalid } from "../../../core/errors";

const TZ = "Europe/Paris";
const H: WeekHours = { "1": [["09:00", "12:00"], ["14:00", "18:00"]], "2": [["00:00", "24:00"]], "3": [["00:00", "08:00"]] };

describe("heures d'ouverture", () => {
  const cases: { now: string; open: boolean; closesAt?: string; next?: string | null }[] = [
    { now: "2026-03-02T08:59:00Z", open: true, closesAt: "2026-03-02T11:00:00Z" }, // 09:59 Paris
    { now: "2026-03-02T11:00:00Z", open: false, next: "2026-03-02T13:00:00Z" }, // 12:00 sharp: closed
    { now: "2026-03-02T16:59:00Z", open: true, closesAt: "2026-03-02T17:00:00Z" },
    // Tuesday all day then Wednesday 00:00–08:00: one continuous opening until Wednesday 08:00.
    { now: "2026-03-03T20:00:00Z", open: true, closesAt: "2026-03-04T07:00:00Z" },
    { now: "2026-03-04T07:30:00Z", open: false, next: "2026-03-09T08:00:00Z" },
  ];
  for (const c of cases)
    test(`${c.now} → ${c.open ? "ouvert jusqu'à " + c.closesAt : "fermé"}`, () => {
      const o = openingAt(new Date(c.now), "r", H, [], TZ);
      expect(o.open).toBe(c.open);
      if (o.open) expect(o.closesAt.toISOString()).toBe(new Date(c.closesAt!).toISOString());
      else expect(o.nextOpening?.toISOString() ?? null).toBe(c.next ? new Date(c.next).toISOString() : null);
    });

  test("une fermeture d'une salle ne touche pas les autres ; une fermeture globale les touche toutes", () => {
    const now = new Date("2026-03-02T09:00:00Z");
    const mine = [{ roomId: "a", fromDay: "2026-03-02", toDay: "2026-03-02", label: "Travaux" }];
    expect(openingAt(now, "a", H, mine, TZ)).toMatchObject({ open: false, closure: "Travaux" });
    expect(openingAt(now, "b", H, mine, TZ).open).toBe(true);
    expect(openingAt(now, "b", H, [{ roomId: null, fromDay: "2026-03-01", toDay: "2026-03-05", label: "Vacances" }], TZ)).toMatchObject({ open: false, closure: "Vacances" });
  });

  test("passage à l'heure d'été : 09:00 locale est 08:00 UTC avant, 07:00 UTC après", () => {
    expect(zonedTime("2026-03-28", "09:00", TZ).toISOString()).toBe("2026-03-28T08:00:00.000Z");
    expect(zonedTime("2026-03-30", "09:00", TZ).toISOString()).toBe("2026-03-30T07:00:00.000Z");
    // The 02:30 that does not exist on 29 March resolves forward, never to a wrong day.
    expect(localParts(zonedTime("2026-03-29", "02:30", TZ), TZ).day).toBe("2026-03-29");
    expect(openSeconds("2026-03-29", "2026-03-29", "r", { "7": [["00:00", "24:00"]] }, [], TZ)).toBe(23 * 3600);
  });

  test("semaine ISO", () => {
    expect(isoWeek("2026-01-01")).toBe("2026-S01");
    expect(isoWeek("2027-01-01")).toBe("2026-S53");
  });

  const bad: [unknown, RegExp][] = [
    [{ "1": [["9:00", "12:00"]] }, /format HH:MM/],
    [{ "2": [["14:00", "12:00"]] }, /mardi.*la fin \(12:00\) doit suivre/],
    [{ "3": [["09:00", "12:00"], ["11:00", "13:00"]] }, /mercredi : deux plages se chevauchent/],
    [[], /invalides/],
  ];
  for (const [input, msg] of bad)
    test(`horaires refusés : ${JSON.stringify(input)}`, () => {
      expect(() => validateHours(input)).toThrow(Invalid);
      expect(() => validateHours(input)).toThrow(msg);
    });
});
