/** Previous / next navigation for keyset-paginated lists (the audit log pages with `nextBefore`). */
import { html } from "../lib/html";
import { t } from "../lib/i18n";

/** Props: which directions are possible, and a summary such as "Page 2". */
export interface PaginationProps {
  hasPrev: boolean;
  hasNext: boolean;
  onPrev: () => void;
  onNext: () => void;
  summary?: string;
  prevLabel?: string;
  nextLabel?: string;
}

/** Two buttons and a summary, inside a labelled <nav>. */
export function Pagination(p: PaginationProps) {
  if (!p.hasPrev && !p.hasNext && !p.summary) return null;
  return html`<nav class="pagination" aria-label=${t("Pagination")}>
    <button type="button" class="btn btn-secondary" disabled=${!p.hasPrev} onClick=${p.onPrev}>← ${p.prevLabel ?? t("Précédent")}</button>
    ${p.summary ? html`<span class="pagination-summary">${p.summary}</span>` : null}
    <button type="button" class="btn btn-secondary" disabled=${!p.hasNext} onClick=${p.onNext}>${p.nextLabel ?? t("Suivant")} →</button>
  </nav>`;
}
