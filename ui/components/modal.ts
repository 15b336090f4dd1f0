/** Modal dialog on the native <dialog> element: focus trapped, Échap closes, focus returns to the opener. */
import { useEffect, useRef } from "preact/hooks";
import { html } from "../lib/html";
import { t } from "../lib/i18n";

/** Props: `open` toggles it; `onClose` is called on Échap, the × button or a click on the backdrop. */
export interface ModalProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children?: unknown;
  /** Buttons shown at the bottom (the dialog adds none by itself). */
  actions?: unknown;
  wide?: boolean;
}

/** A modal dialog. */
export function Modal({ open, title, onClose, children, actions, wide }: ModalProps) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  if (!open) return null;
  return html`<dialog
    ref=${ref}
    class=${"modal" + (wide ? " modal-wide" : "")}
    aria-labelledby="modal-titre"
    onCancel=${(e: Event) => {
      e.preventDefault();
      onClose();
    }}
    onClick=${(e: MouseEvent) => {
      // A click on the backdrop lands on the <dialog> itself, not on its content.
      if (e.target === ref.current) onClose();
    }}
  >
    <div class="modal-body">
      <header class="modal-head">
        <h2 id="modal-titre">${title}</h2>
        <button type="button" class="btn-icon" aria-label=${t("Fermer")} onClick=${onClose}>×</button>
      </header>
      <div class="modal-content">${children}</div>
      ${actions ? html`<footer class="modal-actions">${actions}</footer>` : null}
    </div>
  </dialog>`;
}

/** A confirmation dialog for destructive actions: "Annuler" / the action's label. */
export function Confirm(p: { open: boolean; title: string; message: string; confirmLabel: string; busy?: boolean; onConfirm: () => void; onClose: () => void; children?: unknown }) {
  return html`<${Modal}
    open=${p.open}
    title=${p.title}
    onClose=${p.onClose}
    actions=${html`<button type="button" class="btn btn-secondary" onClick=${p.onClose}>${t("Annuler")}</button>
      <button type="button" class="btn btn-danger" disabled=${p.busy} onClick=${p.onConfirm}>${p.confirmLabel}</button>`}
  >
    <p>${p.message}</p>
    ${p.children}
  <//>`;
}
