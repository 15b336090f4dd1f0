/** "Why was this name blocked?": the group a client falls in, then every list and rule that matches, with line numbers. */
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { Invalid } from "../../../core/errors";
import { dnsLists } from "../schema";
import { normalizeDomain } from "../blocklist-parse";
import { engineFor } from "../engine";
import { findRuleLines, suffixesOf } from "../matcher";
import { ipBytes, isOpen, localWeekTime } from "../policy";
import { safeSearchTarget } from "../safe-search";
import { readListFile } from "../list-store";
import { describeHit } from "../resolver";
import { dnsCtx } from "./common";

export interface Explanation {
  name: string;
  client: string | null;
  group: { id: string; name: string } | null;
  /** local | blocked | allowed | rewritten | forwarded */
  verdict: string;
  /** One French sentence for the admin. */
  summary: string;
  matches: { listId: string; list: string; allow: boolean; rule: string; lines: { line: number; text: string }[] }[];
}

/** Explains what the filter does with `name` for `client` (or for the default group). */
export async function explain(ctx: Ctx, rawName: string, client?: string): Promise<Explanation> {
  dnsCtx(ctx);
  const name = normalizeDomain(rawName);
  if (!name) throw new Invalid("Nom de domaine invalide.", { name: "Nom de domaine invalide (ex. pub.exemple.com)." });
  if (client && !ipBytes(client)) throw new Invalid("Adresse de client invalide.", { client: "Adresse IP attendue." });
  const e = engineFor(ctx);
  if (!e.policy.orgId) await e.reload();
  const g = client ? e.groupOf(client) : (e.policy.groups.find((x) => x.isDefault) ?? null);
  const base = { name, client: client ?? null, group: g ? { id: g.id, name: g.name } : null, matches: [] as Explanation["matches"] };
  if (name === "guichet.lan" || e.policy.records.has(name)) return { ...base, verdict: "local", summary: "Nom local : le Guichet répond lui-même, aucune liste ne s'applique." };
  if (!g) return { ...base, verdict: "forwarded", summary: "Aucun groupe ne s'applique : la requête est transmise aux serveurs amont." };
  if (g.schedule && !isOpen(g.schedule, localWeekTime(ctx.clock.now()))) return { ...base, verdict: "blocked", summary: `Bloqué : le groupe « ${g.name} » est hors de ses horaires d'ouverture.` };
  const suffixes = suffixesOf(name);
  for (const list of g.lists) {
    const hit = list.match(suffixes);
    if (!hit) continue;
    const row = ctx.db.select().from(dnsLists).where(and(eq(dnsLists.id, list.id), eq(dnsLists.orgId, ctx.org))).get();
    if (!row) continue;
    const text = row.kind === "local" ? row.content : readListFile(ctx.config.dataDir, row.id);
    base.matches.push({ listId: row.id, list: row.name, allow: hit.allow, rule: describeHit(hit), lines: findRuleLines(text, row.mode as "block" | "allow", hit) });
  }
  const allow = base.matches.find((m) => m.allow);
  const block = base.matches.find((m) => !m.allow);
  if (allow && block) return { ...base, verdict: "allowed", summary: `Autorisé : la règle « ${block.rule} » de « ${block.list} » le bloquerait, mais l'exception « ${allow.rule} » de « ${allow.list} » l'emporte.` };
  if (block) return { ...base, verdict: "blocked", summary: `Bloqué par la règle « ${block.rule} » de la liste « ${block.list} »${block.lines[0] ? ` (ligne ${block.lines[0].line})` : ""}.` };
  const target = g.safeSearch ? safeSearchTarget(name) : null;
  if (target) return { ...base, verdict: "rewritten", summary: `Recherche sécurisée imposée : réécrit en ${target}.` };
  if (allow) return { ...base, verdict: "allowed", summary: `Autorisé explicitement par « ${allow.rule} » de « ${allow.list} ».` };
  return { ...base, verdict: "forwarded", summary: `Aucune règle du groupe « ${g.name} » ne s'applique : la requête est transmise aux serveurs amont.` };
}
