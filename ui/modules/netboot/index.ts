/** Netboot in the staff UI: workstations (candidates to enrol, known PCs) and kiosk boot images. */
import type { UiModule } from "../index";
import { NetbootHostsPage } from "./hosts-page";
import { NetbootImagesPage } from "./images-page";

const netboot: UiModule = {
  name: "netboot",
  label: "Netboot",
  icon: "network",
  routes: [
    { path: "/netboot", view: NetbootHostsPage, label: "Postes" },
    { path: "/netboot/images", view: NetbootImagesPage, label: "Images" },
  ],
  // An appliance daemon, not a business module: shown to whoever the API lets in (admins, IT technicians).
  enabled: (org) => org.role === "owner" || org.role === "admin" || org.moduleRoles.includes("itsm_technician"),
};
export default netboot;
