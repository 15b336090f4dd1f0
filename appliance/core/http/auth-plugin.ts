/** Adds `auth` to every request: lazy principal lookup, then `auth.ctx(rule)` or `auth.user()` in each handler. */
import { Elysia } from "elysia";
import type { Ctx, Deps } from "../context";
import { resolvePrincipal, requireCtx, requireUser, type Principal } from "../auth/principal";
import type { Rule } from "../auth/roles";
import { Unauthorized } from "../errors";

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

/**
 * API paths reachable without a staff session (deny by default for everything else under /api).
 * Routes that authenticate some other way (a kiosk's bearer token, an iPXE client) are listed here by
 * their module with `declarePublic` and must do their own check.
 */
const PUBLIC: { method: string; path: RegExp }[] = [
  { method: "GET", path: /^\/api\/health$/ },
  { method: "GET", path: /^\/api\/setup$/ },
  { method: "POST", path: /^\/api\/setup$/ },
  { method: "POST", path: /^\/api\/auth\/(login|login\/totp|logout|password\/forgot|password\/reset)$/ },
  { method: "GET", path: /^\/api\/invitations\/[^/]+$/ },
  { method: "POST", path: /^\/api\/invitations\/[^/]+\/accept$/ },
  { method: "GET", path: /^\/api\/docs(\/.*)?$/ },
];

/** Marks a route as not needing a staff session (it must authenticate its caller itself). */
export function declarePublic(method: string, path: RegExp) {
  PUBLIC.push({ method, path });
}

export function isPublic(method: string, path: string) {
  return PUBLIC.some((p) => (p.method === method || p.method === "*") && p.path.test(path));
}

/** The plugin every route file `.use()`s; same name, so Elysia applies it once. */
export function authPlugin(deps: Deps) {
  return new Elysia({ name: "guichet-auth" }).derive({ as: "global" }, ({ request, server, path }) => {
    const auth = new RequestAuth(deps, request, server?.requestIP(request)?.address ?? null);
    // Safety net: a handler that forgot auth.ctx() still never serves an anonymous caller,
    // and anonymous callers learn nothing from body validation errors.
    if (path.startsWith("/api/") && !isPublic(request.method, path) && !auth.principal()) throw new Unauthorized();
    return { auth };
  });
}
