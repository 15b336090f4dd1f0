/** Local names (A, AAAA, CNAME) answered by the appliance itself, e.g. imprimante.mairie.lan. */
import { and, asc, eq, ne } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { dnsRecords } from "../schema";
import { normalizeDomain } from "../blocklist-parse";
import { ipBytes } from "../policy";
import { applyChanges, dnsCtx } from "./common";

export interface RecordInput {
  name?: string;
  type?: string;
  value?: string;
  ttl?: number;
}

type RecordRow = typeof dnsRecords.$inferSelect;

const view = ({ orgId: _o, ...r }: RecordRow) => r;

function findRecord(ctx: Ctx, id: string): RecordRow {
  const r = ctx.db.select().from(dnsRecords).where(and(eq(dnsRecords.id, id), eq(dnsRecords.orgId, ctx.org))).get();
  if (!r) throw new NotFound("Enregistrement introuvable.");
  return r;
}

export function listRecords(ctx: Ctx) {
  dnsCtx(ctx);
  return ctx.db.select().from(dnsRecords).where(eq(dnsRecords.orgId, ctx.org)).orderBy(asc(dnsRecords.name), asc(dnsRecords.type)).all().map(view);
}

/** Validates a full record (merged with the stored one on update) and checks CNAME exclusivity. */
function check(ctx: Ctx, r: { name: string; type: string; value: string; ttl: number }, selfId: string | null) {
  const fields: Record<string, string> = {};
  const name = normalizeDomain(r.name);
  if (!name) fields.name = "Nom invalide (ex. imprimante.mairie.lan).";
  else if (name === "guichet.lan") fields.name = "« guichet.lan » est réservé : il désigne toujours l'appliance.";
  if (!["A", "AAAA", "CNAME"].includes(r.type)) fields.type = "Type inconnu : A, AAAA ou CNAME.";
  let value = r.value.trim();
  if (r.type === "A" && ipBytes(value)?.length !== 4) fields.value = "Adresse IPv4 attendue (ex. 192.168.1.20).";
  if (r.type === "AAAA" && ipBytes(value)?.length !== 16) fields.value = "Adresse IPv6 attendue.";
  if (r.type === "CNAME") {
    const target = normalizeDomain(value);
    if (!target) fields.value = "Nom cible invalide.";
    else if (target === name) fields.value = "Un alias ne peut pas pointer vers lui-même.";
    else value = target;
  }
  if (!Number.isInteger(r.ttl) || r.ttl < 0 || r.ttl > 86400) fields.ttl = "Durée de vie entre 0 et 86 400 secondes.";
  if (Object.keys(fields).length) throw new Invalid("Enregistrement invalide : vérifiez les champs signalés.", fields);
  const others = ctx.db
    .select()
    .from(dnsRecords)
    .where(and(eq(dnsRecords.orgId, ctx.org), eq(dnsRecords.name, name!), selfId ? ne(dnsRecords.id, selfId) : undefined))
    .all();
  // RFC 1034 §3.6.2: a name with a CNAME has no other data.
  if (others.length && (r.type === "CNAME" || others.some((o) => o.type === "CNAME"))) throw new Conflict(`« ${name} » a déjà ${r.type === "CNAME" ? "des enregistrements" : "un alias (CNAME)"} : un alias ne se combine avec rien d'autre.`);
  if (others.some((o) => o.type === r.type && o.value === value)) throw new Conflict("Cet enregistrement existe déjà.");
  return { name: name!, type: r.type, value, ttl: r.ttl };
}

export async function createRecord(ctx: Ctx, input: RecordInput) {
  dnsCtx(ctx);
  const r = check(ctx, { name: input.name ?? "", type: input.type ?? "", value: input.value ?? "", ttl: input.ttl ?? 300 }, null);
  const id = Bun.randomUUIDv7();
  withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    tx.insert(dnsRecords).values({ id, orgId: ctx.org, ...r, createdAt: now, updatedAt: now }).run();
    audit(tx, ctx, { action: "dns.record.created", entity: "dns_record", entityId: id, data: r });
  });
  await applyChanges(ctx);
  return view(findRecord(ctx, id));
}

export async function updateRecord(ctx: Ctx, id: string, input: RecordInput) {
  dnsCtx(ctx);
  const before = findRecord(ctx, id);
  const r = check(ctx, { name: input.name ?? before.name, type: input.type ?? before.type, value: input.value ?? before.value, ttl: input.ttl ?? before.ttl }, id);
  withTransaction(ctx.db, (tx) => {
    tx.update(dnsRecords).set({ ...r, updatedAt: ctx.clock.now().toISOString() }).where(and(eq(dnsRecords.id, id), eq(dnsRecords.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "dns.record.updated", entity: "dns_record", entityId: id, data: { before: view(before), after: r } });
  });
  await applyChanges(ctx);
  return view(findRecord(ctx, id));
}

export async function deleteRecord(ctx: Ctx, id: string) {
  dnsCtx(ctx);
  const before = findRecord(ctx, id);
  withTransaction(ctx.db, (tx) => {
    tx.delete(dnsRecords).where(and(eq(dnsRecords.id, id), eq(dnsRecords.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "dns.record.deleted", entity: "dns_record", entityId: id, data: view(before) });
  });
  await applyChanges(ctx);
}
