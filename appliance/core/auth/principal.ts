/** Turns a request's cookie or bearer token into a principal, and a principal plus a rule into a Ctx. */
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
  // Hot path (every authenticated request): cached raw statements, one join each, instead of
  // drizzle's query builder (~50 µs a query).
  const q = deps.db.$client;
  const now = deps.clock.now();
  const nowIso = now.toISOString();
  const authz = request.headers.get("authorization");
  if (authz?.startsWith("Bearer ")) {
    const tok = q
      .query(
        `SELECT t.id, t.name, t.org_id AS orgId, t.role, t.scope, t.expires_at AS expiresAt, t.last_used_at AS lastUsedAt, u.id AS userId, u.name AS userName
         FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL`,
      )
      .get(sha256(authz.slice(7).trim())) as { id: string; name: string; orgId: string; role: string; scope: string; expiresAt: string | null; lastUsedAt: string | null; userId: string; userName: string } | null;
    if (!tok || (tok.expiresAt && tok.expiresAt <= nowIso)) return null;
    if (!tok.lastUsedAt || now.getTime() - Date.parse(tok.lastUsedAt) > 60_000) q.query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?").run(nowIso, tok.id);
    return { userId: tok.userId, label: `${tok.userName} (jeton « ${tok.name} »)`, via: "token", tokenId: tok.id, tokenOrg: tok.orgId, tokenRole: tok.role as Role, scope: tok.scope as "read" | "write" };
  }
  const raw = cookieValue(request.headers.get("cookie"), SESSION_COOKIE);
  if (!raw) return null;
  const s = q
    .query(
      `SELECT s.id, s.csrf_token AS csrfToken, s.mfa_pending AS mfaPending, s.last_seen_at AS lastSeenAt, s.expires_at AS expiresAt, u.id AS userId, u.name, u.email
       FROM auth_sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?`,
    )
    .get(sha256(raw)) as { id: string; csrfToken: string; mfaPending: number; lastSeenAt: string; expiresAt: string; userId: string; name: string; email: string } | null;
  if (!s || s.expiresAt <= nowIso) return null;
  // Sliding expiry, written at most once a minute to keep reads cheap.
  if (now.getTime() - Date.parse(s.lastSeenAt) > 60_000)
    q.query("UPDATE auth_sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?").run(nowIso, new Date(now.getTime() + SESSION_IDLE_MS).toISOString(), s.id);
  return { userId: s.userId, label: s.name || s.email, via: "session", sessionId: s.id, csrfToken: s.csrfToken, mfaPending: !!s.mfaPending };
}

type MembershipRow = { orgId: string; role: string; moduleRoles: string };
function membership(deps: Deps, userId: string, orgId: string | null): MembershipRow | null {
  const q = deps.db.$client;
  return (
    orgId
      ? q.query("SELECT org_id AS orgId, role, module_roles AS moduleRoles FROM memberships WHERE org_id = ? AND user_id = ?").get(orgId, userId)
      : q.query("SELECT org_id AS orgId, role, module_roles AS moduleRoles FROM memberships WHERE user_id = ? ORDER BY created_at LIMIT 1").get(userId)
  ) as MembershipRow | null;
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
    const m = membership(deps, user.userId, orgId);
    if (!m) throw new Forbidden("Le créateur de ce jeton n'est plus membre de l'organisation.");
    // A token acts with its own role, never above its creator's current one.
    role = isRole(user.tokenRole) && rank(user.tokenRole) <= rank(m.role as Role) ? user.tokenRole : (m.role as Role);
    moduleRoles = JSON.parse(m.moduleRoles);
  } else {
    const m = membership(deps, user.userId, wanted);
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
