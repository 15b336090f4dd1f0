/** Reservations: the day planner, free slots, booking and cancelling. */
import { Elysia } from "elysia";
import type { Deps } from "../../../core/context";
import { authPlugin } from "../../../core/http/auth-plugin";
import { DayQuery, IdParam, ReservationBody } from "../model";
import { cancelReservation, createReservation, dayPlanner, freeSlots, getSettings, localDay } from "../service";
import { guard, STAFF, TAG } from "./rules";

export function reservationRoutes(deps: Deps) {
  return new Elysia({ name: "epn-reservations" })
    .use(authPlugin(deps))
    .get(
      "/reservations",
      ({ auth, query }) => {
        const ctx = auth.ctx(STAFF);
        return dayPlanner(ctx, query.day ?? localDay(ctx.clock.now(), getSettings(ctx).timezone));
      },
      { ...guard(STAFF), query: DayQuery, detail: { summary: "Planning d'une journée : ouverture et réservations de chaque poste", tags: TAG } },
    )
    .get(
      "/reservations/free",
      ({ auth, query }) => {
        const ctx = auth.ctx(STAFF);
        return freeSlots(ctx, query.day ?? localDay(ctx.clock.now(), getSettings(ctx).timezone), query.minutes ?? 60);
      },
      { ...guard(STAFF), query: DayQuery, detail: { summary: "Créneaux libres d'une journée", tags: TAG } },
    )
    .post("/reservations", ({ auth, body }) => createReservation(auth.ctx(STAFF), body), { ...guard(STAFF), body: ReservationBody, detail: { summary: "Réserver un poste pour un usager", tags: TAG } })
    .post("/reservations/:id/cancel", ({ auth, params }) => cancelReservation(auth.ctx(STAFF), params.id), { params: IdParam, detail: { summary: "Annuler une réservation", tags: TAG } });
}
