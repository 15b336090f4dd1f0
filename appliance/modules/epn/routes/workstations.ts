/** The room view, workstations (registry, secret, maintenance), live control and sessions. */
import { Elysia } from "elysia";
import type { Deps } from "../../../core/context";
import { authPlugin } from "../../../core/http/auth-plugin";
import { ControlBody, IdParam, RoomViewQuery, WorkstationBody, WorkstationPatch } from "../model";
import {
  controlWorkstation, createWorkstation, deleteWorkstation, endSession, issueWorkstationToken, listCommands, revokeWorkstationToken,
  roomInOrg, roomView, sessionEvents, updateWorkstation, workstationInOrg,
} from "../service";
import { ADMIN, guard, STAFF, TAG } from "./rules";

export function workstationRoutes(deps: Deps) {
  return new Elysia({ name: "epn-workstations" })
    .use(authPlugin(deps))
    .get(
      "/workstations",
      ({ auth, query }) => {
        const ctx = auth.ctx(STAFF);
        if (query.roomId) roomInOrg(ctx, ctx.db, query.roomId);
        return roomView(ctx, { roomId: query.roomId });
      },
      { ...guard(STAFF), query: RoomViewQuery, detail: { summary: "Vue de la salle : état en direct de chaque poste", tags: TAG } },
    )
    .post("/workstations", ({ auth, body }) => createWorkstation(auth.ctx(ADMIN), body), { ...guard(ADMIN), body: WorkstationBody, detail: { summary: "Enregistrer un poste", tags: TAG } })
    .get(
      "/workstations/:id",
      ({ auth, params }) => {
        const ctx = auth.ctx(STAFF);
        workstationInOrg(ctx, ctx.db, params.id);
        return roomView(ctx, { ids: [params.id] })[0];
      },
      { params: IdParam, detail: { summary: "Un poste (tuile de la vue de salle)", tags: TAG } },
    )
    .patch("/workstations/:id", ({ auth, params, body }) => updateWorkstation(auth.ctx(STAFF), params.id, body), {
      params: IdParam,
      ...guard(STAFF),
      body: WorkstationPatch,
      detail: { summary: "Renommer, déplacer, mettre en maintenance", tags: TAG },
    })
    .delete("/workstations/:id", ({ auth, params }) => (deleteWorkstation(auth.ctx(ADMIN), params.id), { ok: true }), { params: IdParam, detail: { summary: "Supprimer un poste", tags: TAG } })
    .post("/workstations/:id/token", ({ auth, params }) => issueWorkstationToken(auth.ctx(ADMIN), params.id), {
      params: IdParam,
      detail: { summary: "Créer l'identifiant secret du poste (affiché une seule fois)", tags: TAG },
    })
    .delete("/workstations/:id/token", ({ auth, params }) => (revokeWorkstationToken(auth.ctx(ADMIN), params.id), { ok: true }), {
      params: IdParam,
      detail: { summary: "Révoquer l'identifiant du poste", tags: TAG },
    })
    .post("/workstations/:id/commands", ({ auth, params, body }) => controlWorkstation(auth.ctx(STAFF), params.id, body), {
      params: IdParam,
      ...guard(STAFF),
      body: ControlBody,
      detail: { summary: "Commander un poste : lock, unlock, message, extend, logout, reboot", tags: TAG },
    })
    .get(
      "/workstations/:id/commands",
      ({ auth, params }) => {
        const ctx = auth.ctx(STAFF);
        workstationInOrg(ctx, ctx.db, params.id);
        return listCommands(ctx, params.id);
      },
      { params: IdParam, detail: { summary: "Dernières commandes d'un poste et leur acquittement", tags: TAG } },
    )
    .get("/sessions/:id/events", ({ auth, params }) => sessionEvents(auth.ctx(STAFF), params.id), { params: IdParam, detail: { summary: "Transitions d'une session", tags: TAG } })
    .post("/sessions/:id/end", ({ auth, params }) => endSession(auth.ctx(STAFF), params.id, "staff"), { params: IdParam, detail: { summary: "Terminer une session", tags: TAG } });
}
