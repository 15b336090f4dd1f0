/**
 * The staff UI's module pages, in navigation order. Adding a module = one folder + one line here:
 *
 *   1. write `ui/modules/<name>/index.ts` exporting a `UiModule` as default, e.g.
 *        import type { UiModule } from "../index";
 *        const epn: UiModule = { name: "epn", label: "Espace numérique", icon: "monitor", routes: [
 *          { path: "/epn", view: EpnHome, label: "Postes" },          // label → shown in the navigation
 *          { path: "/epn/sessions/:id", view: EpnSession },            // params arrive as props.params
 *        ] };
 *        export default epn;
 *   2. add `import epn from "./epn";` below and `epn,` to UI_MODULES.
 *
 * `name` must match the server's module name (appliance/modules/catalog.ts): the navigation shows a
 * module only when the current organisation has it in `organisations[].modules` (see `isEnabled`).
 */
import type { ComponentType } from "preact";
import type { OrgMembership } from "../lib/session";

/** Props every module view receives: the route's params (":id" → params.id). */
export interface ModuleViewProps {
  params: Record<string, string>;
}

/** One page of a module; paths start with "/<name>". */
export interface ModuleRoute {
  path: string;
  view: ComponentType<ModuleViewProps>;
  /** When set, the page has an entry in the navigation under the module. */
  label?: string;
}

/** A module's UI: its pages and how it appears in the navigation. */
export interface UiModule {
  /** Same as the server module name: "epn", "dns", "netboot"… */
  name: string;
  /** French label in the navigation ("Espace numérique"). */
  label: string;
  /** An icon name from ui/components/icon.ts ("monitor", "shield", "network"…); otherwise its first letter is shown. */
  icon?: string;
  routes: ModuleRoute[];
  /**
   * Overrides the default rule "enabled when the organisation lists the module"; e.g. an appliance-wide
   * daemon page could return `org.role === "owner" || org.role === "admin"`.
   */
  enabled?: (org: OrgMembership) => boolean;
}

// One import per module, e.g.: import epn from "./epn";
import epn from "./epn";
import netboot from "./netboot";
import dns from "./dns";

/** The list the navigation and the router read. Add one line per module. */
export const UI_MODULES: UiModule[] = [epn, netboot, dns];

/** Whether the module is usable in this organisation. */
export function isEnabled(m: UiModule, org: OrgMembership | null) {
  if (!org) return false;
  return m.enabled ? m.enabled(org) : org.modules.includes(m.name);
}
