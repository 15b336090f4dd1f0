/** Access codes: generate (for a patron or a batch of guests), list, revoke, print tickets as PDF. */
import { Elysia } from "elysia";
import type { Deps } from "../../../core/context";
import { authPlugin } from "../../../core/http/auth-plugin";
import { CodesBody, CodesQuery, IdParam, TicketsBody } from "../model";
import { createCodes, listCodes, revokeCode, ticketsPdf } from "../service";
import { guard, STAFF, TAG } from "./rules";

export function codeRoutes(deps: Deps) {
  return new Elysia({ name: "epn-codes" })
    .use(authPlugin(deps))
    .get("/codes", ({ auth, query }) => listCodes(auth.ctx(STAFF), query), { ...guard(STAFF), query: CodesQuery, detail: { summary: "Codes d'accès", tags: TAG } })
    .post("/codes", ({ auth, body }) => createCodes(auth.ctx(STAFF), body), { ...guard(STAFF), body: CodesBody, detail: { summary: "Créer un code pour un usager ou un lot de codes invités", tags: TAG } })
    .post("/codes/:id/revoke", ({ auth, params }) => revokeCode(auth.ctx(STAFF), params.id), { params: IdParam, detail: { summary: "Annuler un code", tags: TAG } })
    .post(
      "/codes/tickets",
      async ({ auth, body }) => {
        const pdf = await ticketsPdf(auth.ctx(STAFF), body);
        return new Response(Buffer.from(pdf), { headers: { "content-type": "application/pdf", "content-disposition": 'inline; filename="tickets-epn.pdf"' } });
      },
      { ...guard(STAFF), body: TicketsBody, detail: { summary: "Tickets à imprimer (PDF, un par page ou dix par feuille)", tags: TAG } },
    );
}
