/** Two-factor authentication: enrol (QR code + first code → recovery codes shown once), or disable with the password. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { post } from "../../lib/api";
import { useAction } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { loadMe, me } from "../../lib/session";
import { Field, Submit } from "../../components/field";
import { Modal } from "../../components/modal";
import { ErrorBanner, toast } from "../../components/toast";

interface Enrolment {
  secret: string;
  uri: string;
  qrSvgDataUrl: string;
}

function Enrol({ onCancel, onDone }: { onCancel: () => void; onDone: (codes: string[]) => void }) {
  const [enrol, setEnrol] = useState<Enrolment | null>(null);
  const [code, setCode] = useState("");
  const start = useAction(async () => setEnrol(await post<Enrolment>("auth/totp/setup")));
  const confirm = useAction(async () => {
    const r = await post<{ recoveryCodes: string[] }>("auth/totp/enable", { code });
    await loadMe();
    onDone(r.recoveryCodes);
  });
  if (!enrol)
    return html`<div>
      <${ErrorBanner} error=${start.error} />
      <p>${t("Il vous faut une application d'authentification sur votre téléphone (par exemple FreeOTP, Aegis ou Google Authenticator).")}</p>
      <button type="button" class="btn btn-primary" disabled=${start.busy} onClick=${() => void start.run()}>${t("Afficher le QR code")}</button>
      <button type="button" class="btn btn-ghost" onClick=${onCancel}>${t("Annuler")}</button>
    </div>`;
  return html`<div class="enrol">
    <ol class="enrol-steps">
      <li>
        <p>${t("Scannez ce QR code avec votre application :")}</p>
        <img class="qr" src=${enrol.qrSvgDataUrl} width="200" height="200" alt=${t("QR code de configuration de la double authentification")} />
        <p class="hint">${t("Ou saisissez cette clé à la main :")} <code class="secret" data-testid="totp-secret">${enrol.secret}</code></p>
      </li>
      <li>
        <form onSubmit=${(e: Event) => (e.preventDefault(), void confirm.run())} noValidate class="narrow-form">
          <${ErrorBanner} error=${confirm.error} shownFields=${["code"]} />
          <${Field} label=${t("Code à 6 chiffres affiché par l'application")} name="totpCode" value=${code} onInput=${setCode} required
            autocomplete="one-time-code" inputmode="numeric" maxlength=${12} error=${confirm.fields.code} />
          <div class="form-actions">
            <button type="button" class="btn btn-ghost" onClick=${onCancel}>${t("Annuler")}</button>
            <${Submit} label=${t("Activer la double authentification")} busy=${confirm.busy} />
          </div>
        </form>
      </li>
    </ol>
  </div>`;
}

function Disable({ onCancel }: { onCancel: () => void }) {
  const [password, setPassword] = useState("");
  const action = useAction(async () => {
    await post("auth/totp/disable", { password });
    await loadMe();
    toast(t("Double authentification désactivée."));
    onCancel();
  });
  return html`<form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate class="narrow-form">
    <${ErrorBanner} error=${action.error} shownFields=${["password"]} />
    <${Field} label=${t("Confirmez avec votre mot de passe")} name="disablePassword" type="password" value=${password} onInput=${setPassword} required
      autocomplete="current-password" error=${action.fields.password} />
    <div class="form-actions">
      <button type="button" class="btn btn-ghost" onClick=${onCancel}>${t("Annuler")}</button>
      <${Submit} label=${t("Désactiver")} kind="danger" busy=${action.busy} />
    </div>
  </form>`;
}

/** The 2FA panel of the account page. */
export function TwoFactorSection() {
  const enabled = !!me.value?.totpEnabled;
  const [mode, setMode] = useState<"idle" | "enrol" | "disable">("idle");
  const [codes, setCodes] = useState<string[] | null>(null);
  const download = () => {
    const blob = new Blob([t("Codes de secours Guichet pour {email}", { email: me.value?.email ?? "" }) + "\n\n" + codes!.join("\n") + "\n"], { type: "text/plain" });
    const a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "guichet-codes-de-secours.txt";
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };
  return html`<section class="panel" aria-labelledby="tfa-title">
    <h2 id="tfa-title">${t("Double authentification")}</h2>
    <p>
      ${enabled
        ? html`<span class="tag tag-ok">${t("activée")}</span> ${t("Un code de votre téléphone est demandé à chaque connexion.")}`
        : html`<span class="tag tag-warn">${t("désactivée")}</span> ${t("Recommandée pour tous les comptes, obligatoire en pratique pour les administrateurs.")}`}
    </p>
    ${mode === "idle"
      ? enabled
        ? html`<button type="button" class="btn btn-secondary" onClick=${() => setMode("disable")}>${t("Désactiver la double authentification")}</button>`
        : html`<button type="button" class="btn btn-primary" onClick=${() => setMode("enrol")}>${t("Activer la double authentification")}</button>`
      : null}
    ${mode === "enrol" ? html`<${Enrol} onCancel=${() => setMode("idle")} onDone=${(c: string[]) => (setCodes(c), setMode("idle"))} />` : null}
    ${mode === "disable" ? html`<${Disable} onCancel=${() => setMode("idle")} />` : null}
    <${Modal} open=${!!codes} title=${t("Vos codes de secours")} onClose=${() => setCodes(null)}
      actions=${html`<button type="button" class="btn btn-secondary" onClick=${download}>${t("Télécharger")}</button>
        <button type="button" class="btn btn-primary" onClick=${() => setCodes(null)}>${t("J'ai conservé mes codes")}</button>`}>
      <p class="banner banner-warning">${t("Notez ces codes et gardez-les en lieu sûr : ils ne seront plus affichés. Chacun permet une connexion si vous perdez votre téléphone.")}</p>
      <ul class="recovery-codes" data-testid="recovery-codes">${(codes ?? []).map((c) => html`<li key=${c}><code>${c}</code></li>`)}</ul>
    <//>
  </section>`;
}
