/** `#/invitation/<token>`: shows who invites to what, then creates the account (or joins with the current one). */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { roleLabel, t } from "../../lib/i18n";
import { passwordProblem } from "../../lib/validate";
import { authState, loadMe, logout, me, selectOrg } from "../../lib/session";
import { href, navigate } from "../../lib/router";
import { Field, Submit } from "../../components/field";
import { ErrorBanner } from "../../components/toast";
import { LoginForm } from "./login";

interface Info {
  organisation: string;
  email: string;
  role: string;
  hasAccount: boolean;
}

async function joined(orgId: string) {
  await loadMe();
  selectOrg(orgId);
  navigate("/", { replace: true });
}

function NewAccountForm({ token, info }: { token: string; info: Info }) {
  const [name, setName] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction(async () => {
    const r = await post<{ orgId: string }>(`invitations/${encodeURIComponent(token)}/accept`, { name, password }, { quiet401: true, org: null });
    await joined(r.orgId);
  });
  const submit = (e: Event) => {
    e.preventDefault();
    const f: Record<string, string> = {};
    if (!name.trim()) f.name = t("Le nom est obligatoire.");
    const p = passwordProblem(password, confirm);
    if (p) f[p.field] = p.message;
    setLocal(f);
    if (!Object.keys(f).length) void action.run();
  };
  return html`<form onSubmit=${submit} noValidate>
    <p>${t("Créez votre compte pour accepter l'invitation.")}</p>
    <${ErrorBanner} error=${action.error} shownFields=${["name", "password"]} />
    <${Field} label=${t("Adresse e-mail")} name="email" type="email" value=${info.email} onInput=${() => undefined} disabled />
    <${Field} label=${t("Nom et prénom")} name="name" value=${name} onInput=${setName} required autofocus autocomplete="name" error=${local.name ?? action.fields.name} maxlength=${200} />
    <${Field} label=${t("Mot de passe")} name="password" type="password" value=${password} onInput=${setPassword} required autocomplete="new-password"
      hint=${t("10 caractères minimum.")} error=${local.password ?? action.fields.password} />
    <${Field} label=${t("Confirmation du mot de passe")} name="confirm" type="password" value=${confirm} onInput=${setConfirm} required autocomplete="new-password" error=${local.confirm} />
    <div class="form-actions"><${Submit} label=${t("Créer mon compte et rejoindre")} busy=${action.busy} /></div>
  </form>`;
}

function ExistingAccount({ token, info }: { token: string; info: Info }) {
  const action = useAction(async () => {
    const r = await post<{ orgId: string }>(`invitations/${encodeURIComponent(token)}/accept`, {}, { quiet401: true, org: null });
    await joined(r.orgId);
  });
  const user = me.value;
  if (authState.value !== "authenticated" || !user)
    return html`<p>${t("Un compte existe déjà pour {email} : connectez-vous avec ce compte pour accepter l'invitation.", { email: info.email })}</p>
      <${LoginForm} mfa=${authState.value === "mfa"} />`;
  if (user.email !== info.email)
    return html`<p>${t("Vous êtes connecté en tant que {me}, mais l'invitation est adressée à {email}.", { me: user.email, email: info.email })}</p>
      <button type="button" class="btn btn-secondary" onClick=${() => void logout()}>${t("Se déconnecter")}</button>`;
  return html`<${ErrorBanner} error=${action.error} />
    <button type="button" class="btn btn-primary" disabled=${action.busy} onClick=${() => void action.run()}>${t("Accepter l'invitation")}</button>`;
}

/** The invitation page. */
export function InvitationPage({ params }: { params: { token: string } }) {
  const info = useLoad(() => get<Info>(`invitations/${encodeURIComponent(params.token)}`, undefined, { quiet401: true, org: null }), [params.token]);
  return html`<section class="card narrow" aria-labelledby="inv-title">
    <h1 id="inv-title">${t("Invitation")}</h1>
    ${info.loading && !info.data ? html`<p class="muted" role="status">${t("Chargement…")}</p>` : null}
    <${ErrorBanner} error=${info.error} />
    ${info.data
      ? html`<p class="lead">${t("Vous êtes invité à rejoindre « {org} » en tant que {role}.", { org: info.data.organisation, role: roleLabel(info.data.role).toLowerCase() })}</p>
          ${info.data.hasAccount ? html`<${ExistingAccount} token=${params.token} info=${info.data} />` : html`<${NewAccountForm} token=${params.token} info=${info.data} />`}`
      : null}
    ${info.error ? html`<p class="card-foot"><a href=${href("/connexion")}>${t("Aller à la page de connexion")}</a></p>` : null}
  </section>`;
}
