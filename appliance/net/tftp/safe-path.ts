/** Maps a TFTP file name to a real file inside the read-only root, refusing every way out of it. */
import { realpathSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { ERR } from "./tftp-packet";

/** A request the server refuses; `code` is the TFTP error code sent back. */
export class TftpRefusal extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Resolves `name` under `root`. Refused with error 2 (access violation): absolute paths, `..`,
 * hidden names (uploads in progress are dot-files), control characters, and symbolic links that
 * lead out of the root. Missing files give error 1.
 */
export function resolveInRoot(root: string, name: string): { path: string; size: number } {
  // Windows PXE clients send backslashes; treat them as separators so that `..\` is caught too.
  const normal = name.replace(/\\/g, "/");
  if (!normal || /[\x00-\x1f\x7f]/.test(normal)) throw new TftpRefusal(ERR.ACCESS, "nom de fichier invalide");
  if (normal.startsWith("/") || /^[a-zA-Z]:/.test(normal)) throw new TftpRefusal(ERR.ACCESS, "chemin absolu refuse");
  const parts = normal.split("/").filter((p) => p !== "");
  if (parts.some((p) => p.startsWith("."))) throw new TftpRefusal(ERR.ACCESS, "chemin hors du dossier netboot refuse");
  let realRoot: string;
  let real: string;
  try {
    realRoot = realpathSync(root);
  } catch {
    throw new TftpRefusal(ERR.NOT_FOUND, "dossier netboot absent");
  }
  try {
    real = realpathSync(join(realRoot, ...parts));
  } catch {
    throw new TftpRefusal(ERR.NOT_FOUND, "fichier introuvable");
  }
  if (!real.startsWith(realRoot + sep)) throw new TftpRefusal(ERR.ACCESS, "lien hors du dossier netboot refuse");
  const st = statSync(real);
  if (!st.isFile()) throw new TftpRefusal(ERR.ACCESS, "pas un fichier ordinaire");
  return { path: real, size: st.size };
}
