/** Live query log: newest first, filters (client, domain, status), new rows polled every 2 s, older ones on demand. */
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get } from "../../lib/api";
import { t } from "../../lib/i18n";
import { asApiError, type ApiError } from "../../lib/api";
import { currentOrg } from "../../lib/session";
import { href } from "../../lib/router";
import { Table, type Column } from "../../components/table";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner } from "../../components/toast";
import { statusLabel, statusTag, type LogRow } from "./api";

interface Filters {
  client: string;
  domain: string;
  status: string;
}
const EMPTY: Filters = { client: "", domain: "", status: "" };
/** Rows kept on screen: the live view is for watching, the filters for searching. */
const KEEP = 500;

const time = (iso: string) => new Date(iso).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** The page. */
export function DnsLogPage() {
  const org = currentOrg.value!;
  const [form, setForm] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [rows, setRows] = useState<LogRow[]>([]);
  const [older, setOlder] = useState<number | null>(null);
  const [live, setLive] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const newest = useRef(0);
  const query = (extra: Record<string, number | undefined>) => get<{ items: LogRow[]; nextBefore: number | null }>("dns/log", { ...filters, limit: 100, ...extra });

  // First page whenever the filters (or the organisation) change.
  useEffect(() => {
    let stale = false;
    setLoading(true);
    query({})
      .then((r) => {
        if (stale) return;
        setRows(r.items);
        setOlder(r.nextBefore);
        newest.current = r.items[0]?.id ?? 0;
        setError(null);
      })
      .catch((e) => !stale && setError(asApiError(e)))
      .finally(() => !stale && setLoading(false));
    return () => void (stale = true);
  }, [org.id, filters]);

  // Live: only rows newer than what is shown.
  useEffect(() => {
    if (!live) return;
    const id = setInterval(async () => {
      try {
        const r = await query({ after: newest.current });
        if (!r.items.length) return;
        newest.current = r.items[0]!.id;
        setRows((prev) => [...r.items, ...prev].slice(0, KEEP));
        setError(null);
      } catch (e) {
        setError(asApiError(e));
      }
    }, 2000);
    return () => clearInterval(id);
  }, [org.id, filters, live]);

  const loadOlder = async () => {
    if (!older) return;
    try {
      const r = await query({ before: older });
      setRows((prev) => [...prev, ...r.items]);
      setOlder(r.nextBefore);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  const set = (k: keyof Filters) => (v: string) => setForm({ ...form, [k]: v });
  const why = (r: LogRow) => href(`/dns/pourquoi?name=${encodeURIComponent(r.name ?? "")}&client=${encodeURIComponent(r.client ?? "")}`);
  const columns: Column<LogRow>[] = [
    { key: "at", label: t("Heure"), render: (r) => html`<time datetime=${r.at}>${time(r.at)}</time>` },
    { key: "client", label: t("Client"), render: (r) => r.client ?? html`<span class="muted">${t("masqué")}</span>` },
    { key: "name", label: t("Domaine"), render: (r) => (r.name ? html`<span class="dns-name">${r.name}</span>` : html`<span class="muted">${t("masqué")}</span>`) },
    { key: "qtype", label: t("Type"), render: (r) => html`<code>${r.qtype}</code>` },
    { key: "status", label: t("Statut"), render: (r) => html`<span class=${statusTag(r.status)}>${statusLabel(r.status)}</span>` },
    {
      key: "reason",
      label: t("Motif"),
      render: (r) => html`${r.list ? html`<strong>${r.list}</strong> ` : null}${r.reason ? html`<span class="dns-reason">${r.reason}</span>` : null}
        ${r.status === "blocked" && r.name ? html` <a href=${why(r)}>${t("Pourquoi ?")}</a>` : null}`,
    },
    { key: "group", label: t("Groupe"), render: (r) => r.group ?? "—" },
    { key: "ms", label: t("Durée"), render: (r) => `${String(r.ms).replace(".", ",")} ms` },
  ];
  return html`<section class="page">
    <h1>${t("Journal des requêtes DNS")}</h1>
    <form class="filters" role="search" aria-label=${t("Filtrer le journal DNS")} onSubmit=${(e: Event) => (e.preventDefault(), setFilters({ ...form }))}>
      <${Field} label=${t("Domaine contient")} name="domain" value=${form.domain} onInput=${set("domain")} placeholder=${t("ex. : google")} maxlength=${200} />
      <${Field} label=${t("Client (adresse IP)")} name="client" value=${form.client} onInput=${set("client")} placeholder="192.168.1.20" maxlength=${64} />
      <${Select} label=${t("Statut")} name="status" value=${form.status} onChange=${set("status")} options=${[
        { value: "", label: t("Tous") },
        ...["blocked", "forwarded", "cached", "local", "safesearch", "failed", "refused"].map((s) => ({ value: s, label: statusLabel(s) })),
      ]} />
      <div></div>
      <div class="filters-actions">
        <${Submit} label=${t("Filtrer")} kind="secondary" />
      </div>
    </form>
    <p class="dns-live">
      <label class="check"><input type="checkbox" name="live" checked=${live} onChange=${(e: Event) => setLive((e.target as HTMLInputElement).checked)} /><span>${t("Suivi en direct (toutes les 2 secondes)")}</span></label>
    </p>
    <${ErrorBanner} error=${error} />
    <${Table} caption=${t("Requêtes DNS")} columns=${columns} rows=${rows} rowKey=${(r: LogRow) => r.id} loading=${loading} failed=${!!error} empty=${t("Aucune requête ne correspond (ou le journal est désactivé dans les réglages).")} />
    ${older ? html`<div class="form-actions"><button type="button" class="btn btn-secondary" onClick=${loadOlder}>${t("Requêtes plus anciennes")}</button></div>` : null}
  </section>`;
}
