/** Field checks shared by setup and organisation edits. */
import { Invalid } from "../errors";

/** SIRET: 14 digits passing the Luhn check (La Poste's establishments are the documented exception). */
export function isValidSiret(s: string) {
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

export interface OrgFields {
  name?: string;
  siret?: string | null;
  address?: string | null;
}

/** Trims and checks organisation fields; throws Invalid naming each bad field in French. */
export function cleanOrgFields(input: OrgFields, requireName: boolean) {
  const fields: Record<string, string> = {};
  const out: OrgFields = {};
  if (input.name !== undefined || requireName) {
    const name = (input.name ?? "").trim();
    if (!name) fields.name = "Le nom est obligatoire.";
    else if (name.length > 200) fields.name = "200 caractères maximum.";
    out.name = name;
  }
  if (input.siret !== undefined) {
    const siret = (input.siret ?? "").replace(/\s/g, "");
    if (siret && !isValidSiret(siret)) fields.siret = "SIRET invalide : 14 chiffres attendus (clé de contrôle incorrecte ?).";
    out.siret = siret || null;
  }
  if (input.address !== undefined) {
    const a = (input.address ?? "").trim();
    if (a.length > 500) fields.address = "500 caractères maximum.";
    out.address = a || null;
  }
  if (Object.keys(fields).length) throw new Invalid("Certains champs sont invalides.", fields);
  return out;
}
