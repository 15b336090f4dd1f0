/** Kiosk boot images: versions with a kernel, an initrd and a command line, uploaded in resumable chunks. */
import { and, asc, eq } from "drizzle-orm";
import { mkdirSync, renameSync, rmSync, statSync } from "node:fs";
import { open } from "node:fs/promises";
import { join } from "node:path";
import type { Ctx } from "../../../core/context";
import { changed, withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { netbootDefaults, netbootHosts, netbootImages } from "../schema";
import { imageDir, text } from "./common";

export type ImageFile = "kernel" | "initrd";
export const IMAGE_FILES: ImageFile[] = ["kernel", "initrd"];
/** Bun's HTTP server refuses bodies over 128 MiB: larger files are sent in several chunks. */
export const MAX_CHUNK = 64 * 1024 * 1024;
const MAX_FILE = 4 * 1024 * 1024 * 1024;

type ImageRow = typeof netbootImages.$inferSelect;

/** An image as the API shows it. */
export function imageView(r: ImageRow) {
  return { ...r, ready: r.kernelSize !== null && r.initrdSize !== null };
}

/** Images of the organisation, by name then version. */
export function listImages(ctx: Ctx) {
  return ctx.db.select().from(netbootImages).where(eq(netbootImages.orgId, ctx.org)).orderBy(asc(netbootImages.name), asc(netbootImages.version)).all().map(imageView);
}

/** One image of the organisation, or NotFound. */
export function getImage(ctx: Ctx, id: string) {
  const r = ctx.db.select().from(netbootImages).where(and(eq(netbootImages.id, id), eq(netbootImages.orgId, ctx.org))).get();
  if (!r) throw new NotFound("Image de démarrage introuvable.");
  return r;
}

function cmdline(v: string | null | undefined) {
  const c = text(v, "cmdline", "Ligne de commande du noyau", { max: 1000 });
  if (/[\r\n\x00]/.test(c)) throw new Invalid("La ligne de commande du noyau tient sur une seule ligne.", { cmdline: "Pas de retour à la ligne." });
  return c;
}

function uniqueCheck(ctx: Ctx, name: string, version: string, except?: string) {
  const dup = ctx.db.select({ id: netbootImages.id }).from(netbootImages).where(and(eq(netbootImages.orgId, ctx.org), eq(netbootImages.name, name), eq(netbootImages.version, version))).get();
  if (dup && dup.id !== except) throw new Conflict(`L'image « ${name} » existe déjà en version ${version}.`);
}

/** Declares a new image version; its files are uploaded next. */
export function createImage(ctx: Ctx, input: { name: string; version: string; cmdline?: string | null }) {
  const name = text(input.name, "name", "Nom de l'image", { max: 80, required: true });
  const version = text(input.version, "version", "Version", { max: 40, required: true });
  const cmd = cmdline(input.cmdline);
  uniqueCheck(ctx, name, version);
  return withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const row: ImageRow = { id: Bun.randomUUIDv7(), orgId: ctx.org, name, version, cmdline: cmd, kernelSize: null, kernelSha256: null, initrdSize: null, initrdSha256: null, createdAt: now, updatedAt: now };
    tx.insert(netbootImages).values(row).run();
    audit(tx, ctx, { action: "netboot.image.created", entity: "netboot_image", entityId: row.id, data: { name, version, cmdline: cmd } });
    return imageView(row);
  });
}

/** Renames an image or changes its command line (the files stay). */
export function updateImage(ctx: Ctx, id: string, input: { name?: string; version?: string; cmdline?: string | null }) {
  const cur = getImage(ctx, id);
  const name = input.name === undefined ? cur.name : text(input.name, "name", "Nom de l'image", { max: 80, required: true });
  const version = input.version === undefined ? cur.version : text(input.version, "version", "Version", { max: 40, required: true });
  const cmd = input.cmdline === undefined ? cur.cmdline : cmdline(input.cmdline);
  uniqueCheck(ctx, name, version, id);
  return withTransaction(ctx.db, (tx) => {
    tx.update(netbootImages).set({ name, version, cmdline: cmd, updatedAt: ctx.clock.now().toISOString() }).where(and(eq(netbootImages.id, id), eq(netbootImages.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "netboot.image.updated", entity: "netboot_image", entityId: id, data: { name, version, cmdline: cmd } });
    return imageView(getImage({ ...ctx, db: tx }, id));
  });
}

/** Deletes an image no group or workstation uses, and its files. */
export function deleteImage(ctx: Ctx, id: string) {
  const img = getImage(ctx, id);
  withTransaction(ctx.db, (tx) => {
    const usedByDefault = tx.select({ g: netbootDefaults.groupName }).from(netbootDefaults).where(and(eq(netbootDefaults.orgId, ctx.org), eq(netbootDefaults.imageId, id))).get();
    if (usedByDefault) throw new Conflict(`Cette image est l'image par défaut ${usedByDefault.g ? `du groupe « ${usedByDefault.g} »` : "de tous les postes"} : choisissez-en une autre d'abord.`);
    const usedByHost = tx.select({ name: netbootHosts.name }).from(netbootHosts).where(and(eq(netbootHosts.orgId, ctx.org), eq(netbootHosts.imageId, id))).get();
    if (usedByHost) throw new Conflict(`Le poste « ${usedByHost.name} » démarre sur cette image : changez-le d'abord.`);
    const r = tx.delete(netbootImages).where(and(eq(netbootImages.id, id), eq(netbootImages.orgId, ctx.org))).run();
    if (!changed(r)) throw new NotFound("Image de démarrage introuvable.");
    audit(tx, ctx, { action: "netboot.image.deleted", entity: "netboot_image", entityId: id, data: { name: img.name, version: img.version } });
  });
  rmSync(imageDir(ctx.config, id), { recursive: true, force: true });
}

async function sha256File(path: string) {
  const h = new Bun.CryptoHasher("sha256");
  for await (const chunk of Bun.file(path).stream()) h.update(chunk);
  return h.digest("hex");
}

/**
 * Writes one chunk of an image file at `offset`. The file stays hidden (a dot-file, which TFTP and
 * HTTP refuse) until `total` bytes are there; then it is checked, put in place and recorded.
 */
export async function uploadImageChunk(ctx: Ctx, id: string, file: string, q: { offset: number; total: number }, body: ReadableStream<Uint8Array> | null) {
  if (!IMAGE_FILES.includes(file as ImageFile)) throw new NotFound("Fichier d'image inconnu : « kernel » ou « initrd ».");
  const kind = file as ImageFile;
  const img = getImage(ctx, id);
  // A version is immutable once its file is in place: kiosks must boot what the version says.
  if ((kind === "kernel" ? img.kernelSize : img.initrdSize) !== null) throw new Conflict(`Le fichier ${kind} de cette version est déjà en place : créez une nouvelle version pour le changer.`);
  if (!Number.isSafeInteger(q.total) || q.total < 1 || q.total > MAX_FILE) throw new Invalid("Taille totale invalide (1 octet à 4 Gio).", { total: "Taille en octets attendue." });
  if (!Number.isSafeInteger(q.offset) || q.offset < 0 || q.offset >= q.total) throw new Invalid("Position de reprise invalide.", { offset: "Position en octets attendue." });
  if (!body) throw new Invalid("Corps de requête vide : envoyez le contenu du fichier.");
  const dir = imageDir(ctx.config, id);
  mkdirSync(dir, { recursive: true });
  const partial = join(dir, `.${kind}.upload`);
  let have = 0;
  try {
    have = statSync(partial).size;
  } catch {
    have = 0;
  }
  if (q.offset !== 0 && q.offset !== have) throw new Conflict(`Reprise impossible à l'octet ${q.offset} : ${have} octets déjà reçus.`, "upload_offset");
  const fh = await open(partial, q.offset === 0 ? "w" : "r+");
  let pos = q.offset;
  try {
    for await (const chunk of body) {
      if (pos - q.offset + chunk.length > MAX_CHUNK || pos + chunk.length > q.total) throw new Invalid(`Morceau trop gros : ${MAX_CHUNK / 1048576} Mio par envoi au plus, sans dépasser la taille totale annoncée.`);
      await fh.write(chunk, 0, chunk.length, pos);
      pos += chunk.length;
    }
  } finally {
    await fh.close();
  }
  if (pos < q.total) return { received: pos, total: q.total, complete: false };
  const sha = await sha256File(partial);
  const final = join(dir, kind);
  return withTransaction(ctx.db, (tx) => {
    const set = kind === "kernel" ? { kernelSize: q.total, kernelSha256: sha } : { initrdSize: q.total, initrdSha256: sha };
    const r = tx.update(netbootImages).set({ ...set, updatedAt: ctx.clock.now().toISOString() }).where(and(eq(netbootImages.id, id), eq(netbootImages.orgId, ctx.org))).run();
    if (!changed(r)) throw new NotFound("Image de démarrage introuvable.");
    audit(tx, ctx, { action: "netboot.image.file_uploaded", entity: "netboot_image", entityId: id, data: { file: kind, size: q.total, sha256: sha } });
    // Renamed inside the transaction: if the rename fails, the row is not marked ready.
    renameSync(partial, final);
    return { received: pos, total: q.total, complete: true, sha256: sha };
  });
}

/** Images of an organisation that are fully uploaded. */
export function readyImages(db: Ctx["db"], orgId: string) {
  return db
    .select()
    .from(netbootImages)
    .where(eq(netbootImages.orgId, orgId))
    .orderBy(asc(netbootImages.name), asc(netbootImages.version))
    .all()
    .filter((r) => r.kernelSize !== null && r.initrdSize !== null);
}
