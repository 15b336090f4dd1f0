/** The EPN module's pages in the staff UI (server module "epn"). */
import type { UiModule } from "../index";
import { RoomPage } from "./room";
import { PatronsPage } from "./patrons";
import { PatronPage } from "./patron";
import { CodesPage } from "./codes";
import { ReservationsPage } from "./reservations";
import { StatsPage } from "./stats";
import { SettingsPage } from "./settings";
import { KiosksPage } from "./kiosks";

const epn: UiModule = {
  name: "epn",
  label: "Espace public numérique",
  icon: "monitor",
  routes: [
    { path: "/epn", view: RoomPage, label: "Salle" },
    { path: "/epn/usagers", view: PatronsPage, label: "Usagers" },
    { path: "/epn/usagers/:id", view: PatronPage },
    { path: "/epn/codes", view: CodesPage, label: "Codes d'accès" },
    { path: "/epn/reservations", view: ReservationsPage, label: "Réservations" },
    { path: "/epn/statistiques", view: StatsPage, label: "Statistiques" },
    { path: "/epn/postes", view: KiosksPage, label: "Postes et agents" },
    { path: "/epn/parametres", view: SettingsPage, label: "Paramètres" },
  ],
};
export default epn;
