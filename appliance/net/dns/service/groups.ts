/** Client groups: who they claim (IP, CIDR, MAC, EPN workstation or session) and the policy they get. */
import { and, asc, eq, inArray, max } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { dnsGroups, dnsLists } from "../schema";
import { ipBytes, MAC_RE, normalizeMac, parseCidr, type Schedule } from "../policy";
import { applyChanges, dnsCtx, jsonList } from "./common";

export interface GroupInput {
  name?: string;
  clients?: string[];
  epnSession?: "any" | "minor" | "adult" | null;
  listIds?: string[];
  safeSearch?: boolean;
  schedule?: Schedule | null;
  position?: number;
}

type GroupRow = typeof dnsGroups.$inferSelect;

function view(g: GroupRow) {
  return {
    id: g.id,
    name: g.name,
    position: g.position,
    isDefault: g.isDefault === 1,
    clients: jsonList(g.clients),
    epnSession: g.epnSession,
    listIds: jsonList(g.listIds),
    safeSearch: g.safeSearch === 1,
    schedule: g.schedule ? (JSON.parse(g.schedule) as Schedule) : null,
    createdAt: g.createdAt,
    updatedAt: g.updatedAt,
  };
}

function findGroup(ctx: Ctx, id: string): GroupRow {
  const g = ctx.db.select().from(dnsGroups).where(and(eq(dnsGroups.id, id), eq(dnsGroups.orgId, ctx.org))).get();
  if (!g) throw new NotFound("Groupe introuvable.");
  return g;
}

/** Groups in evaluation order (the default group last). */
export function listGroups(ctx: Ctx) {
  dnsCtx(ctx);
  return ctx.db.select().from(dnsGroups).where(eq(dnsGroups.orgId, ctx.org)).orderBy(asc(dnsGroups.isDefault), asc(dnsGroups.position), asc(dnsGroups.id)).all().map(view);
}

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

/** Checks and normalizes the input; list ids must be lists of this organisation. */
function clean(ctx: Ctx, input: GroupInput, fields: Record<string, string>) {
  const out: Partial<typeof dnsGroups.$inferInsert> = {};
  if (input.name !== undefined) {
    if (!input.name.trim() || input.name.length > 100) fields.name = "Le nom est obligatoire (100 caractères au plus).";
    else out.name = input.name.trim();
  }
  if (input.clients !== undefined) {
    const bad: string[] = [];
    const sel: string[] = [];
    for (const raw of input.clients) {
      const s = raw.trim();
      if (!s) continue;
      if (s.startsWith("poste:") && s.length > 6 && s.length <= 70) sel.push(s);
      else if (MAC_RE.test(s)) sel.push(normalizeMac(s));
      else if (s.includes("/") ? parseCidr(s) : ipBytes(s)) sel.push(s);
      else bad.push(s);
    }
    if (bad.length) fields.clients = `Client non reconnu : ${bad.slice(0, 3).join(", ")} (adresse IP, plage CIDR, adresse MAC ou poste:<identifiant>).`;
    else out.clients = JSON.stringify([...new Set(sel)]);
  }
  if (input.epnSession !== undefined) {
    if (input.epnSession !== null && !["any", "minor", "adult"].includes(input.epnSession)) fields.epnSession = "Type de session inconnu.";
    else out.epnSession = input.epnSession;
  }
  if (input.listIds !== undefined) {
    const ids = [...new Set(input.listIds)];
    const found = ids.length ? ctx.db.select({ id: dnsLists.id }).from(dnsLists).where(and(eq(dnsLists.orgId, ctx.org), inArray(dnsLists.id, ids))).all() : [];
    // A list of another organisation is reported exactly like a list that does not exist.
    if (found.length !== ids.length) fields.listIds = "Liste introuvable.";
    else out.listIds = JSON.stringify(ids);
  }
  if (input.safeSearch !== undefined) out.safeSearch = input.safeSearch ? 1 : 0;
  if (input.schedule !== undefined) {
    if (input.schedule === null) out.schedule = null;
    else {
      const ok = Object.entries(input.schedule).every(([day, wins]) => /^[1-7]$/.test(day) && Array.isArray(wins) && wins.length <= 6 && wins.every((w) => Array.isArray(w) && w.length === 2 && HHMM.test(w[0]) && HHMM.test(w[1]) && w[0] < w[1]));
      if (!ok) fields.schedule = "Horaires invalides : pour chaque jour (1 = lundi … 7 = dimanche), des plages « HH:MM » de début et de fin, la fin après le début.";
      else out.schedule = JSON.stringify(input.schedule);
    }
  }
  if (input.position !== undefined) {
    if (!Number.isInteger(input.position) || input.position < 0 || input.position > 100_000) fields.position = "Position invalide.";
    else out.position = input.position;
  }
  return out;
}

export async function createGroup(ctx: Ctx, input: GroupInput) {
  dnsCtx(ctx);
  const fields: Record<string, string> = {};
  if (input.name === undefined) fields.name = "Le nom est obligatoire.";
  const values = clean(ctx, input, fields);
  if (Object.keys(fields).length) throw new Invalid("Le groupe n'a pas été créé : vérifiez les champs signalés.", fields);
  const id = Bun.randomUUIDv7();
  withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const last = tx.select({ p: max(dnsGroups.position) }).from(dnsGroups).where(and(eq(dnsGroups.orgId, ctx.org), eq(dnsGroups.isDefault, 0))).get()?.p ?? 0;
    tx.insert(dnsGroups).values({ id, orgId: ctx.org, name: values.name!, position: values.position ?? last + 10, isDefault: 0, clients: values.clients ?? "[]", epnSession: values.epnSession ?? null, listIds: values.listIds ?? "[]", safeSearch: values.safeSearch ?? 0, schedule: values.schedule ?? null, createdAt: now, updatedAt: now }).run();
    audit(tx, ctx, { action: "dns.group.created", entity: "dns_group", entityId: id, data: input as Record<string, unknown> });
  });
  await applyChanges(ctx);
  return view(findGroup(ctx, id));
}

export async function updateGroup(ctx: Ctx, id: string, input: GroupInput) {
  dnsCtx(ctx);
  const before = findGroup(ctx, id);
  const fields: Record<string, string> = {};
  const values = clean(ctx, input, fields);
  if (before.isDefault && (input.clients?.length || input.epnSession)) fields.clients = "Le groupe par défaut s'applique à tous les clients non classés : il ne se restreint pas.";
  if (Object.keys(fields).length) throw new Invalid("Le groupe n'a pas été modifié : vérifiez les champs signalés.", fields);
  withTransaction(ctx.db, (tx) => {
    tx.update(dnsGroups).set({ ...values, updatedAt: ctx.clock.now().toISOString() }).where(and(eq(dnsGroups.id, id), eq(dnsGroups.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "dns.group.updated", entity: "dns_group", entityId: id, data: { before: view(before), after: input as Record<string, unknown> } });
  });
  await applyChanges(ctx);
  return view(findGroup(ctx, id));
}

export async function deleteGroup(ctx: Ctx, id: string) {
  dnsCtx(ctx);
  const before = findGroup(ctx, id);
  if (before.isDefault) throw new Conflict("Le groupe par défaut ne peut pas être supprimé.");
  withTransaction(ctx.db, (tx) => {
    tx.delete(dnsGroups).where(and(eq(dnsGroups.id, id), eq(dnsGroups.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "dns.group.deleted", entity: "dns_group", entityId: id, data: { name: before.name } });
  });
  await applyChanges(ctx);
}
