/** Toasts (transient messages, announced to screen readers) and the inline error banner for API errors. */
import { signal } from "@preact/signals";
import { html } from "../lib/html";
import { asApiError, type ApiError } from "../lib/api";
import { t } from "../lib/i18n";

/** One toast on screen. */
export interface Toast {
  id: number;
  kind: "success" | "error" | "info";
  message: string;
}

/** Toasts currently shown, newest last. */
export const toasts = signal<Toast[]>([]);
let next = 1;

/** Shows a message for a while (errors stay longer: they must be read). */
export function toast(message: string, kind: Toast["kind"] = "success") {
  const id = next++;
  toasts.value = [...toasts.value.slice(-4), { id, kind, message }];
  setTimeout(() => dismiss(id), kind === "error" ? 12_000 : 5_000);
}

/** Shows any thrown value as an error toast with the server's French message. */
export function toastError(e: unknown) {
  toast(asApiError(e).message, "error");
}

/** Removes one toast. */
export function dismiss(id: number) {
  toasts.value = toasts.value.filter((x) => x.id !== id);
}

/** Runs an action from a button; success shows `done`, failure shows the API's message. */
export async function attempt<T>(fn: () => Promise<T>, done?: string): Promise<T | undefined> {
  try {
    const r = await fn();
    if (done) toast(done, "success");
    return r;
  } catch (e) {
    toastError(e);
    return undefined;
  }
}

/** The toast area, rendered once by the app root. */
export function Toasts() {
  return html`<div class="toasts" aria-live="polite" aria-relevant="additions">
    ${toasts.value.map(
      (x) => html`<div key=${x.id} class=${"toast toast-" + x.kind} role=${x.kind === "error" ? "alert" : "status"}>
        <span>${x.message}</span>
        <button type="button" class="toast-close" aria-label=${t("Fermer")} onClick=${() => dismiss(x.id)}>×</button>
      </div>`,
    )}
  </div>`;
}

/** Inline banner with an API error's message and, if any, its unmapped field messages. */
export function ErrorBanner({ error, shownFields = [] }: { error: ApiError | null; shownFields?: string[] }) {
  if (!error) return null;
  const extra = Object.entries(error.fields).filter(([k]) => !shownFields.includes(k));
  return html`<div class="banner banner-error" role="alert">
    <strong>${error.message}</strong>
    ${extra.length ? html`<ul>${extra.map(([k, v]) => html`<li key=${k}>${v}</li>`)}</ul>` : null}
  </div>`;
}

/** A success / information banner. */
export function Banner({ kind = "info", children }: { kind?: "info" | "success" | "warning"; children: unknown }) {
  return html`<div class=${"banner banner-" + kind} role="status">${children}</div>`;
}
