/** Shared bits of the netboot services: where files live, MAC and text validation. */
import { join } from "node:path";
import type { Config } from "../../../core/config";
import { Invalid } from "../../../core/errors";

/** The TFTP/HTTP root: <data dir>/netboot. */
export function netbootRoot(config: Pick<Config, "dataDir">) {
  return join(config.dataDir, "netboot");
}

/** Folder of one image's files (relative path is the same over TFTP and HTTP). */
export function imageDir(config: Pick<Config, "dataDir">, imageId: string) {
  return join(netbootRoot(config), "images", imageId);
}

/** aa:bb:cc:dd:ee:ff from any usual spelling (colons, hyphens, dots, none); null when it is not a MAC. */
export function parseMac(raw: string): string | null {
  const hex = raw.trim().toLowerCase().replace(/[:\-.]/g, "");
  if (!/^[0-9a-f]{12}$/.test(hex)) return null;
  return hex.match(/../g)!.join(":");
}

/** Like parseMac but throws a French validation error naming the field. */
export function requireMac(raw: string, field = "mac"): string {
  const mac = parseMac(raw);
  if (!mac) throw new Invalid("Adresse MAC invalide.", { [field]: "Adresse MAC attendue, par ex. 52:54:00:12:34:56." });
  if (mac === "00:00:00:00:00:00" || mac === "ff:ff:ff:ff:ff:ff") throw new Invalid("Adresse MAC invalide.", { [field]: "Cette adresse MAC n'est pas celle d'un poste." });
  return mac;
}

/** Trimmed text with a length limit; throws Invalid naming the field. */
export function text(value: string | null | undefined, field: string, label: string, opts: { max: number; required?: boolean }): string {
  const v = (value ?? "").trim();
  if (opts.required && !v) throw new Invalid(`${label} : champ obligatoire.`, { [field]: "Champ obligatoire." });
  if (v.length > opts.max) throw new Invalid(`${label} : ${opts.max} caractères au plus.`, { [field]: `${opts.max} caractères au plus.` });
  return v;
}

/** A group name: what the EPN module will call a workstation group; "" means every workstation. */
export function groupName(value: string | null | undefined, field = "groupName") {
  const v = text(value, field, "Groupe de postes", { max: 60 });
  if (/[\x00-\x1f]/.test(v)) throw new Invalid("Groupe de postes : caractères de contrôle interdits.", { [field]: "Caractères invalides." });
  return v;
}
