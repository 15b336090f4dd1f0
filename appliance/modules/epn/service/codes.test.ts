// Codes are easy to type (no 0/O/1/I), random, and tolerant of how patrons type them.
import { describe, expect, test } from "bun:test";
import { CODE_ALPHABET, formatCode, generateCode, normalizeCode } from "./codes";
import { sessionLength, extensionEnd, Refused } from "./session-rules";

describe("codes d'accès", () => {
  test("alphabet sans 0, O, 1, I ; 32 symboles ; 8 caractères", () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    for (const ch of "0O1I") expect(CODE_ALPHABET).not.toContain(ch);
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const c = generateCode();
      expect(c).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
      seen.add(c);
    }
    expect(seen.size).toBe(2000);
  });

  test("chaque symbole sort à peu près aussi souvent (tirage sans biais)", () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 4000; i++) for (const ch of generateCode()) counts.set(ch, (counts.get(ch) ?? 0) + 1);
    const expected = (4000 * 8) / 32;
    for (const ch of CODE_ALPHABET) expect(Math.abs(counts.get(ch)! - expected)).toBeLessThan(expected * 0.25);
  });

  const typed: [string, string | null][] = [
    ["abcd-2345", "ABCD2345"],
    [" AbCd 2345 ", "ABCD2345"],
    ["ABCD.2345", "ABCD2345"],
    ["ABCD-234", null],
    ["ABCD-2340", null],
    ["OBCD-2345", null],
    ["ABCD23456", null],
  ];
  for (const [input, out] of typed) test(`« ${input} » → ${out}`, () => expect(normalizeCode(input)).toBe(out));

  test("format imprimé", () => expect(formatCode("ABCD2345")).toBe("ABCD-2345"));
});

describe("règles de durée (fonctions pures)", () => {
  const base = { now: new Date("2026-03-02T09:00:00Z"), tz: "Europe/Paris", maxSessionMinutes: 60, minSessionMinutes: 5, dailyQuotaMinutes: 120, usedTodaySeconds: 0, allowanceLeftSeconds: null, nextReservationAt: null };
  const open = (min: number) => ({ open: true as const, closesAt: new Date(base.now.getTime() + min * 60_000) });
  const cases: [string, Partial<Parameters<typeof sessionLength>[0]>, number, string][] = [
    ["maximum", { opening: open(300) }, 3600, "max"],
    ["fermeture", { opening: open(20) }, 1200, "closing"],
    ["quota restant", { opening: open(300), usedTodaySeconds: 100 * 60 }, 1200, "quota"],
    ["crédit du code", { opening: open(300), allowanceLeftSeconds: 900 }, 900, "allowance"],
    ["réservation suivante", { opening: open(300), nextReservationAt: new Date(base.now.getTime() + 25 * 60_000) }, 1500, "reservation"],
    ["égalité fermeture / quota : la fermeture est annoncée", { opening: open(20), usedTodaySeconds: 100 * 60 }, 1200, "closing"],
  ];
  for (const [name, over, seconds, limitedBy] of cases)
    test(name, () => {
      const r = sessionLength({ ...base, opening: open(300), ...over } as Parameters<typeof sessionLength>[0]);
      expect([r.seconds, r.limitedBy] as unknown[]).toEqual([seconds, limitedBy]);
    });

  test("quota épuisé : refus en français", () => {
    expect(() => sessionLength({ ...base, opening: open(300), usedTodaySeconds: 118 * 60 })).toThrow(/temps du jour est écoulé \(2 h 00 par jour\)/);
  });

  test("prolongation plafonnée par la fermeture, refusée si rien à ajouter", () => {
    const endsAt = new Date(base.now.getTime() + 30 * 60_000);
    const closesAt = new Date(base.now.getTime() + 40 * 60_000);
    expect(extensionEnd({ now: base.now, tz: base.tz, endsAt, minutes: 15, closesAt, nextReservationAt: null })).toMatchObject({ endsAt: closesAt, cut: true, limitedBy: "closing" });
    expect(() => extensionEnd({ now: base.now, tz: base.tz, endsAt: closesAt, minutes: 15, closesAt, nextReservationAt: null })).toThrow(Refused);
  });
});
