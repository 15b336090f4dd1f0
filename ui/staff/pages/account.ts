/** Account page: identity and language, password change, 2FA, active sessions, log out. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { post } from "../../lib/api";
import { useAction } from "../../lib/hooks";
import { lang, setLang, t, roleLabel, type Lang } from "../../lib/i18n";
import { passwordProblem } from "../../lib/validate";
import { logout, me } from "../../lib/session";
import { navigate } from "../../lib/router";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner, toast, toastError } from "../../components/toast";
import { TwoFactorSection } from "./account-2fa";
import { SessionsSection } from "./account-sessions";
import { NotificationPrefsSection } from "./account-notifications";

function PasswordSection() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction(async () => {
    await post("auth/password", { current, next });
    setCurrent("");
    setNext("");
    setConfirm("");
    toast(t("Mot de passe changé. Vos autres sessions ont été fermées."));
  });
  const submit = (e: Event) => {
    e.preventDefault();
    const f: Record<string, string> = {};
    if (!current) f.current = t("Saisissez votre mot de passe actuel.");
    const p = passwordProblem(next, confirm);
    if (p) f[p.field === "password" ? "next" : "confirm"] = p.message;
    setLocal(f);
    if (!Object.keys(f).length) void action.run();
  };
  return html`<section class="panel" aria-labelledby="pw-title">
    <h2 id="pw-title">${t("Mot de passe")}</h2>
    <form onSubmit=${submit} noValidate class="narrow-form">
      <${ErrorBanner} error=${action.error} shownFields=${["current", "next"]} />
      <${Field} label=${t("Mot de passe actuel")} name="current" type="password" value=${current} onInput=${setCurrent} required autocomplete="current-password" error=${local.current ?? action.fields.current} />
      <${Field} label=${t("Nouveau mot de passe")} name="next" type="password" value=${next} onInput=${setNext} required autocomplete="new-password" hint=${t("10 caractères minimum.")} error=${local.next ?? action.fields.next} />
      <${Field} label=${t("Confirmation du nouveau mot de passe")} name="confirmNext" type="password" value=${confirm} onInput=${setConfirm} required autocomplete="new-password" error=${local.confirm} />
      <div class="form-actions"><${Submit} label=${t("Changer le mot de passe")} busy=${action.busy} /></div>
    </form>
  </section>`;
}

function ProfileSection() {
  const u = me.value!;
  return html`<section class="panel" aria-labelledby="profile-title">
    <h2 id="profile-title">${t("Identité")}</h2>
    <dl class="facts">
      <dt>${t("Nom")}</dt><dd>${u.name}</dd>
      <dt>${t("E-mail")}</dt><dd>${u.email}</dd>
      <dt>${t("Organisations")}</dt>
      <dd>${u.organisations.map((o) => html`<span key=${o.id} class="org-role">${o.name} (${roleLabel(o.role).toLowerCase()})</span>`)}</dd>
    </dl>
    <div class="narrow-form">
      <${Select} label=${t("Langue de l'interface")} name="lang" value=${lang.value} onChange=${(v: string) => setLang(v as Lang)}
        options=${[{ value: "fr", label: "Français" }, { value: "en", label: "English" }]} />
    </div>
  </section>`;
}

/** The account page. */
export function AccountPage() {
  const doLogout = async () => {
    try {
      await logout();
      navigate("/connexion", { replace: true });
    } catch (e) {
      toastError(e);
    }
  };
  return html`<section class="page">
    <h1>${t("Mon compte")}</h1>
    <${ProfileSection} />
    <${PasswordSection} />
    <${TwoFactorSection} />
    <${SessionsSection} />
    <${NotificationPrefsSection} />
    <section class="panel" aria-labelledby="logout-title">
      <h2 id="logout-title">${t("Déconnexion")}</h2>
      <p>${t("Ferme la session de ce navigateur. Pensez-y sur un poste partagé.")}</p>
      <button type="button" class="btn btn-secondary" onClick=${doLogout}>${t("Se déconnecter")}</button>
    </section>
  </section>`;
}
