/** Field checks shared by setup and organisation edits. */
import { Invalid } from "../errors";
import { isValidSiret } from "./siret";

export { isValidSiret };

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
