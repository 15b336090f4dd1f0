/** The DNS filter's pages in the staff UI (appliance daemon "dns", admin API /api/dns). */
import type { UiModule } from "../index";
import "./style";
import { DnsDashboardPage } from "./dashboard-page";
import { DnsLogPage } from "./log-page";
import { DnsListsPage } from "./lists-page";
import { DnsGroupsPage } from "./groups-page";
import { DnsRecordsPage } from "./records-page";
import { DnsUpstreamsPage } from "./upstreams-page";
import { DnsSettingsPage } from "./settings-page";
import { DnsExplainPage } from "./explain-page";

const dns: UiModule = {
  name: "dns",
  label: "Filtre DNS",
  icon: "shield",
  routes: [
    { path: "/dns", view: DnsDashboardPage, label: "Vue d'ensemble" },
    { path: "/dns/journal", view: DnsLogPage, label: "Journal" },
    { path: "/dns/listes", view: DnsListsPage, label: "Listes" },
    { path: "/dns/groupes", view: DnsGroupsPage, label: "Groupes" },
    { path: "/dns/noms", view: DnsRecordsPage, label: "Noms locaux" },
    { path: "/dns/serveurs", view: DnsUpstreamsPage, label: "Serveurs amont" },
    { path: "/dns/reglages", view: DnsSettingsPage, label: "Réglages" },
    { path: "/dns/pourquoi", view: DnsExplainPage, label: "Pourquoi bloqué ?" },
  ],
  // An appliance daemon, not a business module: shown to whoever the API lets in (admins, IT technicians).
  // The API also refuses organisations other than the one operating the filter (see appliance/net/dns/operator.ts).
  enabled: (org) => org.role === "owner" || org.role === "admin" || org.moduleRoles.includes("itsm_technician"),
};
export default dns;
