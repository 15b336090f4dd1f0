/** Forgotten password: ask for a link by e-mail; then, from the link, choose a new password. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { post } from "../../lib/api";
import { useAction } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { isEmail, passwordProblem } from "../../lib/validate";
import { href } from "../../lib/router";
import { loadMe } from "../../lib/session";
import { Field, Submit } from "../../components/field";
import { Banner, ErrorBanner } from "../../components/toast";

/** `#/mot-de-passe-oublie`: sends the reset link (the server answers the same whether the account exists or not). */
export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const [local, setLocal] = useState<string | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  const action = useAction(async () => {
    const r = await post<{ message: string }>("auth/password/forgot", { email }, { quiet401: true });
    setSent(r.message);
  });
  const submit = (e: Event) => {
    e.preventDefault();
    if (!isEmail(email)) return setLocal(t("Adresse e-mail invalide."));
    setLocal(null);
    void action.run();
  };
  return html`<section class="card narrow" aria-labelledby="forgot-title">
    <h1 id="forgot-title">${t("Mot de passe oublié")}</h1>
    ${sent
      ? html`<${Banner} kind="success">${sent}<//><p>${t("Le lien est valable une heure. Pensez à regarder dans les courriers indésirables.")}</p>`
      : html`<form onSubmit=${submit} noValidate>
          <p>${t("Indiquez l'adresse e-mail de votre compte : vous recevrez un lien pour choisir un nouveau mot de passe.")}</p>
          <${ErrorBanner} error=${action.error} />
          <${Field} label=${t("Adresse e-mail")} name="email" type="email" value=${email} onInput=${setEmail} required autofocus autocomplete="email" error=${local ?? action.fields.email} />
          <div class="form-actions"><${Submit} label=${t("Recevoir le lien")} busy=${action.busy} /></div>
        </form>`}
    <p class="card-foot"><a href=${href("/connexion")}>${t("Retour à la connexion")}</a></p>
  </section>`;
}

/** `#/reinitialiser/<token>`: the link from the e-mail. */
export function ResetPasswordPage({ params }: { params: { token: string } }) {
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const action = useAction(async () => {
    await post("auth/password/reset", { token: params.token, password }, { quiet401: true });
    setDone(true);
    // The server closed every session of the account, maybe this tab's too.
    await loadMe();
  });
  const submit = (e: Event) => {
    e.preventDefault();
    const p = passwordProblem(password, confirm);
    setLocal(p ? { [p.field]: p.message } : {});
    if (!p) void action.run();
  };
  return html`<section class="card narrow" aria-labelledby="reset-title">
    <h1 id="reset-title">${t("Nouveau mot de passe")}</h1>
    ${done
      ? html`<${Banner} kind="success">${t("Votre mot de passe a été changé. Toutes vos sessions ont été fermées : connectez-vous avec le nouveau mot de passe.")}<//>
          <p><a class="btn btn-primary" href=${href("/connexion")}>${t("Se connecter")}</a></p>`
      : html`<form onSubmit=${submit} noValidate>
          <${ErrorBanner} error=${action.error} shownFields=${["password"]} />
          <${Field} label=${t("Nouveau mot de passe")} name="password" type="password" value=${password} onInput=${setPassword} required autofocus autocomplete="new-password"
            hint=${t("10 caractères minimum.")} error=${local.password ?? action.fields.password} />
          <${Field} label=${t("Confirmation du mot de passe")} name="confirm" type="password" value=${confirm} onInput=${setConfirm} required autocomplete="new-password" error=${local.confirm} />
          <div class="form-actions"><${Submit} label=${t("Changer le mot de passe")} busy=${action.busy} /></div>
        </form>
        <p class="card-foot"><a href=${href("/mot-de-passe-oublie")}>${t("Demander un nouveau lien")}</a></p>`}
  </section>`;
}
