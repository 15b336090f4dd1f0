/** /api/setup (first boot), /api/invitations/:token (public link), /api/orgs and /api/org (current organisation). */
import { Elysia, t } from "elysia";
import type { Deps } from "../context";
import { authPlugin } from "../http/auth-plugin";
import { sessionCookie } from "../http/cookies";
import { createOrganisation, getOrganisation, listMembers, myOrganisations, removeMember, runSetup, setupNeeded, updateMember, updateOrganisation } from "./service";
import { acceptInvitation, invitationInfo, invite, listInvitations, revokeInvitation } from "./invitations";
import { createToken, listTokens, revokeToken } from "./api-tokens";
import { publicBaseUrl, setSetting } from "../settings";
import { MODULES } from "../../modules/catalog";
import { MODULE_ROLES, ROLES } from "../auth/roles";

const Id = t.Object({ id: t.String({ maxLength: 64 }) });
const OrgBody = t.Object({
  name: t.String({ maxLength: 200 }),
  siret: t.Optional(t.Nullable(t.String({ maxLength: 20 }))),
  address: t.Optional(t.Nullable(t.String({ maxLength: 500 }))),
});

export function orgRoutes(deps: Deps) {
  return new Elysia({ name: "core-orgs" })
    .use(authPlugin(deps))
    .get("/api/setup", () => ({ needed: setupNeeded(deps), modules: MODULES }), { detail: { summary: "L'installation initiale est-elle à faire ?", tags: ["setup"] } })
    .post(
      "/api/setup",
      async ({ body, auth, set, request }) => {
        const r = await runSetup(deps, body, auth.origin());
        // Links in e-mails will use the address the administrator used for setup.
        setSetting(deps.db, deps.clock, "", "public_url", new URL(request.url).origin);
        set.headers["set-cookie"] = sessionCookie(r.session.token, request);
        return { orgId: r.orgId, userId: r.userId };
      },
      {
        body: t.Object({
          organisation: OrgBody,
          admin: t.Object({ name: t.String({ maxLength: 200 }), email: t.String({ maxLength: 254 }), password: t.String({ maxLength: 256 }) }),
        }),
        detail: { summary: "Installation initiale : première organisation et premier administrateur", tags: ["setup"] },
      },
    )
    .get("/api/invitations/:token", ({ params }) => invitationInfo(deps, params.token), {
      params: t.Object({ token: t.String({ maxLength: 100 }) }),
      detail: { summary: "Détails d'une invitation reçue par e-mail", tags: ["organisation"] },
    })
    .post(
      "/api/invitations/:token/accept",
      async ({ params, body, auth, set, request }) => {
        const p = auth.principal();
        const r = await acceptInvitation(deps, params.token, body, p && !p.mfaPending ? p.userId : null, auth.origin());
        if (r.session) set.headers["set-cookie"] = sessionCookie(r.session.token, request);
        return { orgId: r.orgId };
      },
      {
        params: t.Object({ token: t.String({ maxLength: 100 }) }),
        body: t.Object({ name: t.Optional(t.String({ maxLength: 200 })), password: t.Optional(t.String({ maxLength: 256 })) }),
        detail: { summary: "Accepter une invitation", tags: ["organisation"] },
      },
    )
    .get("/api/roles", ({ auth }) => (auth.user(), { roles: ROLES, moduleRoles: MODULE_ROLES }), { detail: { summary: "Rôles disponibles", tags: ["organisation"] } })
    .get("/api/orgs", ({ auth }) => myOrganisations(deps, auth.user().userId), { detail: { summary: "Mes organisations", tags: ["organisation"] } })
    .post("/api/orgs", ({ auth, body }) => createOrganisation(auth.ctx({ role: "admin" }), body), { body: OrgBody, detail: { summary: "Créer une autre organisation", tags: ["organisation"] } })
    .get("/api/org", ({ auth }) => getOrganisation(auth.ctx()), { detail: { summary: "Organisation courante", tags: ["organisation"] } })
    .patch("/api/org", ({ auth, body }) => updateOrganisation(auth.ctx({ role: "admin" }), body), {
      body: t.Object({
        name: t.Optional(t.String({ maxLength: 200 })),
        siret: t.Optional(t.Nullable(t.String({ maxLength: 20 }))),
        address: t.Optional(t.Nullable(t.String({ maxLength: 500 }))),
        modules: t.Optional(t.Array(t.String({ maxLength: 40 }), { maxItems: 50 })),
      }),
      detail: { summary: "Modifier l'organisation courante", tags: ["organisation"] },
    })
    .get("/api/org/members", ({ auth }) => listMembers(auth.ctx({ role: "manager" })), { detail: { summary: "Membres", tags: ["organisation"] } })
    .patch("/api/org/members/:id", ({ auth, params, body }) => updateMember(auth.ctx({ role: "admin" }), params.id, body), {
      params: Id,
      body: t.Object({ role: t.Optional(t.String({ maxLength: 20 })), moduleRoles: t.Optional(t.Array(t.String({ maxLength: 40 }), { maxItems: 20 })) }),
      detail: { summary: "Changer le rôle d'un membre", tags: ["organisation"] },
    })
    .delete("/api/org/members/:id", ({ auth, params }) => (removeMember(auth.ctx({ role: "admin" }), params.id), { ok: true }), { params: Id, detail: { summary: "Retirer un membre", tags: ["organisation"] } })
    .get("/api/org/invitations", ({ auth }) => listInvitations(auth.ctx({ role: "admin" })), { detail: { summary: "Invitations en attente", tags: ["organisation"] } })
    .post("/api/org/invitations", ({ auth, body }) => invite(auth.ctx({ role: "admin" }), body, publicBaseUrl(deps)), {
      body: t.Object({ email: t.String({ maxLength: 254 }), role: t.String({ maxLength: 20 }), moduleRoles: t.Optional(t.Array(t.String({ maxLength: 40 }), { maxItems: 20 })) }),
      detail: { summary: "Inviter une personne par e-mail", tags: ["organisation"] },
    })
    .delete("/api/org/invitations/:id", ({ auth, params }) => (revokeInvitation(auth.ctx({ role: "admin" }), params.id), { ok: true }), { params: Id, detail: { summary: "Annuler une invitation", tags: ["organisation"] } })
    .get("/api/org/tokens", ({ auth }) => listTokens(auth.ctx({ role: "admin" })), { detail: { summary: "Jetons d'API", tags: ["organisation"] } })
    .post("/api/org/tokens", ({ auth, body }) => createToken(auth.ctx({ role: "admin" }), body), {
      body: t.Object({ name: t.String({ maxLength: 100 }), scope: t.String({ maxLength: 10 }), role: t.String({ maxLength: 20 }), expiresAt: t.Optional(t.Nullable(t.String({ maxLength: 40 }))) }),
      detail: { summary: "Créer un jeton d'API (affiché une seule fois)", tags: ["organisation"] },
    })
    .delete("/api/org/tokens/:id", ({ auth, params }) => (revokeToken(auth.ctx({ role: "admin" }), params.id), { ok: true }), { params: Id, detail: { summary: "Révoquer un jeton d'API", tags: ["organisation"] } });
}
