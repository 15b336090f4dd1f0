/** Client-side checks that mirror the server's, so mistakes show before a round trip (the server still decides). */
import { t } from "./i18n";
import { isValidSiret } from "../../appliance/core/orgs/siret";

/** Same shape as the server's e-mail check. */
export function isEmail(s: string) {
  return s.length <= 254 && /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s.trim());
}

/** SIRET: 14 digits with a valid Luhn key — the very function the server uses. */
export function isSiret(raw: string) {
  return isValidSiret(raw);
}

/** Error text for a new password and its confirmation, or null when both are acceptable. */
export function passwordProblem(pw: string, confirm: string): { field: "password" | "confirm"; message: string } | null {
  if (pw.length < 10) return { field: "password", message: t("10 caractères minimum.") };
  if (pw.length > 256) return { field: "password", message: t("256 caractères maximum.") };
  if (/^(.)\1+$/.test(pw)) return { field: "password", message: t("Mot de passe trop simple.") };
  if (pw !== confirm) return { field: "confirm", message: t("Les deux mots de passe ne sont pas identiques.") };
  return null;
}
