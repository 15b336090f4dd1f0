/**
 * Subscribed lists on disk: download with a size cap and a timeout, reject what is not a blocklist (HTML,
 * binary, noise), keep the last good copy in <data>/dns/lists/<id>.txt (written atomically).
 */
import { mkdirSync, renameSync, writeFileSync, existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { compileList, type CompiledList } from "./matcher";

/** Larger downloads are refused: the biggest public lists (1M+ domains) stay well under this. */
export const MAX_LIST_BYTES = 40 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 60_000;

export function listsDir(dataDir: string) {
  return join(dataDir, "dns", "lists");
}

export function listFile(dataDir: string, id: string) {
  return join(listsDir(dataDir), `${id}.txt`);
}

/** The last good copy of a subscription, or "" when it was never downloaded. */
export function readListFile(dataDir: string, id: string): string {
  const f = listFile(dataDir, id);
  return existsSync(f) ? readFileSync(f, "utf8") : "";
}

export function writeListFile(dataDir: string, id: string, text: string) {
  mkdirSync(listsDir(dataDir), { recursive: true });
  const f = listFile(dataDir, id);
  const tmp = `${f}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  // rename() is atomic: a crash leaves either the old or the new list, never half of one.
  renameSync(tmp, f);
}

export function deleteListFile(dataDir: string, id: string) {
  rmSync(listFile(dataDir, id), { force: true });
}

export function sha256(text: string) {
  return new Bun.CryptoHasher("sha256").update(text).digest("hex");
}

/** A refused download: the message is French and stored on the list for the admin to read. */
export class ListRejected extends Error {}

/** Downloads a list URL, streaming, refusing anything over MAX_LIST_BYTES or slower than the timeout. */
export async function download(url: string, maxBytes = MAX_LIST_BYTES): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), headers: { "user-agent": "Guichet-DNS/1 (+listes de blocage)" } });
  } catch (e) {
    const msg = (e as Error).name === "TimeoutError" ? `délai de ${DOWNLOAD_TIMEOUT_MS / 1000} s dépassé` : (e as Error).message;
    throw new ListRejected(`Téléchargement impossible : ${msg}.`);
  }
  if (res.status !== 200) throw new ListRejected(`Le serveur a répondu ${res.status} ${res.statusText || ""}`.trim() + ".");
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > maxBytes) {
    await res.body?.cancel();
    throw new ListRejected(`Liste trop volumineuse : ${(declared / 1048576).toFixed(1)} Mo annoncés, ${maxBytes / 1048576} Mo au plus.`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel();
      throw new ListRejected(`Liste trop volumineuse : plus de ${maxBytes / 1048576} Mo reçus, téléchargement interrompu.`);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) (all.set(c, o), (o += c.length));
  if (all.indexOf(0) >= 0) throw new ListRejected("Le fichier reçu est binaire : ce n'est pas une liste de blocage.");
  return new TextDecoder().decode(all);
}

/**
 * Compiles a downloaded text and decides whether it is a usable list: HTML pages, empty lists and
 * mostly unreadable content are refused (the previous version stays in service).
 */
export async function validateAndCompile(id: string, mode: "block" | "allow", text: string): Promise<CompiledList> {
  const head = text.slice(0, 512).trimStart().toLowerCase();
  if (head.startsWith("<!doctype html") || head.startsWith("<html") || head.startsWith("<?xml")) throw new ListRejected("Le serveur a renvoyé une page web (HTML) au lieu d'une liste.");
  const list = await compileList(id, mode, sha256(text) + mode, text);
  const r = list.report;
  if (r.rules === 0) throw new ListRejected(`Aucune règle reconnue dans ${r.lines} ligne(s) : ce n'est pas une liste de blocage reconnue.`);
  if (r.invalid > r.rules && r.invalid > 50) throw new ListRejected(`Contenu illisible : ${r.invalid} ligne(s) invalides pour ${r.rules} règle(s) reconnue(s).`);
  return list;
}
