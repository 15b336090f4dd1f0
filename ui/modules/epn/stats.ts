/** Statistics: totals, sessions per day/week/month, per workstation, occupancy, patrons by profile; CSV export. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get } from "../../lib/api";
import { useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { num } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { BarChart, LineChart } from "../../components/chart";
import { ErrorBanner, toastError } from "../../components/toast";
import { clock, fetchFile, saveBlob, today } from "./shared";

interface Row {
  period: string;
  sessions: number;
  hours: number;
}
interface Stats {
  from: string;
  to: string;
  totals: { sessions: number; hours: number; distinctUsers: number; guestSessions: number; occupancy: number };
  perDay: Row[];
  perWeek: Row[];
  perMonth: Row[];
  perWorkstation: { id: string; name: string; sessions: number; hours: number; occupancy: number }[];
  patrons: { total: number; erased: number; byAgeBand: Pt[]; byCommune: Pt[]; byCategory: Pt[]; bySex: Pt[]; registrationsPerMonth: { period: string; count: number }[] };
}
interface Pt {
  label: string;
  count: number;
}

function daysAgo(n: number) {
  const d = new Date(Date.now() - n * 86400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

const CSV = [
  ["days", "par jour"],
  ["weeks", "par semaine"],
  ["months", "par mois"],
  ["workstations", "par poste"],
  ["patrons", "usagers"],
] as const;

/** The statistics page. */
export function StatsPage() {
  const org = currentOrg.value!;
  const [from, setFrom] = useState(daysAgo(29));
  const [to, setTo] = useState(today());
  const stats = useLoad(() => get<Stats>("epn/stats", { from, to }), [org.id, from, to]);
  const s = stats.data;
  const series = !s ? [] : s.perDay.length > 62 ? s.perWeek : s.perDay;
  const csv = (kind: string) => fetchFile("GET", `epn/stats.csv?from=${from}&to=${to}&kind=${kind}`).then((b) => saveBlob(b, `epn-statistiques-${kind}-${from}-${to}.csv`)).catch(toastError);
  const pts = (xs: Pt[]) => xs.map((x) => ({ label: t(x.label), value: x.count }));
  return html`<section class="page">
    <h1>${t("Statistiques")}</h1>
    <div class="toolbar">
      <label>${t("Du")} <input type="date" value=${from} onInput=${(e: Event) => setFrom((e.target as HTMLInputElement).value)} /></label>
      <label>${t("au")} <input type="date" value=${to} onInput=${(e: Event) => setTo((e.target as HTMLInputElement).value)} /></label>
    </div>
    <${ErrorBanner} error=${stats.error} />
    ${s
      ? html`<ul class="cards" aria-label=${t("Totaux de la période")}>
            <li class="stat-card"><p class="card-title">${t("Sessions")}</p><p class="card-value" data-testid="total-sessions">${num(s.totals.sessions)}</p><p class="card-hint">${t("dont {n} avec un code invité", { n: s.totals.guestSessions })}</p></li>
            <li class="stat-card"><p class="card-title">${t("Heures d'utilisation")}</p><p class="card-value">${clock(s.totals.hours * 3600)}</p></li>
            <li class="stat-card"><p class="card-title">${t("Usagers distincts")}</p><p class="card-value">${num(s.totals.distinctUsers)}</p></li>
            <li class="stat-card"><p class="card-title">${t("Taux d'occupation")}</p><p class="card-value">${s.totals.occupancy.toLocaleString("fr-FR")} %</p><p class="card-hint">${t("heures utilisées / heures d'ouverture des postes")}</p></li>
          </ul>
          <section class="panel charts">
            <${LineChart} title=${s.perDay.length > 62 ? t("Sessions par semaine") : t("Sessions par jour")} data=${series.map((r) => ({ label: r.period.length === 10 ? r.period.slice(8, 10) + "/" + r.period.slice(5, 7) : r.period, value: r.sessions }))} />
            <${BarChart} title=${t("Heures par mois")} data=${s.perMonth.map((r) => ({ label: r.period, value: r.hours }))} format=${(v: number) => v.toLocaleString("fr-FR") + " h"} />
            <${BarChart} title=${t("Occupation par poste (%)")} data=${s.perWorkstation.map((w) => ({ label: w.name, value: w.occupancy }))} format=${(v: number) => v.toLocaleString("fr-FR") + " %"} />
            <${BarChart} title=${t("Sessions par poste")} data=${s.perWorkstation.map((w) => ({ label: w.name, value: w.sessions }))} />
          </section>
          <section class="panel charts">
            <h2>${t("Usagers inscrits : {n} (dont {e} anonymisés)", { n: s.patrons.total, e: s.patrons.erased })}</h2>
            <${BarChart} title=${t("Par tranche d'âge")} data=${pts(s.patrons.byAgeBand)} />
            <${BarChart} title=${t("Par catégorie socio-professionnelle")} data=${pts(s.patrons.byCategory).filter((p) => p.value > 0)} />
            <${BarChart} title=${t("Par sexe")} data=${pts(s.patrons.bySex)} />
            <${BarChart} title=${t("Par commune")} data=${pts(s.patrons.byCommune)} />
            <${BarChart} title=${t("Nouvelles inscriptions par mois")} data=${s.patrons.registrationsPerMonth.map((r) => ({ label: r.period, value: r.count }))} />
          </section>
          <section class="panel"><h2>${t("Exporter en CSV")}</h2>
            <div class="epn-actions">${CSV.map(([k, l]) => html`<button key=${k} type="button" class="btn btn-secondary" onClick=${() => void csv(k)}>${t(l)}</button>`)}</div>
          </section>`
      : stats.loading
        ? html`<p>${t("Chargement…")}</p>`
        : null}
  </section>`;
}
