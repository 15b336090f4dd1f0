/** Turns a request's cookie or bearer token into a principal, and a principal plus a rule into a Ctx. */
import { and, asc, eq, isNull } from "drizzle-orm";
import { apiTokens, authSessions, memberships, users } from "../db/schema";
import type { Ctx, Deps } from "../context";
import { Forbidden, Unauthorized } from "../errors";
import { allows, type Role, type Rule, isRole } from "./roles";
import { safeEqual, sha256 } from "./crypto";

export const SESSION_COOKIE = "guichet_session";
export const ORG_HEADER = "x-guichet-org";
export const CSRF_HEADER = "x-csrf-token";
/** Sessions end after this much inactivity. */
export const SESSION_IDLE_MS = 12 * 3600_000;

export interface Principal {
  userId: string;
  label: string;
  via: "session" | "token";
  sessionId?: string;
  csrfToken?: string;
  mfaPending?: boolean;
  tokenId?: string;
  tokenOrg?: string;
  tokenRole?: Role;
  scope?: "read" | "write";
}

function cookieValue(header: string | null, name: string) {
  if (!header) return null;
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return decodeURIComponent(v.join("="));
  }
  return null;
}

/** Looks up the session cookie or `Authorization: Bearer` API token; null when neither is valid. */
export function resolvePrincipal(deps: Deps, request: Request): Principal | null {
  const now = deps.clock.now();
  const authz = request.headers.get("authorization");
  if (authz?.startsWith("Bearer ")) {
    const tok = deps.db
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.tokenHash, sha256(authz.slice(7).trim())), isNull(apiTokens.revokedAt)))
      .get();
    if (!tok || (tok.expiresAt && tok.expiresAt <= now.toISOString())) return null;
    const u = deps.db.select({ id: users.id, name: users.name }).from(users).where(eq(users.id, tok.userId)).get();
    if (!u) return null;
    if (!tok.lastUsedAt || now.getTime() - Date.parse(tok.lastUsedAt) > 60_000)
      deps.db.update(apiTokens).set({ lastUsedAt: now.toISOString() }).where(eq(apiTokens.id, tok.id)).run();
    return { userId: u.id, label: `${u.name} (jeton « ${tok.name} »)`, via: "token", tokenId: tok.id, tokenOrg: tok.orgId, tokenRole: tok.role as Role, scope: tok.scope as "read" | "write" };
  }
  const raw = cookieValue(request.headers.get("cookie"), SESSION_COOKIE);
  if (!raw) return null;
  const s = deps.db.select().from(authSessions).where(eq(authSessions.tokenHash, sha256(raw))).get();
  if (!s || s.expiresAt <= now.toISOString()) return null;
  const u = deps.db.select({ id: users.id, name: users.name, email: users.email }).from(users).where(eq(users.id, s.userId)).get();
  if (!u) return null;
  // Sliding expiry, written at most once a minute to keep reads cheap.
  if (now.getTime() - Date.parse(s.lastSeenAt) > 60_000)
    deps.db
      .update(authSessions)
      .set({ lastSeenAt: now.toISOString(), expiresAt: new Date(now.getTime() + SESSION_IDLE_MS).toISOString() })
      .where(eq(authSessions.id, s.id))
      .run();
  return { userId: u.id, label: u.name || u.email, via: "session", sessionId: s.id, csrfToken: s.csrfToken, mfaPending: !!s.mfaPending };
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Authentication only (no organisation): for account routes. Enforces 2FA completion and CSRF. */
export function requireUser(request: Request, p: Principal | null): Principal {
  if (!p) throw new Unauthorized();
  if (p.mfaPending) throw new Unauthorized("Saisissez le code de votre application d'authentification.", "mfa_required");
  if (p.via === "session" && UNSAFE.has(request.method)) {
    const sent = request.headers.get(CSRF_HEADER) ?? "";
    if (!p.csrfToken || !safeEqual(sent, p.csrfToken)) throw new Forbidden("Jeton anti-CSRF absent ou invalide : rechargez la page.", "csrf");
  }
  if (p.via === "token" && p.scope === "read" && UNSAFE.has(request.method)) throw new Forbidden("Ce jeton d'API est en lecture seule.");
  return p;
}

/** Authentication + organisation membership + role rule: the Ctx a service runs with. */
export function requireCtx(deps: Deps, request: Request, p: Principal | null, ip: string | null, rule: Rule = {}): Ctx {
  const user = requireUser(request, p);
  const wanted = request.headers.get(ORG_HEADER);
  let orgId: string;
  let role: Role;
  let moduleRoles: string[] = [];
  if (user.via === "token") {
    if (wanted && wanted !== user.tokenOrg) throw new Forbidden("Ce jeton d'API n'appartient pas à cette organisation.");
    orgId = user.tokenOrg!;
    const m = deps.db.select().from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, user.userId))).get();
    if (!m) throw new Forbidden("Le créateur de ce jeton n'est plus membre de l'organisation.");
    // A token acts with its own role, never above its creator's current one.
    role = isRole(user.tokenRole) && rank(user.tokenRole) <= rank(m.role as Role) ? user.tokenRole : (m.role as Role);
    moduleRoles = JSON.parse(m.moduleRoles);
  } else {
    const m = wanted
      ? deps.db.select().from(memberships).where(and(eq(memberships.orgId, wanted), eq(memberships.userId, user.userId))).get()
      : deps.db.select().from(memberships).where(eq(memberships.userId, user.userId)).orderBy(asc(memberships.createdAt)).limit(1).get();
    if (!m) throw wanted ? new Forbidden("Vous n'êtes pas membre de cette organisation.") : new Forbidden("Vous n'êtes membre d'aucune organisation.");
    orgId = m.orgId;
    role = m.role as Role;
    moduleRoles = JSON.parse(m.moduleRoles);
  }
  if (!allows(role, moduleRoles, rule)) throw new Forbidden();
  return {
    ...deps,
    org: orgId,
    ip,
    actor: { userId: user.userId, label: user.label, role, moduleRoles, via: user.via, scope: user.scope, sessionId: user.sessionId },
  };
}

function rank(r: Role) {
  return { owner: 4, admin: 3, manager: 2, member: 1 }[r];
}
