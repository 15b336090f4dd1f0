/** Patrons: register with consent, search, edit, accept texts, export, erase; purge of inactive patrons. */
import { Elysia } from "elysia";
import type { Deps } from "../../../core/context";
import { authPlugin } from "../../../core/http/auth-plugin";
import { Invalid } from "../../../core/errors";
import { AcceptBody, ExportQuery, IdParam, PatronBody, PatronPatch, PatronQuery } from "../model";
import { acceptText, asKind, createPatron, erasePatron, exportPatron, exportPatronCsv, getPatron, listPatrons, purgeInactive, purgePreview, updatePatron } from "../service";
import { csvResponse } from "../service/csv";
import { ADMIN, guard, STAFF, TAG } from "./rules";

export function patronRoutes(deps: Deps) {
  return new Elysia({ name: "epn-patrons" })
    .use(authPlugin(deps))
    .get("/patrons", ({ auth, query }) => listPatrons(auth.ctx(STAFF), query), { ...guard(STAFF), query: PatronQuery, detail: { summary: "Usagers (recherche par nom, commune, e-mail)", tags: TAG } })
    .post("/patrons", ({ auth, body }) => createPatron(auth.ctx(STAFF), body), { ...guard(STAFF), body: PatronBody, detail: { summary: "Inscrire un usager (consentement RGPD obligatoire)", tags: TAG } })
    .get("/patrons/purge", ({ auth }) => purgePreview(auth.ctx(ADMIN)), { detail: { summary: "Aperçu de la purge des usagers inactifs", tags: TAG } })
    .post("/patrons/purge", ({ auth }) => purgeInactive(auth.ctx(ADMIN)), { detail: { summary: "Purger maintenant les usagers inactifs", tags: TAG } })
    .get("/patrons/:id", ({ auth, params }) => getPatron(auth.ctx(STAFF), params.id), { params: IdParam, detail: { summary: "Fiche d'un usager", tags: TAG } })
    .patch("/patrons/:id", ({ auth, params, body }) => updatePatron(auth.ctx(STAFF), params.id, body), { ...guard(STAFF), params: IdParam, body: PatronPatch, detail: { summary: "Modifier un usager", tags: TAG } })
    .post("/patrons/:id/accept", ({ auth, params, body }) => acceptText(auth.ctx(STAFF), params.id, asKind(body.kind)), {
      ...guard(STAFF),
      params: IdParam,
      body: AcceptBody,
      detail: { summary: "Enregistrer l'acceptation de la notice RGPD ou du règlement en vigueur", tags: TAG },
    })
    .get(
      "/patrons/:id/export",
      ({ auth, params, query }) => {
        const ctx = auth.ctx(STAFF);
        const format = query.format ?? "json";
        if (format === "csv") return csvResponse(exportPatronCsv(ctx, params.id), `usager-${params.id}.csv`);
        if (format !== "json") throw new Invalid("Format inconnu : json ou csv.", { format: "json ou csv." });
        return new Response(JSON.stringify(exportPatron(ctx, params.id), null, 2), {
          headers: { "content-type": "application/json; charset=utf-8", "content-disposition": `attachment; filename="usager-${params.id}.json"` },
        });
      },
      { ...guard(STAFF), params: IdParam, query: ExportQuery, detail: { summary: "Export des données d'un usager (JSON ou CSV)", tags: TAG } },
    )
    .delete("/patrons/:id", ({ auth, params }) => erasePatron(auth.ctx(STAFF), params.id), {
      params: IdParam,
      detail: { summary: "Effacer les données personnelles d'un usager (statistiques anonymes conservées)", tags: TAG },
    });
}
