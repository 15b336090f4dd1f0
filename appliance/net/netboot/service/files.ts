/** Serves the netboot folder over HTTP (iPXE binaries, kernels, initrds) with byte ranges, under the TFTP rules. */
import { copyFileSync, existsSync, mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { AppError, Forbidden, NotFound } from "../../../core/errors";
import { resolveInRoot, TftpRefusal } from "../../tftp/safe-path";
import { ERR } from "../../tftp/tftp-packet";
import { ARCHES } from "../../pxe/pxe-policy";

/** Where Debian's `ipxe` package puts its binaries. */
export const IPXE_SYSTEM_DIR = "/usr/lib/ipxe";
const SHIPPED = ["undionly.kpxe", "ipxe.efi", "snponly.efi"];

/** Copies the iPXE binaries the system has into the netboot folder when they are missing there (never overwrites). */
export function ensureIpxeBinaries(root: string, from = IPXE_SYSTEM_DIR) {
  mkdirSync(root, { recursive: true });
  const copied: string[] = [];
  for (const f of SHIPPED) {
    const src = join(from, f);
    const dst = join(root, f);
    if (!existsSync(dst) && existsSync(src)) {
      copyFileSync(src, dst);
      copied.push(f);
    }
  }
  return copied;
}

/** Each firmware family, the file it gets and whether that file is in place. */
export function bootFileStatus(root: string) {
  const seen = new Set<string>();
  const out: { arches: number[]; label: string; file: string; present: boolean; size: number | null }[] = [];
  for (const [code, a] of Object.entries(ARCHES)) {
    if (seen.has(a.bootFile + a.http)) {
      out.find((o) => o.file === a.bootFile && o.label === a.label)?.arches.push(Number(code));
      continue;
    }
    seen.add(a.bootFile + a.http);
    let size: number | null = null;
    try {
      size = statSync(join(root, a.bootFile)).size;
    } catch {
      size = null;
    }
    out.push({ arches: [Number(code)], label: a.label, file: a.bootFile, present: size !== null, size });
  }
  return out;
}

/** Parses a single `bytes=` range against `size`; null means "send everything", "bad" means 416. */
export function parseRange(header: string | null, size: number): { start: number; end: number } | null | "bad" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  // Several ranges, or another unit: RFC 9110 lets us ignore the header and send the whole file.
  if (!m) return null;
  const [, a, b] = m;
  if (a === "" && b === "") return "bad";
  let start: number;
  let end: number;
  if (a === "") {
    const suffix = Number(b);
    if (suffix === 0) return "bad";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === "" ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return "bad";
  return { start, end };
}

/** A GET (or HEAD) of `rel` under the netboot root, honouring Range. */
export function serveRootFile(root: string, rel: string, request: Request): Response {
  let file: { path: string; size: number };
  try {
    file = resolveInRoot(root, decodeURIComponent(rel));
  } catch (e) {
    if (e instanceof TftpRefusal) throw e.code === ERR.ACCESS ? new Forbidden("Chemin refusé : hors du dossier de démarrage réseau.") : new NotFound("Fichier de démarrage introuvable.");
    if (e instanceof URIError) throw new NotFound("Fichier de démarrage introuvable.");
    throw e instanceof AppError ? e : new NotFound("Fichier de démarrage introuvable.");
  }
  const headers: Record<string, string> = { "content-type": "application/octet-stream", "accept-ranges": "bytes", "cache-control": "no-store" };
  const range = parseRange(request.headers.get("range"), file.size);
  if (range === "bad") return new Response(null, { status: 416, headers: { ...headers, "content-range": `bytes */${file.size}` } });
  // For HEAD the server drops the body itself and keeps the length headers.
  const body = range ? Bun.file(file.path).slice(range.start, range.end + 1) : Bun.file(file.path);
  if (!range) return new Response(body, { status: 200, headers: { ...headers, "content-length": String(file.size) } });
  return new Response(body, {
    status: 206,
    headers: { ...headers, "content-length": String(range.end - range.start + 1), "content-range": `bytes ${range.start}-${range.end}/${file.size}` },
  });
}
