/** DNS settings: blocking answer, privacy of the query log and its retention, cache bounds, per-client limit. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, patch, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { currentOrg } from "../../lib/session";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import { PRIVACY_LABELS, type DnsSettings } from "./api";

const NUMBERS: [keyof DnsSettings, string, string][] = [
  ["blockedTtl", "Durée de vie des réponses bloquées (secondes)", "Courte, pour qu'un déblocage prenne effet vite."],
  ["logRetentionDays", "Conservation du journal (jours)", "Les statistiques agrégées sont gardées 90 jours."],
  ["cacheMinTtl", "Durée de vie minimale en cache (secondes)", "0 : respecter la durée de vie donnée par le serveur amont."],
  ["cacheMaxTtl", "Durée de vie maximale en cache (secondes)", ""],
  ["cacheSize", "Taille du cache (réponses)", ""],
  ["rateLimit", "Limite par client (requêtes par seconde)", "0 : aucune limite. Au-delà, les requêtes du client sont ignorées."],
];

/** The page. */
export function DnsSettingsPage() {
  const org = currentOrg.value!;
  const loaded = useLoad(() => get<DnsSettings>("dns/settings"), [org.id]);
  const [form, setForm] = useState<Record<string, string>>({});
  useEffect(() => {
    if (loaded.data) setForm(Object.fromEntries(Object.entries(loaded.data).map(([k, v]) => [k, String(v)])));
  }, [loaded.data]);
  const save = useAction(async () => {
    const body: Record<string, unknown> = { blockingMode: form.blockingMode, privacy: form.privacy };
    for (const [k] of NUMBERS) body[k] = Number(form[k]);
    loaded.setData(await patch<DnsSettings>("dns/settings", body));
    toast(t("Réglages DNS enregistrés."));
  });
  const flush = useAction(async () => {
    await post("dns/cache/flush");
    toast(t("Cache des réponses vidé."));
  });
  const set = (k: string) => (v: string) => setForm({ ...form, [k]: v });
  return html`<section class="page">
    <h1>${t("Réglages du filtre DNS")}</h1>
    <${ErrorBanner} error=${loaded.error ?? flush.error} />
    ${loaded.data
      ? html`<form class="panel medium-form" onSubmit=${(e: Event) => (e.preventDefault(), void save.run())} noValidate>
          <${ErrorBanner} error=${save.error} shownFields=${["blockingMode", "privacy", ...NUMBERS.map(([k]) => k)]} />
          <${Select} label=${t("Réponse pour un nom bloqué")} name="blockingMode" value=${form.blockingMode ?? ""} onChange=${set("blockingMode")} error=${save.fields.blockingMode} options=${[
            { value: "null_ip", label: t("Adresse nulle (0.0.0.0 / ::)") },
            { value: "nxdomain", label: t("Nom inexistant (NXDOMAIN)") },
          ]} />
          <${Select} label=${t("Confidentialité du journal")} name="privacy" value=${form.privacy ?? ""} onChange=${set("privacy")} error=${save.fields.privacy}
            options=${Object.entries(PRIVACY_LABELS).map(([value, label]) => ({ value, label: t(label) }))} />
          <p class="hint">${t("Passer à un niveau plus discret efface aussi ce que le journal contient déjà.")}</p>
          ${NUMBERS.map(([k, label, hint]) => html`<${Field} key=${k} label=${t(label)} hint=${hint ? t(hint) : undefined} name=${k} type="number" value=${form[k] ?? ""} onInput=${set(k)} error=${save.fields[k]} />`)}
          <div class="form-actions"><${Submit} label=${t("Enregistrer")} busy=${save.busy} /></div>
        </form>`
      : null}
    <section class="panel">
      <h2>${t("Cache")}</h2>
      <p class="hint">${t("Vider le cache force une nouvelle question aux serveurs amont pour chaque nom.")}</p>
      <button type="button" class="btn btn-secondary" disabled=${flush.busy} onClick=${() => void flush.run()}>${t("Vider le cache")}</button>
    </section>
  </section>`;
}
