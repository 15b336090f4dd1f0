/**
 * /api/dns/… — the DNS filter's admin API. Reads: administrators, or members with the IT technician module
 * role; writes: administrators. Every route is also limited to the operator organisation (see operator.ts).
 */
import { Elysia } from "elysia";
import type { Deps } from "../../core/context";
import type { Rule } from "../../core/auth/roles";
import { authPlugin } from "../../core/http/auth-plugin";
import { ExplainQuery, GroupBody, IdParam, ListBody, LogQueryParams, RecordBody, SettingsBody, StatsQuery, UpstreamBody } from "./model";
import { getSettings, updateSettings } from "./service/settings";
import { createList, deleteList, getList, listLists, updateList, type ListInput } from "./service/lists";
import { refreshList } from "./service/refresh";
import { createGroup, deleteGroup, listGroups, updateGroup, type GroupInput } from "./service/groups";
import { createRecord, deleteRecord, listRecords, updateRecord } from "./service/records";
import { createUpstream, deleteUpstream, listUpstreams, testUpstreams, updateUpstream } from "./service/upstreams";
import { dnsStatistics, dnsStatus, queryLog } from "./service/insights";
import { explain } from "./service/explain";
import { dnsCtx, flushCache } from "./service/common";
import { findList } from "./service/lists";
import type { DnsSettings } from "./policy";

const READ: Rule = { role: "admin", anyModuleRole: ["itsm_technician"] };
const WRITE: Rule = { role: "admin" };
const tags = ["dns"];

/** The DNS admin routes (the daemon may be off: configuration stays editable). */
export function dnsRoutes(deps: Deps) {
  return new Elysia({ name: "net-dns", prefix: "/api/dns" })
    .use(authPlugin(deps))
    .get("/status", ({ auth }) => dnsStatus(auth.ctx(READ)), { detail: { summary: "État du filtre DNS", tags } })
    .get("/settings", ({ auth }) => getSettings(auth.ctx(READ)), { detail: { summary: "Réglages du filtre DNS", tags } })
    .patch("/settings", ({ auth, body }) => updateSettings(auth.ctx(WRITE), body as Partial<DnsSettings>), { body: SettingsBody, detail: { summary: "Modifier les réglages (mode de blocage, confidentialité, conservation, cache, limite par client)", tags } })
    .get("/lists", ({ auth }) => listLists(auth.ctx(READ)), { detail: { summary: "Listes de blocage et d'autorisation", tags } })
    .post("/lists", ({ auth, body }) => createList(auth.ctx(WRITE), body as ListInput), { body: ListBody, detail: { summary: "Ajouter une liste (abonnement par URL ou liste locale)", tags } })
    .get("/lists/:id", ({ auth, params }) => getList(auth.ctx(READ), params.id), { params: IdParam, detail: { summary: "Détail d'une liste", tags } })
    .patch("/lists/:id", ({ auth, params, body }) => updateList(auth.ctx(WRITE), params.id, body as ListInput), { params: IdParam, body: ListBody, detail: { summary: "Modifier une liste", tags } })
    .delete("/lists/:id", async ({ auth, params }) => (await deleteList(auth.ctx(WRITE), params.id), { ok: true }), { params: IdParam, detail: { summary: "Supprimer une liste", tags } })
    .post(
      "/lists/:id/refresh",
      async ({ auth, params }) => {
        const ctx = dnsCtx(auth.ctx(WRITE));
        findList(ctx, params.id);
        const r = await refreshList(ctx, params.id);
        return { ...r, list: await getList(ctx, params.id) };
      },
      { params: IdParam, detail: { summary: "Mettre à jour un abonnement maintenant", tags } },
    )
    .get("/groups", ({ auth }) => listGroups(auth.ctx(READ)), { detail: { summary: "Groupes de clients", tags } })
    .post("/groups", ({ auth, body }) => createGroup(auth.ctx(WRITE), body as GroupInput), { body: GroupBody, detail: { summary: "Créer un groupe de clients", tags } })
    .patch("/groups/:id", ({ auth, params, body }) => updateGroup(auth.ctx(WRITE), params.id, body as GroupInput), { params: IdParam, body: GroupBody, detail: { summary: "Modifier un groupe", tags } })
    .delete("/groups/:id", async ({ auth, params }) => (await deleteGroup(auth.ctx(WRITE), params.id), { ok: true }), { params: IdParam, detail: { summary: "Supprimer un groupe", tags } })
    .get("/records", ({ auth }) => listRecords(auth.ctx(READ)), { detail: { summary: "Noms locaux", tags } })
    .post("/records", ({ auth, body }) => createRecord(auth.ctx(WRITE), body), { body: RecordBody, detail: { summary: "Ajouter un nom local (A, AAAA, CNAME)", tags } })
    .patch("/records/:id", ({ auth, params, body }) => updateRecord(auth.ctx(WRITE), params.id, body), { params: IdParam, body: RecordBody, detail: { summary: "Modifier un nom local", tags } })
    .delete("/records/:id", async ({ auth, params }) => (await deleteRecord(auth.ctx(WRITE), params.id), { ok: true }), { params: IdParam, detail: { summary: "Supprimer un nom local", tags } })
    .get("/upstreams", ({ auth }) => listUpstreams(auth.ctx(READ)), { detail: { summary: "Serveurs amont et leur santé", tags } })
    .post("/upstreams", ({ auth, body }) => createUpstream(auth.ctx(WRITE), body), { body: UpstreamBody, detail: { summary: "Ajouter un serveur amont (DNS ou DoH)", tags } })
    .post("/upstreams/test", ({ auth }) => testUpstreams(auth.ctx(WRITE)), { detail: { summary: "Tester tous les serveurs amont maintenant", tags } })
    .patch("/upstreams/:id", ({ auth, params, body }) => updateUpstream(auth.ctx(WRITE), params.id, body), { params: IdParam, body: UpstreamBody, detail: { summary: "Modifier un serveur amont", tags } })
    .delete("/upstreams/:id", async ({ auth, params }) => (await deleteUpstream(auth.ctx(WRITE), params.id), { ok: true }), { params: IdParam, detail: { summary: "Supprimer un serveur amont", tags } })
    .get("/log", ({ auth, query }) => queryLog(auth.ctx(READ), query), { query: LogQueryParams, detail: { summary: "Journal des requêtes (filtres client, domaine, statut)", tags } })
    .get("/stats", ({ auth, query }) => dnsStatistics(auth.ctx(READ), query.hours ?? 24), { query: StatsQuery, detail: { summary: "Statistiques : requêtes dans le temps, part bloquée, classements", tags } })
    .get("/explain", ({ auth, query }) => explain(auth.ctx(READ), query.name, query.client || undefined), { query: ExplainQuery, detail: { summary: "Pourquoi ce nom est-il bloqué ?", tags } })
    .post(
      "/cache/flush",
      ({ auth }) => (flushCache(auth.ctx(WRITE)), { ok: true }),
      { detail: { summary: "Vider le cache des réponses", tags } },
    );
}
