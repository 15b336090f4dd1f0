/** Logged-in layout: header (organisation switcher, notifications, account), navigation, main content. */
import { useState } from "preact/hooks";
import { html } from "../lib/html";
import { currentOrg, logout, me, selectOrg } from "../lib/session";
import { currentPath, href, isUnder, navigate } from "../lib/router";
import { roleLabel, t } from "../lib/i18n";
import { Icon } from "../components/icon";
import { toastError } from "../components/toast";
import { NotificationBell } from "./bell";
import { liveStatus } from "../lib/live";
import { navItems, type NavItem } from "./routes";

function OrgSwitcher() {
  const orgs = me.value?.organisations ?? [];
  const cur = currentOrg.value;
  if (!cur) return null;
  if (orgs.length === 1)
    return html`<div class="org-switcher"><span class="org-label">${t("Organisation")}</span><strong class="org-single">${cur.name}</strong></div>`;
  return html`<div class="org-switcher">
    <label for="org-select" class="org-label">${t("Organisation")}</label>
    <select id="org-select" value=${cur.id} onChange=${(e: Event) => {
      selectOrg((e.target as HTMLSelectElement).value);
      navigate("/");
    }}>
      ${orgs.map((o) => html`<option key=${o.id} value=${o.id}>${o.name}</option>`)}
    </select>
  </div>`;
}

function NavLink({ item, onPick }: { item: NavItem; onPick: () => void }) {
  const path = currentPath.value;
  const active = item.path === "/" ? path === "/" : isUnder(path, item.path) || !!item.children?.some((c) => isUnder(path, c.path));
  return html`<li>
    <a href=${href(item.path)} class=${"nav-link" + (active ? " active" : "")} aria-current=${active && path === item.path ? "page" : undefined} onClick=${onPick}>
      <${Icon} name=${item.icon} /><span>${item.label}</span>
    </a>
    ${item.children && active
      ? html`<ul class="nav-sub">${item.children.map(
          (c) => html`<li key=${c.path}><a href=${href(c.path)} class=${"nav-link" + (path === c.path ? " active" : "")} aria-current=${path === c.path ? "page" : undefined} onClick=${onPick}>${c.label}</a></li>`,
        )}</ul>`
      : null}
  </li>`;
}

/** The page frame around every logged-in view. */
export function Layout({ children }: { children: unknown }) {
  const [menuOpen, setMenuOpen] = useState(false);
  const { modules, platform } = navItems();
  const org = currentOrg.value!;
  const user = me.value!;
  const close = () => setMenuOpen(false);
  const doLogout = async () => {
    try {
      await logout();
      navigate("/connexion", { replace: true });
    } catch (e) {
      toastError(e);
    }
  };
  // data-live shows the live socket's state (for support and tests).
  return html`<div class="shell" data-live=${liveStatus.value}>
    <header class="topbar">
      <button type="button" class="btn-icon menu-toggle" aria-expanded=${menuOpen} aria-controls="navigation" onClick=${() => setMenuOpen(!menuOpen)}>
        <${Icon} name="menu" label=${t("Menu")} />
      </button>
      <a href="#/" class="brand" aria-label=${t("Guichet — tableau de bord")}><span class="brand-mark" aria-hidden="true">G</span><span class="brand-name">Guichet</span></a>
      <${OrgSwitcher} />
      <div class="topbar-end">
        <${NotificationBell} />
        <a href="#/compte" class="user-chip" title=${t("Mon compte")}>
          <${Icon} name="user" /><span class="user-name">${user.name || user.email}</span><span class="user-role">${roleLabel(org.role)}</span>
        </a>
        <button type="button" class="btn btn-ghost" onClick=${doLogout}><${Icon} name="logout" /><span>${t("Se déconnecter")}</span></button>
      </div>
    </header>
    <div class="shell-body">
      <nav id="navigation" class=${"sidenav" + (menuOpen ? " open" : "")} aria-label=${t("Navigation principale")}>
        <ul>
          ${platform.filter((p) => p.path === "/").map((i) => html`<${NavLink} key=${i.path} item=${i} onPick=${close} />`)}
        </ul>
        ${modules.length
          ? html`<p class="nav-title">${t("Modules")}</p><ul>${modules.map((i) => html`<${NavLink} key=${i.path} item=${i} onPick=${close} />`)}</ul>`
          : null}
        <p class="nav-title">${t("Administration")}</p>
        <ul>
          ${platform.filter((p) => p.path !== "/").map((i) => html`<${NavLink} key=${i.path} item=${i} onPick=${close} />`)}
        </ul>
      </nav>
      <main id="contenu" class="content" tabindex="-1">${children}</main>
    </div>
  </div>`;
}
