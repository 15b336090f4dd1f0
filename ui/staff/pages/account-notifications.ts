/** Notification preferences: for every kind (and by default), receive it in Guichet and/or by e-mail. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, put } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { ErrorBanner, toast } from "../../components/toast";

/** GET /api/notifications/prefs. */
interface Prefs {
  default: { inApp: boolean; email: boolean };
  kinds: { kind: string; label: string; inApp: boolean; email: boolean; custom: boolean }[];
}

type Row = { kind: string; label: string; inApp: boolean; email: boolean; custom: boolean };

function Toggle({ label, checked, onChange }: { label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return html`<input type="checkbox" aria-label=${label} checked=${checked} onChange=${(e: Event) => onChange((e.target as HTMLInputElement).checked)} />`;
}

/** The preferences panel of the account page. */
export function NotificationPrefsSection() {
  const prefs = useLoad(() => get<Prefs>("notifications/prefs"), []);
  const [def, setDef] = useState({ inApp: true, email: true });
  const [rows, setRows] = useState<Row[]>([]);
  useEffect(() => {
    if (!prefs.data) return;
    setDef(prefs.data.default);
    setRows(prefs.data.kinds);
  }, [prefs.data]);
  const save = useAction(async () => {
    const r = await put<Prefs>("notifications/prefs", {
      default: def,
      kinds: rows.filter((k) => k.custom).map((k) => ({ kind: k.kind, inApp: k.inApp, email: k.email })),
      reset: rows.filter((k) => !k.custom).map((k) => k.kind),
    });
    prefs.setData(r);
    toast(t("Préférences de notification enregistrées."));
  });
  // Changing a kind's box makes it a custom choice; "par défaut" puts it back on the default line.
  const setKind = (kind: string, patch: Partial<Row>) => setRows(rows.map((k) => (k.kind === kind ? { ...k, ...patch, custom: patch.custom ?? true } : k)));
  const eff = (k: Row) => (k.custom ? k : { ...k, ...def });
  return html`<section class="panel" aria-labelledby="notif-prefs-title">
    <h2 id="notif-prefs-title">${t("Notifications")}</h2>
    <p class="hint">${t("Choisissez, pour chaque type de message, s'il apparaît dans Guichet et s'il vous est aussi envoyé par e-mail.")}</p>
    <${ErrorBanner} error=${prefs.error ?? save.error} />
    ${prefs.data
      ? html`<form onSubmit=${(e: Event) => (e.preventDefault(), void save.run())}>
          <div class="table-wrap"><table class="table">
            <caption class="sr-only">${t("Préférences de notification")}</caption>
            <thead><tr><th scope="col">${t("Type")}</th><th scope="col">${t("Dans Guichet")}</th><th scope="col">${t("Par e-mail")}</th><th scope="col">${t("Réglage")}</th></tr></thead>
            <tbody>
              <tr class="row-default">
                <th scope="row">${t("Par défaut (tous les types)")}</th>
                <td><${Toggle} label=${t("Par défaut : dans Guichet")} checked=${def.inApp} onChange=${(v: boolean) => setDef({ ...def, inApp: v })} /></td>
                <td><${Toggle} label=${t("Par défaut : par e-mail")} checked=${def.email} onChange=${(v: boolean) => setDef({ ...def, email: v })} /></td>
                <td></td>
              </tr>
              ${rows.map((k) => {
                const e = eff(k);
                return html`<tr key=${k.kind}>
                  <th scope="row">${k.label}</th>
                  <td><${Toggle} label=${t("{kind} : dans Guichet", { kind: k.label })} checked=${e.inApp} onChange=${(v: boolean) => setKind(k.kind, { inApp: v, email: e.email })} /></td>
                  <td><${Toggle} label=${t("{kind} : par e-mail", { kind: k.label })} checked=${e.email} onChange=${(v: boolean) => setKind(k.kind, { inApp: e.inApp, email: v })} /></td>
                  <td>${k.custom
                    ? html`<button type="button" class="btn btn-small btn-ghost" onClick=${() => setKind(k.kind, { custom: false })}>${t("Revenir au réglage par défaut")}</button>`
                    : html`<span class="muted">${t("par défaut")}</span>`}</td>
                </tr>`;
              })}
            </tbody>
          </table></div>
          <div class="form-actions"><button type="submit" class="btn btn-primary" disabled=${save.busy}>${t("Enregistrer les préférences")}</button></div>
        </form>`
      : html`<p class="muted" role="status">${prefs.error ? "" : t("Chargement…")}</p>`}
  </section>`;
}
