/** buildApp(deps): the Elysia root — one error mapper, every route file in an explicit list; never listens. */
import { Elysia, ValidationError } from "elysia";
import { openapi } from "@elysiajs/openapi";
import type { Deps } from "./core/context";
import { AppError, errorBody, Invalid, TooMany } from "./core/errors";
import { authRoutes } from "./core/auth/routes";
import { orgRoutes } from "./core/orgs/routes";
import { auditRoutes } from "./core/audit/routes";
import { systemRoutes } from "./core/system/routes";
import { uiRoutes, type UiAssets } from "./core/http/ui";
import type { ServiceStatus } from "./core/service";
import { WIRING } from "./modules";
import { DAEMONS } from "./net";

export interface AppOptions {
  ui?: UiAssets;
  services?: () => ServiceStatus[];
  /** Extra route sets (daemons' admin routes, live WebSocket) added by main.ts. */
  extra?: Elysia<any, any, any, any, any, any, any>[];
}

/** Turns Elysia's schema errors into our French `{ error: { code, message, fields } }`. */
function validationToInvalid(err: ValidationError) {
  const fields: Record<string, string> = {};
  try {
    for (const e of err.all as { path?: string; message?: string }[]) {
      const key = (e.path ?? "").replace(/^\//, "").replace(/\//g, ".") || "corps";
      fields[key] ??= "Valeur manquante ou invalide.";
    }
  } catch {
    // `all` is best effort; the message alone is enough.
  }
  return new Invalid("Requête invalide : vérifiez les champs signalés.", Object.keys(fields).length ? fields : undefined);
}

export function buildApp(deps: Deps, opts: AppOptions = {}) {
  let app = new Elysia()
    .onError({ as: "global" }, ({ error, code, set, path }) => {
      let e: AppError | null = null;
      if (error instanceof AppError) e = error;
      else if (code === "VALIDATION") e = validationToInvalid(error as ValidationError);
      else if (code === "PARSE") e = new Invalid("Corps de requête illisible : JSON attendu.");
      else if (code === "NOT_FOUND") e = new AppError(404, "not_found", path.startsWith("/api") ? "Adresse d'API inconnue." : "Page introuvable.");
      if (!e) {
        deps.log.error("erreur interne", { path, error: String((error as Error)?.stack ?? error) });
        e = new AppError(500, "internal", "Erreur interne du Guichet : l'incident est consigné dans le journal.");
      }
      set.status = e.status;
      if (e instanceof TooMany && e.retryAfterSeconds) set.headers["retry-after"] = String(e.retryAfterSeconds);
      return errorBody(e);
    })
    .onAfterHandle({ as: "global" }, ({ set, path }) => {
      if (path.startsWith("/api/")) set.headers["cache-control"] = "no-store";
    })
    .use(
      openapi({
        path: "/api/docs",
        documentation: { info: { title: "API Guichet", version: deps.version, description: "API REST de l'appliance Guichet. Authentification par cookie de session (+ en-tête X-CSRF-Token pour les écritures) ou par jeton d'API (Authorization: Bearer gch_…). L'organisation visée se choisit par l'en-tête X-Guichet-Org." } },
        exclude: { paths: [/^\/assets/, "/"] },
      }),
    )
    .use(systemRoutes(deps, opts.services ?? (() => [])))
    .use(authRoutes(deps))
    .use(orgRoutes(deps))
    .use(auditRoutes(deps));
  for (const d of DAEMONS) if (d.routes) app = app.use(d.routes(deps)) as any;
  for (const m of WIRING) if (m.routes) app = app.use(m.routes(deps)) as any;
  for (const x of opts.extra ?? []) app = app.use(x) as any;
  if (opts.ui) app = app.use(uiRoutes(opts.ui)) as any;
  return app;
}

export type App = ReturnType<typeof buildApp>;
