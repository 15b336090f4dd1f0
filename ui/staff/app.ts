/** The staff app root: first-boot probe, then setup wizard, public link pages, login, or the logged-in layout. */
import { signal, useSignalEffect } from "@preact/signals";
import { useEffect } from "preact/hooks";
import { html } from "../lib/html";
import { get, asApiError, type ApiError } from "../lib/api";
import { authState, currentOrg, loadMe, logout, me } from "../lib/session";
import { currentPath, navigate, resolve } from "../lib/router";
import { connectLive, liveHooks } from "../lib/live";
import { t } from "../lib/i18n";
import { Toasts, ErrorBanner } from "../components/toast";
import { Layout } from "./layout";
import { appRoutes } from "./routes";
import { SetupWizard } from "./pages/setup";
import { LoginPage } from "./pages/login";
import { ForgotPasswordPage, ResetPasswordPage } from "./pages/password-reset";
import { InvitationPage } from "./pages/invitation";
import { NotFoundPage } from "./pages/not-found";

/** null until GET /api/setup answers. */
const setupNeeded = signal<boolean | null>(null);
const bootError = signal<ApiError | null>(null);

/** Pages reachable from an e-mail link or the login page, whether logged in or not. */
const PUBLIC = [
  { path: "/invitation/:token", view: InvitationPage },
  { path: "/reinitialiser/:token", view: ResetPasswordPage },
  { path: "/mot-de-passe-oublie", view: ForgotPasswordPage },
];

// The live socket closed for lost access (session ended, membership removed): ask the server who we are now.
liveHooks.onAccessLost = () => {
  void loadMe().catch(() => undefined);
};

async function boot() {
  bootError.value = null;
  try {
    const s = await get<{ needed: boolean }>("setup", undefined, { org: null });
    setupNeeded.value = s.needed;
    if (!s.needed) await loadMe();
  } catch (e) {
    bootError.value = asApiError(e);
  }
}

/** Called by the wizard once the server has created the organisation and logged the admin in. */
async function setupDone() {
  setupNeeded.value = false;
  await loadMe();
  navigate("/", { replace: true });
}

function Centered({ children }: { children: unknown }) {
  return html`<main class="centered" id="contenu" tabindex="-1">
    <div class="brand-block"><span class="brand-mark" aria-hidden="true">G</span><span class="brand-name">Guichet</span></div>
    ${children}
  </main>`;
}

function Loading() {
  return html`<${Centered}><p class="muted" role="status">${t("Chargement…")}</p><//>`;
}

function NoOrganisation() {
  return html`<${Centered}>
    <section class="card narrow">
      <h1>${t("Aucune organisation")}</h1>
      <p>${t("Votre compte n'est membre d'aucune organisation. Demandez une invitation à un administrateur.")}</p>
      <button type="button" class="btn btn-secondary" onClick=${() => void logout()}>${t("Se déconnecter")}</button>
    </section>
  <//>`;
}

function Screen() {
  const path = currentPath.value;
  if (bootError.value)
    return html`<${Centered}><section class="card narrow">
      <h1>${t("Le Guichet est injoignable")}</h1>
      <${ErrorBanner} error=${bootError.value} />
      <button type="button" class="btn btn-primary" onClick=${() => void boot()}>${t("Réessayer")}</button>
    </section><//>`;
  if (setupNeeded.value === null) return html`<${Loading} />`;
  if (setupNeeded.value) return html`<${Centered}><${SetupWizard} onDone=${setupDone} /><//>`;
  const pub = resolve(PUBLIC, path);
  if (pub) return html`<${Centered}><${pub.route.view} params=${pub.params} /><//>`;
  const state = authState.value;
  if (state === "unknown") return html`<${Loading} />`;
  if (state !== "authenticated") return html`<${Centered}><${LoginPage} mfa=${state === "mfa"} /><//>`;
  if (path === "/connexion") {
    navigate("/", { replace: true });
    return html`<${Loading} />`;
  }
  const org = currentOrg.value;
  if (!org) return html`<${NoOrganisation} />`;
  const found = resolve(appRoutes(), path);
  const View = found?.route.view ?? NotFoundPage;
  // Keyed by organisation: switching organisation remounts the page, which reloads its data.
  return html`<${Layout}><${View} key=${org.id + path} params=${found?.params ?? {}} /><//>`;
}

/** Root component. */
export function App() {
  useEffect(() => {
    void boot();
  }, []);
  // One live connection for the logged-in user's current organisation.
  useSignalEffect(() => {
    const org = authState.value === "authenticated" && me.value ? currentOrg.value?.id ?? null : null;
    connectLive(org);
  });
  return html`<a class="skip-link" href="#contenu" onClick=${(e: Event) => {
      e.preventDefault();
      document.getElementById("contenu")?.focus();
    }}>${t("Aller au contenu")}</a>
    <${Screen} />
    <${Toasts} />`;
}
