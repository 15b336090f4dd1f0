/** Audit log viewer: search and filters, newest first, pages via `nextBefore`, and the hash-chain check. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateTime, num } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Pagination } from "../../components/pagination";
import { Field, Submit } from "../../components/field";
import { Banner, ErrorBanner } from "../../components/toast";

/** One audit row. */
interface Row {
  seq: number;
  id: string;
  actorId: string | null;
  actorLabel: string;
  action: string;
  entity: string;
  entityId: string | null;
  data: Record<string, unknown>;
  ip: string | null;
  at: string;
}

interface Filters {
  q: string;
  entity: string;
  from: string;
  to: string;
}

const PAGE = 50;
const EMPTY: Filters = { q: "", entity: "", from: "", to: "" };

/** Date inputs give local days; the API compares ISO instants. */
function dayStart(d: string) {
  return d ? new Date(d + "T00:00:00").toISOString() : undefined;
}
function dayEnd(d: string) {
  return d ? new Date(d + "T23:59:59.999").toISOString() : undefined;
}

function VerifyPanel() {
  const [result, setResult] = useState<{ ok: boolean; checked: number; brokenAt?: { seq: number; id: string; reason: string } } | null>(null);
  const action = useAction(async () => setResult(await get("audit/verify")));
  return html`<div class="verify">
    <button type="button" class="btn btn-secondary" disabled=${action.busy} onClick=${() => void action.run()}>
      ${action.busy ? t("Vérification…") : t("Vérifier la chaîne")}
    </button>
    <${ErrorBanner} error=${action.error} />
    ${result
      ? result.ok
        ? html`<${Banner} kind="success">${t("Chaîne intègre : {n} entrées vérifiées, aucune modification ni suppression détectée.", { n: num(result.checked) })}<//>`
        : html`<div class="banner banner-error" role="alert">
            <strong>${t("Chaîne rompue à l'entrée n° {seq} : {reason}.", { seq: result.brokenAt?.seq ?? "?", reason: result.brokenAt?.reason ?? "" })}</strong>
            <p>${t("{n} entrées vérifiées avant la rupture. Le journal a été modifié en dehors du Guichet.", { n: num(result.checked) })}</p>
          </div>`
      : null}
  </div>`;
}

/** The audit page. */
export function AuditPage() {
  const org = currentOrg.value!;
  const [form, setForm] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  // Stack of `before` cursors: [] = first page; pushing nextBefore goes to older rows.
  const [cursors, setCursors] = useState<number[]>([]);
  const before = cursors[cursors.length - 1];
  const page = useLoad(
    () => get<{ items: Row[]; nextBefore: number | null }>("audit", { q: filters.q.trim(), entity: filters.entity.trim(), from: dayStart(filters.from), to: dayEnd(filters.to), before, limit: PAGE }),
    [org.id, filters, before],
  );
  const set = (k: keyof Filters) => (v: string) => setForm({ ...form, [k]: v });
  const apply = (e: Event) => {
    e.preventDefault();
    setCursors([]);
    setFilters({ ...form });
  };
  const columns: Column<Row>[] = [
    { key: "at", label: t("Date"), sort: (r) => r.at, render: (r) => html`<time datetime=${r.at}>${dateTime(r.at)}</time>` },
    { key: "actor", label: t("Auteur"), sort: (r) => r.actorLabel, render: (r) => r.actorLabel },
    { key: "action", label: t("Action"), sort: (r) => r.action, render: (r) => html`<code>${r.action}</code>` },
    { key: "entity", label: t("Objet"), sort: (r) => r.entity, render: (r) => html`${r.entity}${r.entityId ? html`<br /><small class="muted mono">${r.entityId}</small>` : null}` },
    { key: "ip", label: t("Adresse IP"), sort: (r) => r.ip, render: (r) => r.ip ?? "—" },
    {
      key: "data",
      label: t("Détails"),
      render: (r) =>
        Object.keys(r.data).length
          ? html`<details><summary>${t("Voir")}</summary><pre class="json">${JSON.stringify(r.data, null, 2)}</pre></details>`
          : html`<span class="muted">—</span>`,
    },
  ];
  const n = cursors.length + 1;
  return html`<section class="page">
    <h1>${t("Journal d'audit")}</h1>
    <p class="lead">${t("Chaque modification est enregistrée avec son auteur, sa date et son adresse IP. Les entrées sont chaînées : toute retouche est détectable.")}</p>
    <section class="panel">
      <${VerifyPanel} />
    </section>
    <form class="filters" onSubmit=${apply} role="search" aria-label=${t("Filtrer le journal")}>
      <${Field} label=${t("Recherche")} name="q" value=${form.q} onInput=${set("q")} placeholder=${t("action, auteur, contenu…")} maxlength=${200} />
      <${Field} label=${t("Type d'objet")} name="entity" value=${form.entity} onInput=${set("entity")} placeholder=${t("ex. : user, invitation")} maxlength=${60} />
      <${Field} label=${t("Du")} name="from" type="date" value=${form.from} onInput=${set("from")} />
      <${Field} label=${t("Au")} name="to" type="date" value=${form.to} onInput=${set("to")} />
      <div class="filters-actions">
        <${Submit} label=${t("Filtrer")} />
        <button type="button" class="btn btn-ghost" onClick=${() => (setForm(EMPTY), setFilters(EMPTY), setCursors([]))}>${t("Effacer")}</button>
      </div>
    </form>
    <${ErrorBanner} error=${page.error} />
    <${Table} caption=${t("Entrées du journal d'audit")} columns=${columns} rows=${page.data?.items ?? []} rowKey=${(r: Row) => r.id}
      loading=${page.loading} failed=${!!page.error} empty=${t("Aucune entrée ne correspond à ces critères.")} />
    <${Pagination}
      hasPrev=${cursors.length > 0}
      hasNext=${!!page.data?.nextBefore}
      onPrev=${() => setCursors(cursors.slice(0, -1))}
      onNext=${() => page.data?.nextBefore && setCursors([...cursors, page.data.nextBefore])}
      prevLabel=${t("Plus récentes")}
      nextLabel=${t("Plus anciennes")}
      summary=${t("Page {n}", { n })} />
  </section>`;
}
