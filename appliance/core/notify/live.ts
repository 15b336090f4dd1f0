/** GET /api/live?org=…: one WebSocket per browser tab, forwarding the organisation's live events as JSON { type, data }. */
import { Elysia, t } from "elysia";
import { and, eq, isNull } from "drizzle-orm";
import type { Deps } from "../context";
import { authPlugin, type RequestAuth } from "../http/auth-plugin";
import { ORG_HEADER, requireCtx } from "../auth/principal";
import { apiTokens, authSessions, memberships } from "../db/schema";
import { Forbidden } from "../errors";
import type { LiveEvent } from "./bus";

interface Conn {
  orgId: string;
  userId: string;
  sessionId?: string;
  tokenId?: string;
  send(e: { type: string; data: unknown }): void;
  close(code: number, reason: string): void;
  unsubscribe(): void;
}

/** Close codes the UI acts on: 4401 → back to the login page, 4403 → membership gone. */
export const LIVE_CLOSE = { sessionEnded: 4401, notMember: 4403 } as const;

// A socket opened from another site's page would ride on the cookie: the Origin must be this server.
function checkOrigin(deps: Deps, request: Request) {
  const origin = request.headers.get("origin");
  if (!origin) return; // not a browser (scripts, tests): the cookie or token still has to be valid
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new Forbidden("Origine de la connexion refusée.");
  }
  const allowed = [request.headers.get("host"), request.headers.get("x-forwarded-host"), deps.config.publicUrl ? new URL(deps.config.publicUrl).host : null];
  if (!allowed.includes(host)) throw new Forbidden("Origine de la connexion refusée.");
}

// The same checks as every route (logged in, 2FA done, member of that organisation), with the org from the query.
function liveCtx(deps: Deps, auth: RequestAuth, org: string) {
  const headers = new Headers(auth.request.headers);
  headers.set(ORG_HEADER, org);
  return requireCtx(deps, new Request(auth.request.url, { headers }), auth.principal(), auth.ip);
}

/** Is the connection still allowed? Read-only (does not extend the session: an open tab is not activity). */
function stillValid(deps: Deps, c: Conn) {
  const now = deps.clock.now().toISOString();
  if (c.sessionId) {
    const s = deps.db.select({ exp: authSessions.expiresAt, mfa: authSessions.mfaPending }).from(authSessions).where(eq(authSessions.id, c.sessionId)).get();
    if (!s || s.exp <= now || s.mfa) return LIVE_CLOSE.sessionEnded;
  }
  if (c.tokenId) {
    const tk = deps.db.select({ exp: apiTokens.expiresAt }).from(apiTokens).where(and(eq(apiTokens.id, c.tokenId), isNull(apiTokens.revokedAt))).get();
    if (!tk || (tk.exp && tk.exp <= now)) return LIVE_CLOSE.sessionEnded;
  }
  const m = deps.db.select({ id: memberships.id }).from(memberships).where(and(eq(memberships.orgId, c.orgId), eq(memberships.userId, c.userId))).get();
  return m ? 0 : LIVE_CLOSE.notMember;
}

/** The live route; `recheckMs` is how often open sockets re-check their session and membership. */
export function liveRoutes(deps: Deps, opts: { recheckMs?: number } = {}) {
  const conns = new Map<string, Conn>();
  let timer: ReturnType<typeof setInterval> | null = null;
  const recheck = () => {
    for (const [id, c] of conns) {
      let code: number;
      try {
        code = stillValid(deps, c);
      } catch {
        code = 0; // database closing: the server is stopping and will close the socket itself
      }
      if (code) {
        conns.delete(id);
        c.unsubscribe();
        c.close(code, code === LIVE_CLOSE.sessionEnded ? "session terminée" : "accès retiré");
      }
    }
    if (!conns.size && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
  return new Elysia({ name: "core-live" }).use(authPlugin(deps)).ws("/api/live", {
    query: t.Object({ org: t.String({ maxLength: 64 }) }),
    detail: { summary: "Mises à jour en direct (WebSocket) pour l'organisation donnée", tags: ["notifications"] },
    beforeHandle({ auth, query, request }) {
      checkOrigin(deps, request);
      liveCtx(deps, auth, query.org);
    },
    open(ws) {
      let ctx;
      try {
        ctx = liveCtx(deps, ws.data.auth, ws.data.query.org);
      } catch {
        ws.close(LIVE_CLOSE.notMember, "accès refusé");
        return;
      }
      const p = ws.data.auth.principal()!;
      const conn: Conn = {
        orgId: ctx.org,
        userId: ctx.actor.userId,
        sessionId: p.sessionId,
        tokenId: p.tokenId,
        send: (e) => void ws.send(JSON.stringify(e)),
        close: (code, reason) => ws.close(code, reason),
        unsubscribe: () => {},
      };
      const off = deps.events.subscribe((e: LiveEvent) => {
        if (e.orgId === conn.orgId && (!e.userId || e.userId === conn.userId)) conn.send({ type: e.type, data: e.data });
      });
      conn.unsubscribe = () => void off();
      conns.set(ws.id, conn);
      if (!timer) {
        timer = setInterval(recheck, opts.recheckMs ?? 30_000);
        timer.unref?.();
      }
      conn.send({ type: "hello", data: { org: ctx.org } });
    },
    message(ws, msg) {
      // Keep-alive for proxies that cut idle connections; anything else is ignored.
      if (msg === "ping" || (msg as { type?: string } | null)?.type === "ping") ws.send(JSON.stringify({ type: "pong", data: null }));
    },
    close(ws) {
      const c = conns.get(ws.id);
      if (!c) return;
      conns.delete(ws.id);
      c.unsubscribe();
    },
  });
}
