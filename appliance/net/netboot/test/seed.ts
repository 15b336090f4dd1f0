/** Prepares a data folder for the boot test through the real services: setup, one image uploaded, defaults. */
import { join } from "node:path";
import { dbFileOf, migrate, openDb } from "../../../core/db/client";
import { systemClock } from "../../../core/clock";
import { silentLogger } from "../../../core/log";
import { EventBus } from "../../../core/notify/bus";
import { DEV_DEFAULTS } from "../../../core/config";
import { systemCtx, type Ctx, type Deps } from "../../../core/context";
import { runSetup } from "../../../core/orgs/service";
import { createImage, uploadImageChunk } from "../service/images";
import { createHost, setDefault } from "../service/hosts";

function stream(bytes: Uint8Array) {
  return new Response(new Uint8Array(bytes)).body!;
}

/** Runs `fn` against the data folder's database, then closes it (Guichet opens it next). */
export async function withDataDir<T>(dataDir: string, fn: (deps: Deps) => Promise<T>): Promise<T> {
  const db = openDb(dbFileOf(dataDir));
  migrate(db, { backupDir: join(dataDir, "backups") });
  const deps: Deps = { db, clock: systemClock, log: silentLogger, config: { ...DEV_DEFAULTS, dataDir }, events: new EventBus(), version: "test", startedAt: new Date() };
  try {
    return await fn(deps);
  } finally {
    db.$client.close();
  }
}

type Files = { kernel: Uint8Array; initrd: Uint8Array; cmdline: string };

/** Declares an image and uploads its files in two chunks each (the resumable path). */
async function addImage(ctx: Ctx, name: string, files: Files) {
  const img = createImage(ctx, { name, version: "1", cmdline: files.cmdline });
  for (const kind of ["kernel", "initrd"] as const) {
    const data = files[kind];
    const half = Math.floor(data.length / 2);
    await uploadImageChunk(ctx, img.id, kind, { offset: 0, total: data.length }, stream(data.subarray(0, half)));
    const done = await uploadImageChunk(ctx, img.id, kind, { offset: half, total: data.length }, stream(data.subarray(half)));
    if (!done.complete) throw new Error(`envoi de ${kind} incomplet`);
  }
  return img.id;
}

/** First-boot setup plus a first image; helpers to add more images, defaults and workstations. */
export async function seedNetboot(deps: Deps, files: Files, name = "Kiosque de test") {
  const setup = await runSetup(deps, { organisation: { name: "Mairie de Bootville", siret: null }, admin: { name: "Tech", email: "tech@mairie.test", password: "correct horse battery" } }, { ip: null, userAgent: null });
  const ctx: Ctx = { ...systemCtx(deps, setup.orgId), actor: { userId: setup.userId, label: "Tech", role: "owner", moduleRoles: [], via: "session" } };
  const imageId = await addImage(ctx, name, files);
  return {
    ctx,
    orgId: setup.orgId,
    imageId,
    addImage: (n: string, f: Files) => addImage(ctx, n, f),
    setDefault: (g: string, id: string) => setDefault(ctx, { groupName: g, imageId: id }),
    addHost: (mac: string, hostName: string, groupName: string) => createHost(ctx, { mac, name: hostName, groupName }),
  };
}
