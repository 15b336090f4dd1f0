/** Data table: sortable columns (click the header), an explicit empty state, a caption for screen readers. */
import { useState } from "preact/hooks";
import { html } from "../lib/html";
import { t, locale } from "../lib/i18n";

/** One column: a header, how to render a cell, and optionally how to sort by it. */
export interface Column<R> {
  key: string;
  label: string;
  render?: (row: R) => unknown;
  /** Value to sort by; the column is sortable only when given. */
  sort?: (row: R) => string | number | null | undefined;
  class?: string;
}

/** Table props; `rowKey` gives each row a stable key. */
export interface TableProps<R> {
  columns: Column<R>[];
  rows: R[];
  rowKey: (row: R) => string | number;
  caption: string;
  /** Text shown when there are no rows. */
  empty: string;
  loading?: boolean;
  /** When loading failed: the empty row says so instead of "no rows" (the page shows the error itself). */
  failed?: boolean;
  initialSort?: { key: string; dir: "asc" | "desc" };
}

function compare(a: unknown, b: unknown) {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1;
  if (b === null || b === undefined) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), locale(), { sensitivity: "base", numeric: true });
}

/** A sortable table. */
export function Table<R>(p: TableProps<R>) {
  const [sort, setSort] = useState<{ key: string; dir: "asc" | "desc" } | null>(p.initialSort ?? null);
  const col = sort ? p.columns.find((c) => c.key === sort.key && c.sort) : undefined;
  const rows = col ? [...p.rows].sort((a, b) => compare(col.sort!(a), col.sort!(b)) * (sort!.dir === "asc" ? 1 : -1)) : p.rows;
  const clickSort = (key: string) => setSort(sort?.key === key ? { key, dir: sort.dir === "asc" ? "desc" : "asc" } : { key, dir: "asc" });
  return html`<div class="table-wrap">
    <table class="table stack">
      <caption class="sr-only">${p.caption}</caption>
      <thead>
        <tr>
          ${p.columns.map((c) => {
            const active = sort?.key === c.key;
            const aria = active ? (sort!.dir === "asc" ? "ascending" : "descending") : c.sort ? "none" : undefined;
            return html`<th key=${c.key} scope="col" class=${c.class} aria-sort=${aria}>
              ${c.sort
                ? html`<button type="button" class="th-sort" onClick=${() => clickSort(c.key)} title=${t("Trier par {col}", { col: c.label })}>
                    ${c.label}<span class="sort-mark" aria-hidden="true">${active ? (sort!.dir === "asc" ? " ▲" : " ▼") : " ↕"}</span>
                  </button>`
                : c.label}
            </th>`;
          })}
        </tr>
      </thead>
      <tbody>
        ${rows.length === 0
          ? html`<tr><td class="table-empty" colspan=${p.columns.length}>${p.loading ? t("Chargement…") : p.failed ? t("Liste indisponible : voir le message d'erreur ci-dessus.") : p.empty}</td></tr>`
          : rows.map(
              (r) => html`<tr key=${p.rowKey(r)}>
                ${p.columns.map((c) => html`<td key=${c.key} class=${c.class} data-label=${c.label}><div class="cell">${c.render ? c.render(r) : String((r as any)[c.key] ?? "—")}</div></td>`)}
              </tr>`,
            )}
      </tbody>
    </table>
  </div>`;
}
