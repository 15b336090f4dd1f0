/** Adds `auth` to every request: lazy principal lookup, then `auth.ctx(rule)` or `auth.user()` in each handler. */
import { Elysia } from "elysia";
import type { Ctx, Deps } from "../context";
import { resolvePrincipal, requireCtx, requireUser, type Principal } from "../auth/principal";
import type { Rule } from "../auth/roles";

/** Per-request authentication state; nothing is read from the database until a handler asks. */
export class RequestAuth {
  private p: Principal | null | undefined;
  constructor(
    readonly deps: Deps,
    readonly request: Request,
    readonly ip: string | null,
  ) {}
  /** Cookie session or bearer token, or null; no checks. */
  principal() {
    if (this.p === undefined) this.p = resolvePrincipal(this.deps, this.request);
    return this.p;
  }
  /** A logged-in user (2FA done, CSRF checked for writes), no organisation needed. */
  user() {
    return requireUser(this.request, this.principal());
  }
  /** A member of the current organisation who satisfies `rule`: the context services run with. */
  ctx(rule: Rule = {}): Ctx {
    return requireCtx(this.deps, this.request, this.principal(), this.ip, rule);
  }
  origin() {
    return { ip: this.ip, userAgent: this.request.headers.get("user-agent") };
  }
}

/** The plugin every route file `.use()`s; same name, so Elysia applies it once. */
export function authPlugin(deps: Deps) {
  return new Elysia({ name: "guichet-auth" }).derive({ as: "global" }, ({ request, server }) => ({
    auth: new RequestAuth(deps, request, server?.requestIP(request)?.address ?? null),
  }));
}
