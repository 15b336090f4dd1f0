/** /api/mqtt: enrolment tokens (admins), kiosk enrolment (public, token-checked), revocation, inventories, broker state; /mqtt WebSocket. */
import { Elysia, t } from "elysia";
import type { Deps } from "../../core/context";
import { authPlugin, declarePublic } from "../../core/http/auth-plugin";
import { createEnrolmentToken, enrol, listEnrolmentTokens, revokeEnrolmentToken, revokeWorkstation } from "./enrolment";
import { getInventory, inventoryHistory } from "./inventory";
import { listAgents } from "./agents";
import { mqttServiceOf } from "./daemon";
import { mqttWebSocketRoute } from "./ws-bridge";

// The kiosk has no staff session: the enrolment token in the body is its authentication.
declarePublic("POST", /^\/api\/mqtt\/enrol$/);

const Id = t.Object({ id: t.String({ maxLength: 64 }) });
const INVENTORY_READERS = { anyModuleRole: ["epn_animateur", "itsm_technician"] as ("epn_animateur" | "itsm_technician")[] };

export function mqttRoutes(deps: Deps) {
  const broker = () => mqttServiceOf(deps)?.broker ?? null;
  return new Elysia({ name: "net-mqtt" })
    .use(authPlugin(deps))
    .use(mqttWebSocketRoute(broker))
    .get("/api/mqtt/enrolment-tokens", ({ auth }) => listEnrolmentTokens(auth.ctx({ role: "admin" })), { detail: { summary: "Jetons d'enrôlement des postes", tags: ["postes publics"] } })
    .post("/api/mqtt/enrolment-tokens", ({ auth, body }) => createEnrolmentToken(auth.ctx({ role: "admin" }), body), {
      body: t.Object({
        label: t.String({ maxLength: 100 }),
        roomId: t.String({ maxLength: 64 }),
        maxUses: t.Optional(t.Integer()),
        validHours: t.Optional(t.Integer()),
      }),
      detail: { summary: "Créer un jeton d'enrôlement (affiché une seule fois)", tags: ["postes publics"] },
    })
    .delete("/api/mqtt/enrolment-tokens/:id", ({ auth, params }) => (revokeEnrolmentToken(auth.ctx({ role: "admin" }), params.id), { ok: true }), {
      params: Id,
      detail: { summary: "Révoquer un jeton d'enrôlement", tags: ["postes publics"] },
    })
    .post(
      "/api/mqtt/enrol",
      ({ body, auth }) => enrol(deps, body, auth.ip, mqttServiceOf(deps)?.boundPort ?? deps.config.mqttPort),
      {
        body: t.Object({ token: t.String({ minLength: 1, maxLength: 100 }), hostname: t.String({ maxLength: 100 }) }),
        detail: { summary: "Enrôler un poste avec un jeton (appelé par l'agent du poste)", tags: ["postes publics"] },
      },
    )
    .post("/api/mqtt/workstations/:id/revoke", ({ auth, params }) => revokeWorkstation(auth.ctx({ role: "admin" }), params.id, (id) => broker()?.disconnect(id)), {
      params: Id,
      detail: { summary: "Révoquer un poste : son secret cesse de valoir et sa connexion est coupée", tags: ["postes publics"] },
    })
    .get("/api/mqtt/workstations", ({ auth, query }) => listAgents(auth.ctx(INVENTORY_READERS), query, (id) => broker()?.isConnected(id) ?? false), {
      query: t.Object({ roomId: t.Optional(t.String({ maxLength: 64 })) }),
      detail: { summary: "Agents des postes : connexion, version, résumé du dernier inventaire", tags: ["postes publics"] },
    })
    .get("/api/mqtt/workstations/:id/inventory", ({ auth, params }) => getInventory(auth.ctx(INVENTORY_READERS), params.id), {
      params: Id,
      detail: { summary: "Inventaire du poste (format GLPI)", tags: ["postes publics"] },
    })
    .get("/api/mqtt/workstations/:id/inventory/history", ({ auth, params }) => inventoryHistory(auth.ctx(INVENTORY_READERS), params.id), {
      params: Id,
      detail: { summary: "Historique des changements d'inventaire du poste", tags: ["postes publics"] },
    })
    .get(
      "/api/mqtt/status",
      ({ auth }) => {
        auth.ctx({ role: "admin" });
        const svc = mqttServiceOf(deps);
        if (!svc?.broker) return { running: false, port: deps.config.mqttPort };
        // Counters are appliance-wide (not per organisation): they say nothing about any one organisation's data.
        return { running: true, port: svc.boundPort, tls: !!(deps.config.tlsCert && deps.config.tlsKey), broker: svc.broker.stats, link: svc.link.stats, memory: { rss: process.memoryUsage().rss } };
      },
      { detail: { summary: "État du broker MQTT (connexions, messages, rejets)", tags: ["postes publics"] } },
    );
}
