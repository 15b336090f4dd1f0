/** System page: version, uptime, database size, memory, disk, and each service's state (refreshed every 10 s). */
import { useEffect } from "preact/hooks";
import { html } from "../../lib/html";
import { get } from "../../lib/api";
import { useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { bytes, dateTime, duration } from "../../lib/format";
import { Table, type Column } from "../../components/table";
import { ErrorBanner } from "../../components/toast";
import { JobsPanel, MailPanel } from "./system-queues";

/** What GET /api/system returns. */
interface SystemInfo {
  version: string;
  startedAt: string;
  uptimeSeconds: number;
  database: { file: string; bytes: number };
  memory: { rss: number; heapUsed: number };
  disk: { total: number; free: number } | null;
  services: { name: string; state: string; since: string; error?: string }[];
  runtime: string;
}

const STATES: Record<string, { label: string; cls: string }> = {
  running: { label: "en marche", cls: "tag-ok" },
  starting: { label: "démarrage", cls: "tag-warn" },
  stopping: { label: "arrêt en cours", cls: "tag-warn" },
  stopped: { label: "arrêté", cls: "" },
  disabled: { label: "désactivé", cls: "" },
  failed: { label: "en échec", cls: "tag-error" },
};

function stateTag(s: string) {
  const x = STATES[s] ?? { label: s, cls: "" };
  return html`<span class=${"tag " + x.cls}>${t(x.label)}</span>`;
}

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return html`<li class="stat-card"><p class="card-title">${label}</p><p class="card-value">${value}</p>${hint ? html`<p class="card-hint">${hint}</p>` : null}</li>`;
}

/** The system page. */
export function SystemPage() {
  const info = useLoad(() => get<SystemInfo>("system"), []);
  useEffect(() => {
    const id = setInterval(() => void info.reload(), 10_000);
    return () => clearInterval(id);
  }, []);
  const s = info.data;
  const columns: Column<SystemInfo["services"][number]>[] = [
    { key: "name", label: t("Service"), sort: (x) => x.name, render: (x) => html`<strong>${x.name}</strong>` },
    { key: "state", label: t("État"), sort: (x) => x.state, render: (x) => stateTag(x.state) },
    { key: "since", label: t("Depuis"), sort: (x) => x.since, render: (x) => dateTime(x.since) },
    { key: "error", label: t("Erreur"), render: (x) => (x.error ? html`<span class="field-error">${x.error}</span>` : "—") },
  ];
  const used = s?.disk ? s.disk.total - s.disk.free : 0;
  return html`<section class="page">
    <h1>${t("Système")}</h1>
    <${ErrorBanner} error=${info.error} />
    ${!s && info.loading ? html`<p class="muted" role="status">${t("Chargement…")}</p>` : null}
    ${s
      ? html`<ul class="cards">
            <${Stat} label=${t("Version")} value=${s.version} hint=${s.runtime} />
            <${Stat} label=${t("En marche depuis")} value=${duration(s.uptimeSeconds)} hint=${t("Démarré le {date}", { date: dateTime(s.startedAt) })} />
            <${Stat} label=${t("Base de données")} value=${bytes(s.database.bytes)} hint=${s.database.file} />
            <${Stat} label=${t("Mémoire utilisée")} value=${bytes(s.memory.rss)} hint=${t("dont tas JavaScript : {n}", { n: bytes(s.memory.heapUsed) })} />
            <${Stat} label=${t("Disque libre")} value=${s.disk ? bytes(s.disk.free) : t("inconnu")} hint=${s.disk ? t("sur {n}", { n: bytes(s.disk.total) }) : undefined} />
          </ul>
          ${s.disk
            ? html`<section class="panel" aria-labelledby="disk-title">
                <h2 id="disk-title">${t("Occupation du disque des données")}</h2>
                <div class=${"meter" + (used / s.disk.total > 0.95 ? " full" : used / s.disk.total > 0.8 ? " high" : "")} role="meter"
                  aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round((100 * used) / s.disk.total)} aria-labelledby="disk-title">
                  <span style=${`width:${((100 * used) / s.disk.total).toFixed(1)}%`}></span>
                </div>
                <p>${t("{used} utilisés sur {total} ({pct} %), dont {db} pour la base de données.", { used: bytes(used), total: bytes(s.disk.total), pct: Math.round((100 * used) / s.disk.total), db: bytes(s.database.bytes) })}</p>
              </section>`
            : null}
          <section class="panel" aria-labelledby="services-title">
            <h2 id="services-title">${t("Services")}</h2>
            <${Table} caption=${t("État des services")} columns=${columns} rows=${s.services} rowKey=${(x: { name: string }) => x.name} empty=${t("Aucun service déclaré.")} />
          </section>`
      : null}
    <${JobsPanel} />
    <${MailPanel} />
  </section>`;
}
