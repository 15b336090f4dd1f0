/** Netboot API types and the chunked raw upload of kernels and initrds. */
import { ApiError, apiState } from "../../lib/api";
import { t } from "../../lib/i18n";

/** A boot image version (GET /api/netboot/images). */
export interface BootImage {
  id: string;
  name: string;
  version: string;
  cmdline: string;
  kernelSize: number | null;
  kernelSha256: string | null;
  initrdSize: number | null;
  initrdSha256: string | null;
  ready: boolean;
  createdAt: string;
}

/** A known workstation (GET /api/netboot/hosts). */
export interface Host {
  id: string;
  mac: string;
  name: string;
  groupName: string | null;
  imageId: string | null;
  menu: boolean;
  lastBootAt: string | null;
  lastArch: number | null;
}

/** An unknown PC seen booting (GET /api/netboot/candidates). */
export interface Candidate {
  id: string;
  mac: string;
  arch: number | null;
  uuid: string | null;
  vendorClass: string | null;
  ipxe: boolean;
  firstSeenAt: string;
  lastSeenAt: string;
  seenCount: number;
}

/** Default image of a workstation group ("" = every workstation). */
export interface GroupDefault {
  groupName: string;
  imageId: string;
}

/** Daemon state (GET /api/netboot/status). */
export interface NetbootStatus {
  root: string;
  tftp: { port: number; running: boolean; stats: { active: number; completed: number; failed: number; bytes: number } | null };
  pxe: { interface: string | null; running: boolean; address: string | null; httpBase: string | null };
  bootFiles: { arches: number[]; label: string; file: string; present: boolean; size: number | null }[];
}

/** The server refuses bodies over 64 MiB per request: files go in chunks, resumable from the last one. */
const CHUNK = 32 * 1024 * 1024;

/** Sends `file` as the image's kernel or initrd; `onProgress` gets the bytes sent so far. */
export async function uploadFile(imageId: string, kind: "kernel" | "initrd", file: File, onProgress: (sent: number) => void) {
  const total = file.size;
  if (total === 0) throw new ApiError(422, "invalid", t("Le fichier choisi est vide."));
  for (let offset = 0; offset < total; offset += CHUNK) {
    const headers: Record<string, string> = { "content-type": "application/octet-stream", accept: "application/json" };
    if (apiState.csrf) headers["x-csrf-token"] = apiState.csrf;
    if (apiState.org) headers["x-guichet-org"] = apiState.org;
    let res: Response;
    try {
      res = await fetch(`api/netboot/images/${imageId}/${kind}?offset=${offset}&total=${total}`, { method: "PUT", headers, body: file.slice(offset, offset + CHUNK), credentials: "same-origin" });
    } catch {
      throw new ApiError(0, "network", t("Le Guichet ne répond pas : vérifiez la connexion réseau puis réessayez."));
    }
    const body = await res.json().catch(() => null);
    if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? "http_" + res.status, body?.error?.message ?? t("Le serveur a répondu par une erreur {n}.", { n: res.status }), body?.error?.fields ?? {});
    onProgress(body.received);
  }
}

/** Firmware families by option 93 code, as the technician knows them. */
export function archLabel(code: number | null) {
  if (code === null) return "—";
  const labels: Record<number, string> = { 0: "BIOS", 6: "UEFI 32 bits", 7: "UEFI x64", 9: "UEFI x64", 10: "UEFI ARM 32", 11: "UEFI ARM 64", 15: "UEFI 32 bits (HTTP)", 16: "UEFI x64 (HTTP)", 18: "UEFI ARM 32 (HTTP)", 19: "UEFI ARM 64 (HTTP)" };
  return labels[code] ?? t("architecture {n}", { n: code });
}
