/** Settings page: rules (quotas, durations), retention and purges, GDPR notice and règlement; rooms in settings-rooms.ts. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, patch, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateOnly } from "../../lib/format";
import { currentOrg, hasRole } from "../../lib/session";
import { Field, Submit, TextArea } from "../../components/field";
import { ErrorBanner, attempt, toast } from "../../components/toast";
import { RoomsSettings } from "./settings-rooms";

type Settings = Record<string, number | string | boolean>;

const RULES: [string, string][] = [
  ["dailyQuotaMinutes", "Quota quotidien par usager (minutes)"],
  ["maxSessionMinutes", "Durée maximale d'une session (minutes)"],
  ["minSessionMinutes", "Durée minimale pour ouvrir une session (minutes)"],
  ["inactivityMinutes", "Fin de session après inactivité (minutes)"],
  ["guestAllowanceMinutes", "Crédit d'un code invité (minutes)"],
  ["codeValidityDays", "Validité par défaut d'un code (jours)"],
  ["maxCodeFailures", "Codes erronés tolérés par poste en 10 minutes"],
  ["noShowMinutes", "Libération d'une réservation non honorée (minutes)"],
  ["maxReservationsPerPatron", "Réservations à venir par usager"],
  ["maxReservationMinutes", "Durée maximale d'une réservation (minutes)"],
  ["offlineAfterSeconds", "Poste « hors ligne » après (secondes sans signal)"],
];
const RETENTION: [string, string][] = [
  ["patronRetentionMonths", "Purge des usagers inactifs depuis (mois)"],
  ["connectionLogRetentionDays", "Conservation du journal des connexions (jours)"],
];

/** A form over some numeric settings, plus an optional text setting and an optional yes/no setting. */
function RulesForm({ settings, keys, title, onSaved, text, flag }: { settings: Settings; keys: [string, string][]; title: string; onSaved: () => void; text?: [string, string, string]; flag?: [string, string] }) {
  const [v, setV] = useState(() => Object.fromEntries(keys.map(([k]) => [k, String(settings[k] ?? "")])));
  const [str, setStr] = useState(text ? String(settings[text[0]] ?? "") : "");
  const [on, setOn] = useState(flag ? settings[flag[0]] === true : false);
  const action = useAction(async () => {
    const body: Settings = Object.fromEntries(keys.map(([k]) => [k, Number(v[k])]));
    if (text) body[text[0]] = str;
    if (flag) body[flag[0]] = on;
    await patch("epn/settings", body);
    toast(t("Paramètres enregistrés."));
    onSaved();
  });
  return html`<section class="panel"><h2>${title}</h2>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
      <${ErrorBanner} error=${action.error} shownFields=${keys.map(([k]) => k)} />
      <div class="form-row">${keys.map(([k, label]) => html`<${Field} key=${k} label=${t(label)} name=${k} type="number" value=${v[k]} onInput=${(x: string) => setV({ ...v, [k]: x })} error=${action.fields[k]} />`)}
        ${text ? html`<${Field} label=${t(text[1])} name=${text[0]} value=${str} onInput=${setStr} error=${action.fields[text[0]]} hint=${t(text[2])} />` : null}</div>
      ${flag ? html`<label class="epn-check"><input type="checkbox" name=${flag[0]} checked=${on} onChange=${(e: Event) => setOn((e.target as HTMLInputElement).checked)} /> ${t(flag[1])}</label>` : null}
      <div class="form-actions"><${Submit} label=${t("Enregistrer")} busy=${action.busy} /></div>
    </form>
  </section>`;
}

function TextPanel({ kind, title, current, onSaved }: { kind: "rgpd" | "reglement"; title: string; current: { version: number; body: string }; onSaved: () => void }) {
  const [body, setBody] = useState(current.body);
  const action = useAction(async () => {
    const r = await post<{ version: number }>(`epn/texts/${kind}`, { body });
    toast(t("Version {v} publiée : les usagers l'accepteront à leur prochain passage.", { v: r.version }));
    onSaved();
  });
  return html`<section class="panel"><h2>${title} <small class="muted">${t("version {v} en vigueur", { v: current.version })}</small></h2>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
      <${ErrorBanner} error=${action.error} shownFields=${["body"]} />
      <${TextArea} label=${t("Texte")} name=${kind} value=${body} onInput=${setBody} rows=${6} error=${action.fields.body} />
      <div class="form-actions"><${Submit} label=${t("Publier une nouvelle version")} busy=${action.busy} kind="secondary" /></div>
    </form>
  </section>`;
}

function Purges() {
  const patrons = useLoad(() => get<{ count: number; inactiveSince: string; patrons: { id: string; name: string; lastActivityAt: string }[] }>("epn/patrons/purge"), []);
  const log = useLoad(() => get<{ count: number; before: string; retentionDays: number }>("epn/connection-log/purge"), []);
  return html`<section class="panel"><h2>${t("Purges (aperçu)")}</h2>
    <${ErrorBanner} error=${patrons.error ?? log.error} />
    ${patrons.data
      ? html`<p>${t("{n} usager(s) sans activité depuis le {d} seront anonymisés à la prochaine purge.", { n: patrons.data.count, d: dateOnly(patrons.data.inactiveSince) })}</p>
          ${patrons.data.patrons.length ? html`<ul>${patrons.data.patrons.slice(0, 20).map((p) => html`<li key=${p.id}>${p.name} <small class="muted">${t("dernière activité le {d}", { d: dateOnly(p.lastActivityAt) })}</small></li>`)}</ul>` : null}
          <button type="button" class="btn btn-danger-ghost" disabled=${!patrons.data.count} onClick=${() => void attempt(() => post("epn/patrons/purge"), t("Purge effectuée.")).then(() => patrons.reload())}>${t("Purger maintenant")}</button>`
      : null}
    ${log.data
      ? html`<p>${t("Journal des connexions : {n} entrée(s) antérieure(s) au {d} (conservation {r} jours).", { n: log.data.count, d: dateOnly(log.data.before), r: log.data.retentionDays })}</p>
          <button type="button" class="btn btn-danger-ghost" disabled=${!log.data.count} onClick=${() => void attempt(() => post("epn/connection-log/purge"), t("Journal purgé.")).then(() => log.reload())}>${t("Purger le journal")}</button>`
      : null}
  </section>`;
}

/** The EPN settings page. */
export function SettingsPage() {
  const org = currentOrg.value!;
  const s = useLoad(() => get<{ settings: Settings; texts: { rgpd: { version: number; body: string }; reglement: { version: number; body: string } } }>("epn/settings"), [org.id]);
  const admin = hasRole("admin");
  const d = s.data;
  return html`<section class="page">
    <h1>${t("Paramètres de l'espace numérique")}</h1>
    <${ErrorBanner} error=${s.error} />
    ${d
      ? html`<${RulesForm} key=${"r" + JSON.stringify(d.settings)} settings=${d.settings} keys=${RULES} title=${t("Règles des sessions et réservations")} onSaved=${() => void s.reload()}
            text=${["timezone", "Fuseau horaire", "Heures d'ouverture et quotas du jour suivent ce fuseau (ex. Europe/Paris, America/Cayenne)."]} />
          <${RoomsSettings} />
          ${admin ? html`<${RulesForm} key=${"k" + JSON.stringify(d.settings)} settings=${d.settings} keys=${RETENTION} title=${t("Conservation des données")} onSaved=${() => void s.reload()}
            flag=${["autoPurge", "Purger automatiquement chaque jour les usagers inactifs (sinon, seulement à la demande ci-dessous)"]} />
            <${Purges} />` : null}
          <${TextPanel} key=${"g" + d.texts.rgpd.version} kind="rgpd" title=${t("Notice RGPD")} current=${d.texts.rgpd} onSaved=${() => void s.reload()} />
          <${TextPanel} key=${"q" + d.texts.reglement.version} kind="reglement" title=${t("Règlement intérieur")} current=${d.texts.reglement} onSaved=${() => void s.reload()} />`
      : null}
  </section>`;
}
