/** SIRET check shared by the server and the UI (pure, no imports, so the UI bundle can use it). */

/** 14 digits passing the Luhn check (La Poste's establishments are the documented exception); spaces ignored. */
export function isValidSiret(raw: string) {
  const s = raw.replace(/\s/g, "");
  if (!/^\d{14}$/.test(s)) return false;
  if (s.startsWith("356000000")) return [...s].reduce((a, c) => a + Number(c), 0) % 5 === 0;
  let sum = 0;
  for (let i = 0; i < 14; i++) {
    let d = Number(s[13 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
