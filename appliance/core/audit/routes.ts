/** /api/audit: search the organisation's audit log, verify its hash chain. */
import { Elysia, t } from "elysia";
import type { Deps } from "../context";
import { authPlugin } from "../http/auth-plugin";
import { listAudit, verifyChain } from "./service";

export function auditRoutes(deps: Deps) {
  return new Elysia({ name: "core-audit", prefix: "/api/audit" })
    .use(authPlugin(deps))
    .get(
      "/",
      ({ auth, query }) => {
        const ctx = auth.ctx({ role: "admin" });
        return listAudit(ctx.db, ctx.org, { ...query, before: query.before ? Number(query.before) : undefined, limit: query.limit ? Number(query.limit) : undefined });
      },
      {
        query: t.Object({
          q: t.Optional(t.String({ maxLength: 200 })),
          entity: t.Optional(t.String({ maxLength: 60 })),
          actorId: t.Optional(t.String({ maxLength: 64 })),
          from: t.Optional(t.String({ maxLength: 40 })),
          to: t.Optional(t.String({ maxLength: 40 })),
          before: t.Optional(t.Numeric({ minimum: 1 })),
          limit: t.Optional(t.Numeric({ minimum: 1, maximum: 200 })),
        }),
        detail: { summary: "Journal d'audit (plus récent d'abord)", tags: ["audit"] },
      },
    )
    .get("/verify", ({ auth }) => {
      const ctx = auth.ctx({ role: "admin" });
      return verifyChain(ctx.db, ctx.org);
    }, { detail: { summary: "Vérifier la chaîne d'empreintes du journal", tags: ["audit"] } });
}
