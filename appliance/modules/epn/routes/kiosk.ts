/**
 * Routes a kiosk calls with its own secret (`Authorization: Bearer gws_…`), not a staff session: they are
 * declared public to the staff auth net and authenticate the workstation themselves, before anything else.
 */
import { Elysia } from "elysia";
import type { Deps } from "../../../core/context";
import { authPlugin, declarePublic } from "../../../core/http/auth-plugin";
import { AckBody, HeartbeatBody, IdParam, OpenSessionBody } from "../model";
import { ackCommand, authenticateWorkstation, endOwnSession, heartbeat, kioskState, openSession, takePendingCommands } from "../service";

declarePublic("*", /^\/api\/epn\/kiosk(\/|$)/);

const TAGS = ["epn-poste"];

export function kioskRoutes(deps: Deps) {
  return new Elysia({ name: "epn-kiosk", prefix: "/kiosk" })
    .use(authPlugin(deps))
    // derive (not resolve): it runs before body validation, so an unknown caller learns nothing.
    .derive(({ auth, request }) => ({ kiosk: authenticateWorkstation(deps, request.headers.get("authorization"), auth.origin().ip) }))
    .get("/state", ({ kiosk }) => kioskState(kiosk.ctx, kiosk.ws.id), { detail: { summary: "État du poste : verrouillage, session, temps restant (vérité du serveur)", tags: TAGS } })
    .post("/heartbeat", ({ kiosk, body }) => heartbeat(kiosk.ctx, kiosk.ws.id, body), { body: HeartbeatBody, detail: { summary: "Signal de vie du poste (inactivité, adresse)", tags: TAGS } })
    .post("/sessions", ({ kiosk, body }) => openSession(kiosk.ctx, kiosk.ws.id, body), { body: OpenSessionBody, detail: { summary: "Ouvrir une session avec un code", tags: TAGS } })
    .post("/sessions/current/end", ({ kiosk }) => endOwnSession(kiosk.ctx, kiosk.ws.id), { detail: { summary: "L'usager termine sa session", tags: TAGS } })
    .get("/commands", ({ kiosk }) => takePendingCommands(kiosk.ctx, kiosk.ws.id), { detail: { summary: "Commandes en attente (marquées remises)", tags: TAGS } })
    .post("/commands/:id/ack", ({ kiosk, params, body }) => ackCommand(kiosk.ctx, kiosk.ws.id, params.id, body), { params: IdParam, body: AckBody, detail: { summary: "Acquitter une commande", tags: TAGS } });
}
