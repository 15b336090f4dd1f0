/** Settings, versioned texts, rooms with opening hours and exceptional closures. */
import { Elysia } from "elysia";
import type { Deps } from "../../../core/context";
import { authPlugin } from "../../../core/http/auth-plugin";
import { ClosureBody, IdParam, KindParam, RoomBody, RoomPatch, SettingsPatch, TextBody } from "../model";
import { asKind, createClosure, createRoom, currentText, deleteClosure, deleteRoom, getSettings, listClosures, listRooms, listTextVersions, publishText, updateRoom, updateSettings, type EpnSettings } from "../service";
import { ADMIN, guard, STAFF, TAG } from "./rules";

export function setupRoutes(deps: Deps) {
  return new Elysia({ name: "epn-setup" })
    .use(authPlugin(deps))
    .get(
      "/settings",
      ({ auth }) => {
        const ctx = auth.ctx(STAFF);
        return { settings: getSettings(ctx), texts: { rgpd: currentText(ctx, "rgpd"), reglement: currentText(ctx, "reglement") } };
      },
      { detail: { summary: "Paramètres de l'EPN et textes en vigueur", tags: TAG } },
    )
    .patch("/settings", ({ auth, body }) => updateSettings(auth.ctx(STAFF), body as Partial<EpnSettings>), {
      ...guard(STAFF),
      body: SettingsPatch,
      detail: { summary: "Modifier les paramètres (quotas, durées ; conservation : administrateur)", tags: TAG },
    })
    .get("/texts/:kind", ({ auth, params }) => listTextVersions(auth.ctx(STAFF), asKind(params.kind)), { ...guard(STAFF), params: KindParam, detail: { summary: "Versions de la notice RGPD ou du règlement", tags: TAG } })
    .post("/texts/:kind", ({ auth, params, body }) => publishText(auth.ctx(STAFF), asKind(params.kind), body.body), {
      params: KindParam,
      ...guard(STAFF),
      body: TextBody,
      detail: { summary: "Publier une nouvelle version de la notice RGPD ou du règlement", tags: TAG },
    })
    .get("/rooms", ({ auth }) => listRooms(auth.ctx(STAFF)), { detail: { summary: "Salles et horaires d'ouverture", tags: TAG } })
    .post("/rooms", ({ auth, body }) => createRoom(auth.ctx(ADMIN), body), { ...guard(ADMIN), body: RoomBody, detail: { summary: "Créer une salle", tags: TAG } })
    .patch("/rooms/:id", ({ auth, params, body }) => updateRoom(auth.ctx(STAFF), params.id, body), { ...guard(STAFF), params: IdParam, body: RoomPatch, detail: { summary: "Renommer une salle ou changer ses horaires", tags: TAG } })
    .delete("/rooms/:id", ({ auth, params }) => (deleteRoom(auth.ctx(ADMIN), params.id), { ok: true }), { params: IdParam, detail: { summary: "Supprimer une salle vide", tags: TAG } })
    .get("/closures", ({ auth }) => listClosures(auth.ctx(STAFF)), { detail: { summary: "Fermetures exceptionnelles à venir", tags: TAG } })
    .post("/closures", ({ auth, body }) => createClosure(auth.ctx(STAFF), body), { ...guard(STAFF), body: ClosureBody, detail: { summary: "Ajouter une fermeture exceptionnelle", tags: TAG } })
    .delete("/closures/:id", ({ auth, params }) => (deleteClosure(auth.ctx(STAFF), params.id), { ok: true }), { params: IdParam, detail: { summary: "Supprimer une fermeture", tags: TAG } });
}
