/** /api/auth: login (+2FA), logout, me, own sessions, password change and reset, TOTP enrolment. */
import { Elysia, t } from "elysia";
import type { Deps } from "../context";
import { authPlugin } from "../http/auth-plugin";
import { clearedCookie, sessionCookie } from "../http/cookies";
import { changePassword, completeMfa, listSessions, login, logout, requestPasswordReset, resetPassword, revokeSession } from "./service";
import { disableTotp, enableTotp, startTotp } from "./two-factor";
import { Unauthorized } from "../errors";
import { myOrganisations } from "../orgs/service";
import { eq } from "drizzle-orm";
import { users } from "../db/schema";
import { publicBaseUrl } from "../settings";
import { loginLimiter } from "./rate-limit";

export function authRoutes(deps: Deps) {
  return new Elysia({ name: "core-auth", prefix: "/api/auth" })
    .use(authPlugin(deps))
    .post(
      "/login",
      async ({ body, auth, set, request }) => {
        loginLimiter.hit(auth.ip ?? "local");
        const r = await login(deps, body, auth.origin());
        set.headers["set-cookie"] = sessionCookie(r.token, request);
        return { mfaRequired: r.mfaRequired };
      },
      { body: t.Object({ email: t.String({ maxLength: 254 }), password: t.String({ maxLength: 256 }) }), detail: { summary: "Connexion par e-mail et mot de passe", tags: ["auth"] } },
    )
    .post(
      "/login/totp",
      async ({ body, auth }) => {
        const p = auth.principal();
        if (!p?.sessionId || !p.mfaPending) throw new Unauthorized();
        loginLimiter.hit(auth.ip ?? "local");
        return completeMfa(deps, p.sessionId, body.code, auth.origin());
      },
      { body: t.Object({ code: t.String({ maxLength: 40 }) }), detail: { summary: "Second facteur (code TOTP ou code de secours)", tags: ["auth"] } },
    )
    .post(
      "/logout",
      ({ auth, set }) => {
        const p = auth.principal();
        if (p?.sessionId) {
          // A pending-2FA session may always be dropped; a full one needs the CSRF header.
          if (!p.mfaPending) auth.user();
          logout(deps, p.sessionId);
        }
        set.headers["set-cookie"] = clearedCookie();
        return { ok: true };
      },
      { detail: { summary: "Déconnexion", tags: ["auth"] } },
    )
    .get(
      "/me",
      ({ auth }) => {
        const p = auth.user();
        const u = deps.db.select({ id: users.id, email: users.email, name: users.name, totp: users.totpSecret, locale: users.locale }).from(users).where(eq(users.id, p.userId)).get()!;
        return { id: u.id, email: u.email, name: u.name, totpEnabled: !!u.totp, locale: u.locale, csrfToken: p.csrfToken ?? null, organisations: myOrganisations(deps, p.userId) };
      },
      { detail: { summary: "Utilisateur connecté, ses organisations et son jeton anti-CSRF", tags: ["auth"] } },
    )
    .get("/sessions", ({ auth }) => {
      const p = auth.user();
      return listSessions(deps, p.userId, p.sessionId);
    }, { detail: { summary: "Mes sessions ouvertes", tags: ["auth"] } })
    .delete(
      "/sessions/:id",
      ({ auth, params }) => {
        const p = auth.user();
        revokeSession(deps, p.userId, params.id, auth.ip);
        return { ok: true };
      },
      { params: t.Object({ id: t.String({ maxLength: 64 }) }), detail: { summary: "Fermer une de mes sessions", tags: ["auth"] } },
    )
    .post(
      "/password",
      async ({ auth, body }) => {
        const p = auth.user();
        await changePassword(deps, p.userId, p.sessionId, body, auth.ip);
        return { ok: true };
      },
      { body: t.Object({ current: t.String({ maxLength: 256 }), next: t.String({ maxLength: 256 }) }), detail: { summary: "Changer mon mot de passe", tags: ["auth"] } },
    )
    .post(
      "/password/forgot",
      ({ body, auth }) => {
        loginLimiter.hit(auth.ip ?? "local");
        requestPasswordReset(deps, body.email, publicBaseUrl(deps), auth.ip);
        return { ok: true, message: "Si un compte existe pour cette adresse, un e-mail vient d'être envoyé." };
      },
      { body: t.Object({ email: t.String({ maxLength: 254 }) }), detail: { summary: "Demander un lien de réinitialisation", tags: ["auth"] } },
    )
    .post(
      "/password/reset",
      async ({ body, auth }) => {
        await resetPassword(deps, body, auth.ip);
        return { ok: true };
      },
      { body: t.Object({ token: t.String({ maxLength: 100 }), password: t.String({ maxLength: 256 }) }), detail: { summary: "Choisir un nouveau mot de passe avec le lien reçu", tags: ["auth"] } },
    )
    .post("/totp/setup", ({ auth }) => startTotp(deps, auth.user().userId), { detail: { summary: "Démarrer l'activation de la double authentification (QR code)", tags: ["auth"] } })
    .post("/totp/enable", ({ auth, body }) => enableTotp(deps, auth.user().userId, body.code, auth.ip), {
      body: t.Object({ code: t.String({ maxLength: 12 }) }),
      detail: { summary: "Confirmer la double authentification ; renvoie les codes de secours", tags: ["auth"] },
    })
    .post(
      "/totp/disable",
      async ({ auth, body }) => {
        await disableTotp(deps, auth.user().userId, body.password, auth.ip);
        return { ok: true };
      },
      { body: t.Object({ password: t.String({ maxLength: 256 }) }), detail: { summary: "Désactiver la double authentification", tags: ["auth"] } },
    );
}
