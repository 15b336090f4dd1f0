/** DNS filter dashboard: the daemon's state, queries over time, share blocked, top domains, blocked names and clients. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get } from "../../lib/api";
import { useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { num } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { href } from "../../lib/router";
import { BarChart, LineChart } from "../../components/chart";
import { Select } from "../../components/field";
import { Banner, ErrorBanner } from "../../components/toast";
import type { DnsStats, DnsStatus } from "./api";

function StatusCards({ s, stats }: { s: DnsStatus; stats: DnsStats | undefined }) {
  const ok = s.upstreams.filter((u) => u.state === "ok").length;
  return html`<ul class="cards">
    <li class="stat-card">
      <p class="card-title">${t("Service DNS")}</p>
      <p class="card-value">${s.running ? html`<span class="tag tag-ok">${t("en marche")}</span>` : html`<span class="tag">${t("arrêté")}</span>`}</p>
      <p class="card-hint">${s.running ? t("UDP et TCP sur {a}", { a: s.address ?? "" }) : t("GUICHET_DNS_PORT=0 : le service est désactivé.")}</p>
    </li>
    <li class="stat-card">
      <p class="card-title">${t("Requêtes")}</p>
      <p class="card-value">${stats ? num(stats.totals.total) : "…"}</p>
      <p class="card-hint">${stats ? t("dont {n} depuis le cache", { n: num(stats.totals.cached) }) : ""}</p>
    </li>
    <li class="stat-card">
      <p class="card-title">${t("Part bloquée")}</p>
      <p class="card-value">${stats ? `${String(stats.blockedShare).replace(".", ",")} %` : "…"}</p>
      <p class="card-hint">${stats ? t("{n} requêtes bloquées", { n: num(stats.totals.blocked) }) : ""}</p>
    </li>
    <li class="stat-card">
      <p class="card-title">${t("Règles chargées")}</p>
      <p class="card-value">${num(s.rulesLoaded)}</p>
      <p class="card-hint">${t("{l} liste(s), {g} groupe(s), {r} nom(s) local(aux)", { l: s.listsLoaded, g: s.groups, r: s.records })}</p>
    </li>
    <li class="stat-card">
      <p class="card-title">${t("Serveurs amont")}</p>
      <p class="card-value">${s.upstreams.length ? `${ok} / ${s.upstreams.length}` : "0"}</p>
      <p class="card-hint">${s.upstreams.length ? t("en bon état") : t("aucun configuré")}</p>
    </li>
  </ul>`;
}

const hhmm = (iso: string, hourly: boolean) => {
  const d = new Date(iso);
  return hourly ? d.toLocaleDateString("fr-FR", { day: "2-digit", month: "2-digit" }) + " " + d.toLocaleTimeString("fr-FR", { hour: "2-digit" }) : d.toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
};

/** The page. */
export function DnsDashboardPage() {
  const org = currentOrg.value!;
  const [hours, setHours] = useState("24");
  const status = useLoad(() => get<DnsStatus>("dns/status"), [org.id]);
  const stats = useLoad(() => get<DnsStats>("dns/stats", { hours }), [org.id, hours]);
  const st = stats.data;
  const hourly = Number(hours) > 24;
  const top = (rows: { key: string; count: number }[]) => rows.map((r) => ({ label: r.key, value: r.count }));
  return html`<section class="page">
    <h1>${t("Filtre DNS")}</h1>
    <${ErrorBanner} error=${status.error ?? stats.error} />
    ${status.data && !status.data.upstreams.length
      ? html`<${Banner} kind="warning">${t("Aucun serveur amont n'est configuré : seuls guichet.lan et les noms locaux répondent.")} <a href=${href("/dns/serveurs")}>${t("Ajouter un serveur amont")}</a><//>`
      : null}
    ${status.data ? html`<${StatusCards} s=${status.data} stats=${st} />` : null}
    <section class="panel" aria-labelledby="dns-activity">
      <h2 id="dns-activity">${t("Activité")}</h2>
      <div class="narrow-form">
        <${Select} label=${t("Période")} name="hours" value=${hours} onChange=${setHours} options=${[
          { value: "24", label: t("24 dernières heures") },
          { value: "168", label: t("7 derniers jours") },
          { value: "720", label: t("30 derniers jours") },
        ]} />
      </div>
      ${st
        ? html`<div class="charts">
            <${LineChart} title=${t("Requêtes (par {step})", { step: t(st.step) })} data=${st.series.map((p) => ({ label: hhmm(p.at, hourly), value: p.total }))} />
            <${LineChart} title=${t("Requêtes bloquées (par {step})", { step: t(st.step) })} data=${st.series.map((p) => ({ label: hhmm(p.at, hourly), value: p.blocked }))} />
          </div>`
        : null}
    </section>
    ${st
      ? html`<section class="panel" aria-labelledby="dns-top">
          <h2 id="dns-top">${t("Classements")}</h2>
          ${st.privacy !== "full" ? html`<p class="hint">${t("Le niveau de confidentialité choisi masque une partie des classements.")}</p>` : null}
          <div class="charts">
            <${BarChart} title=${t("Domaines les plus demandés")} data=${top(st.topDomains)} />
            <${BarChart} title=${t("Domaines les plus bloqués")} data=${top(st.topBlocked)} />
            <${BarChart} title=${t("Clients les plus actifs")} data=${top(st.topClients)} />
          </div>
        </section>`
      : null}
  </section>`;
}
