/** Unknown PCs that boot from the network: recorded as enrolment candidates for the technician. */
import { and, asc, desc, eq, notInArray } from "drizzle-orm";
import type { Ctx, Deps } from "../../../core/context";
import { changed, withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { NotFound } from "../../../core/errors";
import { organisations } from "../../../core/db/schema";
import { netbootCandidates, netbootHosts } from "../schema";
import { createHost } from "./hosts";

/** Bounded so that a flood of forged DISCOVERs cannot fill the disk: the oldest sightings go first. */
const MAX_CANDIDATES = 200;

/**
 * The organisation that owns the LAN: the one created at first-boot setup. Unknown PCs have no
 * organisation yet; they are shown to this one (other organisations hosted here never see them).
 */
export function lanOrg(db: Deps["db"]): string | null {
  return db.select({ id: organisations.id }).from(organisations).orderBy(asc(organisations.createdAt), asc(organisations.id)).limit(1).get()?.id ?? null;
}

/** What the proxy-DHCP or the script route learnt about a booting PC. */
export interface Sighting {
  mac: string;
  arch?: number | null;
  uuid?: string | null;
  vendorClass?: string | null;
  ipxe?: boolean;
}

/**
 * Notes a PXE client: a known workstation gets its architecture updated, an unknown one becomes (or
 * stays) a candidate. Not audited: this is traffic observed on the LAN, not somebody's action.
 */
export function recordSighting(deps: Deps, s: Sighting): { known: boolean; orgId: string | null } {
  const now = deps.clock.now().toISOString();
  const host = deps.db.select({ id: netbootHosts.id, orgId: netbootHosts.orgId }).from(netbootHosts).where(eq(netbootHosts.mac, s.mac)).get();
  if (host) {
    if (s.arch !== undefined && s.arch !== null) deps.db.update(netbootHosts).set({ lastArch: s.arch }).where(eq(netbootHosts.id, host.id)).run();
    return { known: true, orgId: host.orgId };
  }
  const orgId = lanOrg(deps.db);
  if (!orgId) return { known: false, orgId: null };
  withTransaction(deps.db, (tx) => {
    const where = and(eq(netbootCandidates.orgId, orgId), eq(netbootCandidates.mac, s.mac));
    const cur = tx.select().from(netbootCandidates).where(where).get();
    if (cur) {
      tx.update(netbootCandidates)
        .set({
          lastSeenAt: now,
          updatedAt: now,
          seenCount: cur.seenCount + 1,
          arch: s.arch ?? cur.arch,
          uuid: s.uuid ?? cur.uuid,
          vendorClass: s.vendorClass ?? cur.vendorClass,
          ipxe: s.ipxe ? 1 : cur.ipxe,
        })
        .where(eq(netbootCandidates.id, cur.id))
        .run();
      return;
    }
    tx.insert(netbootCandidates)
      .values({ id: Bun.randomUUIDv7(), orgId, mac: s.mac, arch: s.arch ?? null, uuid: s.uuid ?? null, vendorClass: s.vendorClass ?? null, ipxe: s.ipxe ? 1 : 0, firstSeenAt: now, lastSeenAt: now, seenCount: 1, createdAt: now, updatedAt: now })
      .run();
    const keep = tx.select({ id: netbootCandidates.id }).from(netbootCandidates).where(eq(netbootCandidates.orgId, orgId)).orderBy(desc(netbootCandidates.lastSeenAt), desc(netbootCandidates.id)).limit(MAX_CANDIDATES).all();
    if (keep.length === MAX_CANDIDATES) {
      tx.delete(netbootCandidates).where(and(eq(netbootCandidates.orgId, orgId), notInArray(netbootCandidates.id, keep.map((k) => k.id)))).run();
    }
  });
  return { known: false, orgId };
}

/** Candidates of the organisation, most recently seen first. */
export function listCandidates(ctx: Ctx) {
  return ctx.db
    .select()
    .from(netbootCandidates)
    .where(eq(netbootCandidates.orgId, ctx.org))
    .orderBy(desc(netbootCandidates.lastSeenAt))
    .all()
    .map((c) => ({ ...c, ipxe: !!c.ipxe }));
}

function getCandidate(ctx: Ctx, id: string) {
  const c = ctx.db.select().from(netbootCandidates).where(and(eq(netbootCandidates.id, id), eq(netbootCandidates.orgId, ctx.org))).get();
  if (!c) throw new NotFound("Poste candidat introuvable.");
  return c;
}

/** Turns a candidate into a known workstation. */
export function enrolCandidate(ctx: Ctx, id: string, input: { name: string; groupName?: string | null; imageId?: string | null; menu?: boolean }) {
  const c = getCandidate(ctx, id);
  const host = createHost(ctx, { ...input, mac: c.mac });
  if (c.arch !== null) ctx.db.update(netbootHosts).set({ lastArch: c.arch }).where(eq(netbootHosts.id, host.id)).run();
  return { ...host, lastArch: c.arch };
}

/** Removes a candidate from the list (it comes back if it boots again). */
export function dismissCandidate(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const r = tx.delete(netbootCandidates).where(and(eq(netbootCandidates.id, id), eq(netbootCandidates.orgId, ctx.org))).run();
    if (!changed(r)) throw new NotFound("Poste candidat introuvable.");
    audit(tx, ctx, { action: "netboot.candidate.dismissed", entity: "netboot_candidate", entityId: id });
  });
}

