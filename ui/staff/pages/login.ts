/** Login: e-mail + password, then the 2FA code when the account has it; a link to the forgotten-password form. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { post } from "../../lib/api";
import { useAction } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { authState, loadMe, logout } from "../../lib/session";
import { currentPath, href, navigate } from "../../lib/router";
import { Field, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";

async function finish() {
  await loadMe();
  // Stay on the page the user was heading to (e.g. an invitation), except the login page itself.
  if (currentPath.value === "/connexion") navigate("/", { replace: true });
}

function PasswordStep() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction(async () => {
    const r = await post<{ mfaRequired: boolean }>("auth/login", { email, password }, { quiet401: true });
    if (r.mfaRequired) authState.value = "mfa";
    else await finish();
  });
  return html`<form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate>
    <${ErrorBanner} error=${action.error} />
    <${Field} label=${t("Adresse e-mail")} name="email" type="email" value=${email} onInput=${setEmail} required autofocus autocomplete="username" maxlength=${254} />
    <${Field} label=${t("Mot de passe")} name="password" type="password" value=${password} onInput=${setPassword} required autocomplete="current-password" />
    <div class="form-actions spread">
      <a href=${href("/mot-de-passe-oublie")}>${t("Mot de passe oublié ?")}</a>
      <${Submit} label=${t("Se connecter")} busy=${action.busy} busyLabel=${t("Connexion…")} />
    </div>
  </form>`;
}

function CodeStep() {
  const [code, setCode] = useState("");
  const action = useAction(async () => {
    const r = await post<{ recoveryCodesLeft?: number }>("auth/login/totp", { code }, { quiet401: true });
    if (typeof r.recoveryCodesLeft === "number") toast(t("Code de secours utilisé : il vous en reste {n}.", { n: r.recoveryCodesLeft }), "info");
    await finish();
  });
  const cancel = async () => {
    await logout().catch(() => undefined);
  };
  return html`<form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate>
    <p>${t("Saisissez le code à 6 chiffres affiché par votre application d'authentification, ou un de vos codes de secours.")}</p>
    <${ErrorBanner} error=${action.error} />
    <${Field} label=${t("Code de vérification")} name="code" value=${code} onInput=${setCode} required autofocus autocomplete="one-time-code" inputmode="numeric" maxlength=${40} />
    <div class="form-actions spread">
      <button type="button" class="btn btn-secondary" onClick=${cancel}>${t("Annuler")}</button>
      <${Submit} label=${t("Valider")} busy=${action.busy} busyLabel=${t("Vérification…")} />
    </div>
  </form>`;
}

/** The login form alone (password step, or the code step when `mfa`), for embedding in other pages. */
export function LoginForm({ mfa }: { mfa: boolean }) {
  return mfa ? html`<${CodeStep} />` : html`<${PasswordStep} />`;
}

/** The login card; `mfa` shows the code step directly (password already accepted). */
export function LoginPage({ mfa }: { mfa: boolean }) {
  return html`<section class="card narrow" aria-labelledby="login-title">
    <h1 id="login-title">${mfa ? t("Double authentification") : t("Connexion")}</h1>
    <${LoginForm} mfa=${mfa} />
  </section>`;
}
