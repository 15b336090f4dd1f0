/** Workstations known by MAC (their group and image) and the default image of each workstation group. */
import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { changed, withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { netbootCandidates, netbootDefaults, netbootHosts } from "../schema";
import { getImage } from "./images";
import { groupName, requireMac, text } from "./common";

type HostRow = typeof netbootHosts.$inferSelect;

function view(r: HostRow) {
  return { ...r, menu: !!r.menu };
}

/** Workstations of the organisation, by name. */
export function listHosts(ctx: Ctx) {
  return ctx.db.select().from(netbootHosts).where(eq(netbootHosts.orgId, ctx.org)).orderBy(asc(netbootHosts.name)).all().map(view);
}

function getHost(ctx: Ctx, id: string) {
  const r = ctx.db.select().from(netbootHosts).where(and(eq(netbootHosts.id, id), eq(netbootHosts.orgId, ctx.org))).get();
  if (!r) throw new NotFound("Poste introuvable.");
  return r;
}

export interface HostInput {
  mac?: string;
  name?: string;
  groupName?: string | null;
  imageId?: string | null;
  menu?: boolean;
}

function checkMacFree(ctx: Ctx, mac: string, except?: string) {
  const other = ctx.db.select({ id: netbootHosts.id, orgId: netbootHosts.orgId, name: netbootHosts.name }).from(netbootHosts).where(eq(netbootHosts.mac, mac)).get();
  if (!other || other.id === except) return;
  // A MAC is one machine on one LAN: say it is taken without naming another organisation's workstation.
  throw new Conflict(other.orgId === ctx.org ? `Cette adresse MAC est déjà celle du poste « ${other.name} ».` : "Cette adresse MAC est déjà enregistrée par une autre organisation de l'appliance.");
}

function imageRef(ctx: Ctx, id: string | null | undefined) {
  if (!id) return null;
  try {
    return getImage(ctx, id).id;
  } catch {
    throw new Invalid("Image inconnue.", { imageId: "Choisissez une image de votre organisation." });
  }
}

/** Registers a workstation; a candidate with the same MAC leaves the enrolment list. */
export function createHost(ctx: Ctx, input: HostInput) {
  const mac = requireMac(input.mac ?? "");
  const name = text(input.name, "name", "Nom du poste", { max: 80, required: true });
  const group = groupName(input.groupName) || null;
  const imageId = imageRef(ctx, input.imageId);
  checkMacFree(ctx, mac);
  return withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const row: HostRow = { id: Bun.randomUUIDv7(), orgId: ctx.org, mac, name, groupName: group, imageId, menu: input.menu ? 1 : 0, lastBootAt: null, lastArch: null, createdAt: now, updatedAt: now };
    tx.insert(netbootHosts).values(row).run();
    tx.delete(netbootCandidates).where(and(eq(netbootCandidates.orgId, ctx.org), eq(netbootCandidates.mac, mac))).run();
    audit(tx, ctx, { action: "netboot.host.created", entity: "netboot_host", entityId: row.id, data: { mac, name, groupName: group, imageId, menu: !!input.menu } });
    return view(row);
  });
}

/** Changes a workstation's name, MAC, group, image or menu choice. */
export function updateHost(ctx: Ctx, id: string, input: HostInput) {
  const cur = getHost(ctx, id);
  const mac = input.mac === undefined ? cur.mac : requireMac(input.mac);
  const name = input.name === undefined ? cur.name : text(input.name, "name", "Nom du poste", { max: 80, required: true });
  const group = input.groupName === undefined ? cur.groupName : groupName(input.groupName) || null;
  const imageId = input.imageId === undefined ? cur.imageId : imageRef(ctx, input.imageId);
  const menu = input.menu === undefined ? cur.menu : input.menu ? 1 : 0;
  if (mac !== cur.mac) checkMacFree(ctx, mac, id);
  return withTransaction(ctx.db, (tx) => {
    tx.update(netbootHosts).set({ mac, name, groupName: group, imageId, menu, updatedAt: ctx.clock.now().toISOString() }).where(and(eq(netbootHosts.id, id), eq(netbootHosts.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "netboot.host.updated", entity: "netboot_host", entityId: id, data: { mac, name, groupName: group, imageId, menu: !!menu } });
    return view(getHost({ ...ctx, db: tx }, id));
  });
}

/** Forgets a workstation (it becomes a candidate again the next time it boots). */
export function deleteHost(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const r = tx.delete(netbootHosts).where(and(eq(netbootHosts.id, id), eq(netbootHosts.orgId, ctx.org))).run();
    if (!changed(r)) throw new NotFound("Poste introuvable.");
    audit(tx, ctx, { action: "netboot.host.deleted", entity: "netboot_host", entityId: id });
  });
}

/** Default image per workstation group ("" = every workstation). */
export function listDefaults(ctx: Ctx) {
  return ctx.db.select({ groupName: netbootDefaults.groupName, imageId: netbootDefaults.imageId, updatedAt: netbootDefaults.updatedAt }).from(netbootDefaults).where(eq(netbootDefaults.orgId, ctx.org)).orderBy(asc(netbootDefaults.groupName)).all();
}

/** Sets (or with imageId null, removes) the default image of a group. */
export function setDefault(ctx: Ctx, input: { groupName?: string | null; imageId: string | null }) {
  const group = groupName(input.groupName);
  const imageId = input.imageId ? imageRef(ctx, input.imageId) : null;
  return withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const where = and(eq(netbootDefaults.orgId, ctx.org), eq(netbootDefaults.groupName, group));
    if (!imageId) {
      tx.delete(netbootDefaults).where(where).run();
    } else {
      const cur = tx.select({ id: netbootDefaults.id }).from(netbootDefaults).where(where).get();
      if (cur) tx.update(netbootDefaults).set({ imageId, updatedAt: now }).where(eq(netbootDefaults.id, cur.id)).run();
      else tx.insert(netbootDefaults).values({ id: Bun.randomUUIDv7(), orgId: ctx.org, groupName: group, imageId, createdAt: now, updatedAt: now }).run();
    }
    audit(tx, ctx, { action: "netboot.default.set", entity: "netboot_default", entityId: group || "*", data: { groupName: group, imageId } });
    return { groupName: group, imageId };
  });
}
