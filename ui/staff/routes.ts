/** The staff UI's pages: platform routes, module routes from ui/modules, and the navigation built from both. */
import type { ComponentType } from "preact";
import { t } from "../lib/i18n";
import { currentOrg, hasRole } from "../lib/session";
import { isEnabled, UI_MODULES } from "../modules";
import type { Route } from "../lib/router";
import { DashboardPage } from "./pages/dashboard";
import { UsersPage } from "./pages/users";
import { OrganisationPage } from "./pages/organisation";
import { AuditPage } from "./pages/audit";
import { SystemPage } from "./pages/system";
import { AccountPage } from "./pages/account";
import { NotificationsPage } from "./pages/notifications";

/** A routed view gets the path params. */
export type View = ComponentType<{ params: Record<string, string> }>;

type Role = "owner" | "admin" | "manager" | "member";

/** A platform page: its route, navigation entry and the least role that can use it. */
interface PlatformPage {
  path: string;
  view: View;
  label: () => string;
  icon: string;
  minRole: Role;
}

const PLATFORM: PlatformPage[] = [
  { path: "/", view: DashboardPage, label: () => t("Tableau de bord"), icon: "home", minRole: "member" },
  { path: "/utilisateurs", view: UsersPage, label: () => t("Utilisateurs"), icon: "users", minRole: "manager" },
  { path: "/organisation", view: OrganisationPage, label: () => t("Organisation"), icon: "building", minRole: "admin" },
  { path: "/journal", view: AuditPage, label: () => t("Journal d'audit"), icon: "journal", minRole: "admin" },
  { path: "/systeme", view: SystemPage, label: () => t("Système"), icon: "server", minRole: "admin" },
  { path: "/compte", view: AccountPage, label: () => t("Mon compte"), icon: "user", minRole: "member" },
];

/** Every route a logged-in user may open (platform pages even above their role: the server answers 403). */
export function appRoutes(): Route<View>[] {
  const mods = UI_MODULES.filter((m) => isEnabled(m, currentOrg.value)).flatMap((m) => m.routes.map((r) => ({ path: r.path, view: r.view as View })));
  // Pages reached from the header rather than the navigation.
  const extra = [{ path: "/notifications", view: NotificationsPage as View }];
  return [...PLATFORM.map((p) => ({ path: p.path, view: p.view })), ...extra, ...mods];
}

/** One navigation entry; `children` are a module's labelled pages. */
export interface NavItem {
  path: string;
  label: string;
  icon: string;
  children?: { path: string; label: string }[];
}

/** Navigation: the dashboard, enabled modules, then platform pages the user's role allows. */
export function navItems(): { modules: NavItem[]; platform: NavItem[] } {
  const org = currentOrg.value;
  const modules = UI_MODULES.filter((m) => isEnabled(m, org)).map((m) => {
    const labelled = m.routes.filter((r) => r.label);
    return {
      path: labelled[0]?.path ?? m.routes[0]?.path ?? "/" + m.name,
      label: t(m.label),
      icon: m.icon ?? m.label,
      children: labelled.length > 1 ? labelled.map((r) => ({ path: r.path, label: t(r.label!) })) : undefined,
    };
  });
  const platform = PLATFORM.filter((p) => hasRole(p.minRole)).map((p) => ({ path: p.path, label: p.label(), icon: p.icon }));
  return { modules, platform };
}
