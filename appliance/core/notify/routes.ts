/** /api/notifications: my notifications in the current organisation, read markers, and my channel preferences. */
import { Elysia, t } from "elysia";
import type { Deps } from "../context";
import { authPlugin } from "../http/auth-plugin";
import { listMine, markAllRead, markRead, unreadCount } from "./service";
import { getPrefs, setPrefs } from "./prefs";

const Channels = t.Object({ inApp: t.Boolean(), email: t.Boolean() });

export function notificationRoutes(deps: Deps) {
  return new Elysia({ name: "core-notifications" })
    .use(authPlugin(deps))
    .get("/api/notifications", ({ auth, query }) => listMine(auth.ctx(), { ...query, unread: query.unread === "1" || query.unread === "true" }), {
      query: t.Object({
        unread: t.Optional(t.String({ maxLength: 5 })),
        before: t.Optional(t.String({ maxLength: 40 })),
        limit: t.Optional(t.Numeric({ minimum: 1, maximum: 100 })),
      }),
      detail: { summary: "Mes notifications dans l'organisation courante", tags: ["notifications"] },
    })
    .get("/api/notifications/unread-count", ({ auth }) => ({ unread: unreadCount(auth.ctx()) }), {
      detail: { summary: "Nombre de notifications non lues", tags: ["notifications"] },
    })
    .post("/api/notifications/read-all", ({ auth }) => markAllRead(auth.ctx()), {
      detail: { summary: "Tout marquer comme lu", tags: ["notifications"] },
    })
    .post("/api/notifications/:id/read", ({ auth, params }) => markRead(auth.ctx(), params.id), {
      params: t.Object({ id: t.String({ maxLength: 64 }) }),
      detail: { summary: "Marquer une notification comme lue", tags: ["notifications"] },
    })
    .get("/api/notifications/prefs", ({ auth }) => getPrefs(deps.db, auth.user().userId), {
      detail: { summary: "Mes préférences de notification (par type : dans Guichet, par e-mail)", tags: ["notifications"] },
    })
    .put(
      "/api/notifications/prefs",
      ({ auth, body }) => {
        const p = auth.user();
        return setPrefs(deps.db, { actor: { userId: p.userId, label: p.label, role: "member", moduleRoles: [], via: p.via, sessionId: p.sessionId }, ip: auth.ip, clock: deps.clock }, body);
      },
      {
        body: t.Object({
          default: t.Optional(Channels),
          kinds: t.Optional(t.Array(t.Object({ kind: t.String({ maxLength: 60 }), inApp: t.Boolean(), email: t.Boolean() }), { maxItems: 200 })),
          reset: t.Optional(t.Array(t.String({ maxLength: 60 }), { maxItems: 200 })),
        }),
        detail: { summary: "Changer mes préférences de notification", tags: ["notifications"] },
      },
    );
}
