/** First-boot wizard: 1) the organisation (name, SIRET, address), 2) the first administrator; then POST /api/setup. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { post, ApiError } from "../../lib/api";
import { useAction } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { isEmail, isSiret, passwordProblem } from "../../lib/validate";
import { Field, TextArea, Submit } from "../../components/field";
import { ErrorBanner } from "../../components/toast";

const ORG_FIELDS = ["name", "siret", "address", "organisation.name", "organisation.siret", "organisation.address"];

/** Maps the server's field names (setup service or schema validation) onto this form's fields. */
function serverFields(f: Record<string, string>) {
  return {
    orgName: f.name ?? f["organisation.name"],
    siret: f.siret ?? f["organisation.siret"],
    address: f.address ?? f["organisation.address"],
    adminName: f.adminName ?? f["admin.name"],
    email: f.email ?? f["admin.email"],
    password: f.password ?? f["admin.password"],
  };
}

/** The wizard; `onDone` runs once the server has created the organisation and opened the admin's session. */
export function SetupWizard({ onDone }: { onDone: () => void | Promise<void> }) {
  const [step, setStep] = useState<1 | 2>(1);
  const [orgName, setOrgName] = useState("");
  const [siret, setSiret] = useState("");
  const [address, setAddress] = useState("");
  const [adminName, setAdminName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction(async () => {
    try {
      await post("setup", {
        organisation: { name: orgName, siret: siret.replace(/\s/g, "") || null, address: address || null },
        admin: { name: adminName, email, password },
      });
    } catch (e) {
      // A server error about the organisation sends the user back to the step where the field is.
      if (e instanceof ApiError && Object.keys(e.fields).some((k) => ORG_FIELDS.includes(k))) setStep(1);
      throw e;
    }
    await onDone();
  });
  const server = serverFields(action.fields);
  const err = (k: keyof typeof server) => local[k] ?? server[k];

  const nextStep = (e: Event) => {
    e.preventDefault();
    const f: Record<string, string> = {};
    if (!orgName.trim()) f.orgName = t("Le nom est obligatoire.");
    if (siret.trim() && !isSiret(siret)) f.siret = t("SIRET invalide : 14 chiffres attendus (clé de contrôle incorrecte ?).");
    setLocal(f);
    if (Object.keys(f).length) return;
    action.setError(null);
    setStep(2);
  };
  const submit = async (e: Event) => {
    e.preventDefault();
    const f: Record<string, string> = {};
    if (!adminName.trim()) f.adminName = t("Le nom est obligatoire.");
    if (!isEmail(email)) f.email = t("Adresse e-mail invalide.");
    const pw = passwordProblem(password, confirm);
    if (pw) f[pw.field] = pw.message;
    setLocal(f);
    if (Object.keys(f).length) return;
    await action.run();
  };
  return html`<section class="card wizard" aria-labelledby="setup-title">
    <h1 id="setup-title">${t("Installation du Guichet")}</h1>
    <p class="lead">${t("Bienvenue ! Deux étapes pour commencer : votre organisation, puis le premier compte administrateur.")}</p>
    <ol class="steps" aria-label=${t("Étapes")}>
      <li class=${step === 1 ? "current" : "done"} aria-current=${step === 1 ? "step" : undefined}>${t("Organisation")}</li>
      <li class=${step === 2 ? "current" : ""} aria-current=${step === 2 ? "step" : undefined}>${t("Administrateur")}</li>
    </ol>
    <${ErrorBanner} error=${action.error} shownFields=${[...ORG_FIELDS, "adminName", "email", "password", "admin.name", "admin.email", "admin.password"]} />
    ${step === 1
      ? html`<form onSubmit=${nextStep} noValidate>
          <${Field} label=${t("Nom de l'organisation")} name="orgName" value=${orgName} onInput=${setOrgName} required autofocus
            hint=${t("Par exemple : Mairie de Saint-Martin")} error=${err("orgName")} maxlength=${200} />
          <${Field} label=${t("SIRET")} name="siret" value=${siret} onInput=${setSiret} inputmode="numeric"
            hint=${t("14 chiffres, facultatif")} error=${err("siret")} maxlength=${20} />
          <${TextArea} label=${t("Adresse postale")} name="address" value=${address} onInput=${setAddress} error=${err("address")} maxlength=${500} />
          <div class="form-actions"><button type="submit" class="btn btn-primary">${t("Continuer")}</button></div>
        </form>`
      : html`<form onSubmit=${submit} noValidate>
          <p class="muted">${t("Organisation : {name}", { name: orgName })}</p>
          <${Field} label=${t("Nom et prénom")} name="adminName" value=${adminName} onInput=${setAdminName} required autofocus autocomplete="name" error=${err("adminName")} maxlength=${200} />
          <${Field} label=${t("Adresse e-mail")} name="email" type="email" value=${email} onInput=${setEmail} required autocomplete="email" error=${err("email")} maxlength=${254} />
          <${Field} label=${t("Mot de passe")} name="password" type="password" value=${password} onInput=${setPassword} required autocomplete="new-password"
            hint=${t("10 caractères minimum.")} error=${err("password")} />
          <${Field} label=${t("Confirmation du mot de passe")} name="confirm" type="password" value=${confirm} onInput=${setConfirm} required autocomplete="new-password" error=${local.confirm} />
          <div class="form-actions">
            <button type="button" class="btn btn-secondary" onClick=${() => setStep(1)}>${t("Retour")}</button>
            <${Submit} label=${t("Terminer l'installation")} busy=${action.busy} busyLabel=${t("Installation…")} />
          </div>
        </form>`}
  </section>`;
}
