/** Blocklists and allowlists: subscriptions by URL (refreshed on a schedule) and local lists typed in the UI. */
import { and, asc, eq } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Invalid, NotFound } from "../../../core/errors";
import { dnsGroups, dnsLists } from "../schema";
import { parseList, type ParseReport } from "../blocklist-parse";
import { deleteListFile, sha256 } from "../list-store";
import { applyChanges, dnsCtx, jsonList } from "./common";
import { engineFor } from "../engine";
import { refreshList } from "./refresh";

/** Rules typed by hand are kept in SQLite: a few thousand lines, not a million. */
const MAX_LOCAL_BYTES = 1024 * 1024;

export interface ListInput {
  name?: string;
  kind?: "url" | "local";
  mode?: "block" | "allow";
  url?: string | null;
  content?: string;
  enabled?: boolean;
  refreshHours?: number;
}

type ListRow = typeof dnsLists.$inferSelect;

/** What the API shows of a list (local rules only in the detail view). */
export function listView(r: ListRow, withContent = false) {
  const { content, orgId: _o, problems, ...rest } = r;
  return { ...rest, enabled: r.enabled === 1, problems: JSON.parse(problems) as ParseReport["samples"], ...(withContent && r.kind === "local" ? { content } : {}) };
}

export function findList(ctx: Ctx, id: string): ListRow {
  const r = ctx.db.select().from(dnsLists).where(and(eq(dnsLists.id, id), eq(dnsLists.orgId, ctx.org))).get();
  if (!r) throw new NotFound("Liste introuvable.");
  return r;
}

/** Lists with, for those in service, the seconds the daemon took to compile them. */
export function listLists(ctx: Ctx) {
  dnsCtx(ctx);
  const times = engineFor(ctx).loadTimes;
  return ctx.db.select().from(dnsLists).where(eq(dnsLists.orgId, ctx.org)).orderBy(asc(dnsLists.createdAt)).all().map((r) => ({ ...listView(r), loadSeconds: times.get(r.id) ?? null }));
}

export function getList(ctx: Ctx, id: string) {
  dnsCtx(ctx);
  return { ...listView(findList(ctx, id), true), loadSeconds: engineFor(ctx).loadTimes.get(id) ?? null };
}

function checkUrl(url: string | null | undefined, fields: Record<string, string>) {
  if (!url) return void (fields.url = "L'adresse de la liste est obligatoire.");
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return void (fields.url = "Adresse invalide (ex. https://exemple.org/liste.txt).");
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") fields.url = "Seules les adresses http:// et https:// sont acceptées.";
  if (url.length > 2000) fields.url = "Adresse trop longue.";
}

/** Parses hand-typed rules: invalid lines are refused with their number, so nothing half-works silently. */
function checkLocal(content: string, mode: "block" | "allow", fields: Record<string, string>): ParseReport | null {
  if (new TextEncoder().encode(content).length > MAX_LOCAL_BYTES) {
    fields.content = "Liste locale trop longue (1 Mo au plus) : utilisez un abonnement par URL.";
    return null;
  }
  const report = parseList(content, mode, { domain() {}, pattern() {} });
  const bad = report.samples.filter((s) => !s.reason.includes("sans effet"));
  if (report.invalid) fields.content = bad.slice(0, 3).map((s) => `ligne ${s.line} (« ${s.text} ») : ${s.reason}`).join(" ; ");
  return report;
}

function checkCommon(input: ListInput, fields: Record<string, string>) {
  if (input.name !== undefined && (!input.name.trim() || input.name.length > 100)) fields.name = "Le nom est obligatoire (100 caractères au plus).";
  if (input.mode !== undefined && input.mode !== "block" && input.mode !== "allow") fields.mode = "Type de liste inconnu (blocage ou autorisation).";
  if (input.refreshHours !== undefined && (!Number.isInteger(input.refreshHours) || input.refreshHours < 1 || input.refreshHours > 24 * 30)) fields.refreshHours = "L'intervalle de mise à jour doit être entre 1 heure et 30 jours.";
}

/** Creates a list, adds it to the default group, downloads it when it is a subscription. */
export async function createList(ctx: Ctx, input: ListInput) {
  dnsCtx(ctx);
  const fields: Record<string, string> = {};
  if (input.name === undefined) fields.name = "Le nom est obligatoire.";
  if (input.kind !== "url" && input.kind !== "local") fields.kind = "Choisissez un abonnement par URL ou une liste locale.";
  checkCommon(input, fields);
  const mode = input.mode ?? "block";
  let report: ParseReport | null = null;
  if (input.kind === "url") checkUrl(input.url, fields);
  if (input.kind === "local") report = checkLocal(input.content ?? "", mode, fields);
  if (Object.keys(fields).length) throw new Invalid("La liste n'a pas été créée : vérifiez les champs signalés.", fields);
  const id = Bun.randomUUIDv7();
  withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const content = input.kind === "local" ? (input.content ?? "") : "";
    tx.insert(dnsLists)
      .values({
        id,
        orgId: ctx.org,
        name: input.name!.trim(),
        kind: input.kind!,
        mode,
        url: input.kind === "url" ? input.url! : null,
        content,
        enabled: input.enabled === false ? 0 : 1,
        refreshHours: input.refreshHours ?? 24,
        ruleCount: report?.rules ?? 0,
        ignoredCount: report?.ignored ?? 0,
        invalidCount: report?.invalid ?? 0,
        sha256: input.kind === "local" ? sha256(content) : null,
        problems: JSON.stringify(report?.samples ?? []),
        createdAt: now,
        updatedAt: now,
      })
      .run();
    // Like Pi-hole: a new list applies to the default group until the admin says otherwise.
    const def = tx.select().from(dnsGroups).where(and(eq(dnsGroups.orgId, ctx.org), eq(dnsGroups.isDefault, 1))).get()!;
    tx.update(dnsGroups).set({ listIds: JSON.stringify([...jsonList(def.listIds), id]), updatedAt: now }).where(eq(dnsGroups.id, def.id)).run();
    audit(tx, ctx, { action: "dns.list.created", entity: "dns_list", entityId: id, data: { name: input.name, kind: input.kind, mode, url: input.url ?? null, rules: report?.rules } });
  });
  if (input.kind === "url") await refreshList(ctx, id);
  await applyChanges(ctx);
  return getList(ctx, id);
}

/** Edits a list; a new URL is downloaded at once, new local rules are checked line by line. */
export async function updateList(ctx: Ctx, id: string, input: ListInput) {
  dnsCtx(ctx);
  const before = findList(ctx, id);
  const fields: Record<string, string> = {};
  checkCommon(input, fields);
  if (input.kind !== undefined && input.kind !== before.kind) fields.kind = "Le type d'une liste (URL ou locale) ne change pas : créez-en une autre.";
  const mode = input.mode ?? (before.mode as "block" | "allow");
  let report: ParseReport | null = null;
  if (input.url !== undefined && before.kind === "url") checkUrl(input.url, fields);
  if (input.content !== undefined && before.kind === "local") report = checkLocal(input.content, mode, fields);
  if (Object.keys(fields).length) throw new Invalid("La liste n'a pas été modifiée : vérifiez les champs signalés.", fields);
  const urlChanged = before.kind === "url" && input.url !== undefined && input.url !== before.url;
  withTransaction(ctx.db, (tx) => {
    const content = input.content ?? before.content;
    tx.update(dnsLists)
      .set({
        name: input.name?.trim() ?? before.name,
        mode,
        ...(urlChanged ? { url: input.url!, sha256: null, ruleCount: 0, lastSuccessAt: null } : {}),
        ...(report ? { content, sha256: sha256(content), ruleCount: report.rules, ignoredCount: report.ignored, invalidCount: report.invalid, problems: JSON.stringify(report.samples) } : {}),
        enabled: input.enabled === undefined ? before.enabled : input.enabled ? 1 : 0,
        refreshHours: input.refreshHours ?? before.refreshHours,
        updatedAt: ctx.clock.now().toISOString(),
      })
      .where(and(eq(dnsLists.id, id), eq(dnsLists.orgId, ctx.org)))
      .run();
    audit(tx, ctx, { action: "dns.list.updated", entity: "dns_list", entityId: id, data: { before: { name: before.name, mode: before.mode, url: before.url, enabled: before.enabled === 1 }, after: { ...input, content: input.content !== undefined ? `${report?.rules ?? 0} règle(s)` : undefined } } });
  });
  if (urlChanged) {
    deleteListFile(ctx.config.dataDir, id);
    await refreshList(ctx, id);
  }
  await applyChanges(ctx);
  return getList(ctx, id);
}

/** Deletes a list and takes it out of every group. */
export async function deleteList(ctx: Ctx, id: string) {
  dnsCtx(ctx);
  const before = findList(ctx, id);
  withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    for (const g of tx.select().from(dnsGroups).where(eq(dnsGroups.orgId, ctx.org)).all()) {
      const ids = jsonList(g.listIds);
      if (ids.includes(id)) tx.update(dnsGroups).set({ listIds: JSON.stringify(ids.filter((x) => x !== id)), updatedAt: now }).where(eq(dnsGroups.id, g.id)).run();
    }
    tx.delete(dnsLists).where(and(eq(dnsLists.id, id), eq(dnsLists.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "dns.list.deleted", entity: "dns_list", entityId: id, data: { name: before.name, url: before.url } });
  });
  deleteListFile(ctx.config.dataDir, id);
  await applyChanges(ctx);
}
