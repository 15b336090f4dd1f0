import { expect, test } from "bun:test";
import { base32Encode, hotp, totpAt, verifyTotp, base32Decode } from "./totp";

// RFC 6238 appendix B, SHA-1 rows (secret "12345678901234567890", 8 digits there; we use the 6 low digits).
const SECRET = base32Encode(Buffer.from("12345678901234567890"));
test.each([
  [59, "287082"],
  [1111111109, "081804"],
  [1111111111, "050471"],
  [1234567890, "005924"],
  [2000000000, "279037"],
])("RFC 6238 : t=%d → %s", (t, code) => {
  expect(totpAt(SECRET, new Date(t * 1000))).toBe(code);
});

test("RFC 4226 : HOTP compteur 0 et 9", () => {
  const k = Buffer.from("12345678901234567890");
  expect(hotp(k, 0)).toBe("755224");
  expect(hotp(k, 9)).toBe("520489");
});

test("tolère un pas d'horloge de décalage, pas deux ; refuse ce qui n'est pas 6 chiffres", () => {
  const now = new Date(1_700_000_000_000);
  const prev = totpAt(SECRET, new Date(now.getTime() - 30_000));
  const old = totpAt(SECRET, new Date(now.getTime() - 90_000));
  expect(verifyTotp(SECRET, prev, now)).toBe(true);
  expect(verifyTotp(SECRET, old, now)).toBe(false);
  expect(verifyTotp(SECRET, "12345", now)).toBe(false);
  expect(verifyTotp(SECRET, "abcdef", now)).toBe(false);
});

test("base32 aller-retour", () => {
  const b = crypto.getRandomValues(new Uint8Array(20));
  expect([...base32Decode(base32Encode(b))]).toEqual([...b]);
});
