/** Upstream resolvers: plain DNS or DNS-over-HTTPS, in failover order; their health comes from the engine. */
import { and, asc, eq, max } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Invalid, NotFound } from "../../../core/errors";
import { dnsUpstreams } from "../schema";
import { parseHostPort } from "../upstream";
import { engineFor } from "../engine";
import { applyChanges, dnsCtx } from "./common";

export interface UpstreamInput {
  name?: string;
  kind?: string;
  address?: string;
  method?: string;
  position?: number;
  enabled?: boolean;
}

type UpstreamRow = typeof dnsUpstreams.$inferSelect;

function view(ctx: Ctx, u: UpstreamRow) {
  const h = engineFor(ctx).upstreams.list().find((x) => x.id === u.id);
  return { id: u.id, name: u.name, kind: u.kind, address: u.address, method: u.method, position: u.position, enabled: u.enabled === 1, createdAt: u.createdAt, updatedAt: u.updatedAt, health: h ? { state: h.state, lastRttMs: h.lastRttMs, lastError: h.lastError, lastCheckAt: h.lastCheckAt, queries: h.queries, errors: h.errors } : null };
}

function findUpstream(ctx: Ctx, id: string): UpstreamRow {
  const u = ctx.db.select().from(dnsUpstreams).where(and(eq(dnsUpstreams.id, id), eq(dnsUpstreams.orgId, ctx.org))).get();
  if (!u) throw new NotFound("Serveur amont introuvable.");
  return u;
}

export function listUpstreams(ctx: Ctx) {
  dnsCtx(ctx);
  return ctx.db.select().from(dnsUpstreams).where(eq(dnsUpstreams.orgId, ctx.org)).orderBy(asc(dnsUpstreams.position), asc(dnsUpstreams.id)).all().map((u) => view(ctx, u));
}

function check(ctx: Ctx, u: { name: string; kind: string; address: string; method: string }) {
  const fields: Record<string, string> = {};
  if (!u.name.trim() || u.name.length > 100) fields.name = "Le nom est obligatoire (100 caractères au plus).";
  if (u.kind === "dns") {
    const hp = parseHostPort(u.address);
    if (!hp) fields.address = "Adresse IP attendue, avec le port si besoin (ex. 9.9.9.9 ou 192.168.1.1:53).";
    // Forwarding to ourselves would loop every query until it times out.
    else if (["127.0.0.1", "::1", "0.0.0.0"].includes(hp.host) && hp.port === ctx.config.dnsPort) fields.address = "Cette adresse est celle du Guichet lui-même : les requêtes tourneraient en boucle.";
  } else if (u.kind === "doh") {
    let url: URL | null = null;
    try {
      url = new URL(u.address);
    } catch {
      fields.address = "URL DoH invalide (ex. https://9.9.9.9/dns-query).";
    }
    // Plain http only towards this machine (a local DoH proxy); anything else must be encrypted.
    if (url && url.protocol !== "https:" && !(url.protocol === "http:" && ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname))) fields.address = "Une URL DoH doit commencer par https://.";
    if (!["POST", "GET"].includes(u.method)) fields.method = "Méthode POST ou GET.";
  } else fields.kind = "Type inconnu : DNS classique (dns) ou DNS sur HTTPS (doh).";
  if (Object.keys(fields).length) throw new Invalid("Serveur amont invalide : vérifiez les champs signalés.", fields);
  return { name: u.name.trim(), kind: u.kind, address: u.address.trim(), method: u.method };
}

export async function createUpstream(ctx: Ctx, input: UpstreamInput) {
  dnsCtx(ctx);
  const u = check(ctx, { name: input.name ?? "", kind: input.kind ?? "", address: input.address ?? "", method: input.method ?? "POST" });
  const id = Bun.randomUUIDv7();
  withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const last = tx.select({ p: max(dnsUpstreams.position) }).from(dnsUpstreams).where(eq(dnsUpstreams.orgId, ctx.org)).get()?.p ?? 0;
    tx.insert(dnsUpstreams).values({ id, orgId: ctx.org, ...u, position: input.position ?? last + 10, enabled: input.enabled === false ? 0 : 1, createdAt: now, updatedAt: now }).run();
    audit(tx, ctx, { action: "dns.upstream.created", entity: "dns_upstream", entityId: id, data: u });
  });
  await applyChanges(ctx);
  return view(ctx, findUpstream(ctx, id));
}

export async function updateUpstream(ctx: Ctx, id: string, input: UpstreamInput) {
  dnsCtx(ctx);
  const before = findUpstream(ctx, id);
  const u = check(ctx, { name: input.name ?? before.name, kind: input.kind ?? before.kind, address: input.address ?? before.address, method: input.method ?? before.method });
  if (input.position !== undefined && (!Number.isInteger(input.position) || input.position < 0)) throw new Invalid("Position invalide.", { position: "Position invalide." });
  withTransaction(ctx.db, (tx) => {
    tx.update(dnsUpstreams)
      .set({ ...u, position: input.position ?? before.position, enabled: input.enabled === undefined ? before.enabled : input.enabled ? 1 : 0, updatedAt: ctx.clock.now().toISOString() })
      .where(and(eq(dnsUpstreams.id, id), eq(dnsUpstreams.orgId, ctx.org)))
      .run();
    audit(tx, ctx, { action: "dns.upstream.updated", entity: "dns_upstream", entityId: id, data: { before: { name: before.name, kind: before.kind, address: before.address }, after: input as Record<string, unknown> } });
  });
  await applyChanges(ctx);
  return view(ctx, findUpstream(ctx, id));
}

export async function deleteUpstream(ctx: Ctx, id: string) {
  dnsCtx(ctx);
  const before = findUpstream(ctx, id);
  withTransaction(ctx.db, (tx) => {
    tx.delete(dnsUpstreams).where(and(eq(dnsUpstreams.id, id), eq(dnsUpstreams.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "dns.upstream.deleted", entity: "dns_upstream", entityId: id, data: { name: before.name, address: before.address } });
  });
  await applyChanges(ctx);
}

/** Probes every upstream now and returns their health (the "Tester" button). */
export async function testUpstreams(ctx: Ctx) {
  dnsCtx(ctx);
  const engine = engineFor(ctx);
  await engine.upstreams.probe();
  return listUpstreams(ctx);
}
