/** Form fields with a visible label, an optional hint and the server's error text for that field. */
import { html } from "../lib/html";
import { useEffect, useId, useRef } from "preact/hooks";

interface Common {
  label: string;
  /** Error text (usually `action.fields[name]`); also marks the input invalid for screen readers. */
  error?: string | null;
  hint?: string;
  required?: boolean;
}

/** A text-like input: text, email, password, date, number… */
export function Field(p: Common & { name: string; value: string; onInput: (v: string) => void; type?: string; autocomplete?: string; placeholder?: string; inputmode?: string; maxlength?: number; autofocus?: boolean; disabled?: boolean }) {
  const id = useId();
  const ref = useRef<HTMLInputElement>(null);
  // The autofocus attribute only acts on page load; steps shown later (2FA code, wizard step 2) focus here.
  useEffect(() => {
    if (p.autofocus) ref.current?.focus();
  }, []);
  const describedBy = [p.hint ? id + "-h" : "", p.error ? id + "-e" : ""].filter(Boolean).join(" ") || undefined;
  return html`<div class=${"field" + (p.error ? " field-invalid" : "")}>
    <label for=${id}>${p.label}${p.required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</label>
    ${p.hint ? html`<p class="hint" id=${id + "-h"}>${p.hint}</p>` : null}
    <input
      ref=${ref}
      id=${id}
      name=${p.name}
      type=${p.type ?? "text"}
      value=${p.value}
      onInput=${(e: Event) => p.onInput((e.target as HTMLInputElement).value)}
      autocomplete=${p.autocomplete}
      placeholder=${p.placeholder}
      inputmode=${p.inputmode}
      maxlength=${p.maxlength}
      required=${p.required}
      disabled=${p.disabled}
      autofocus=${p.autofocus}
      aria-invalid=${p.error ? "true" : undefined}
      aria-describedby=${describedBy}
    />
    ${p.error ? html`<p class="field-error" id=${id + "-e"}>${p.error}</p>` : null}
  </div>`;
}

/** A multi-line text field. */
export function TextArea(p: Common & { name: string; value: string; onInput: (v: string) => void; rows?: number; maxlength?: number }) {
  const id = useId();
  return html`<div class=${"field" + (p.error ? " field-invalid" : "")}>
    <label for=${id}>${p.label}${p.required ? html`<span class="req" aria-hidden="true"> *</span>` : null}</label>
    ${p.hint ? html`<p class="hint" id=${id + "-h"}>${p.hint}</p>` : null}
    <textarea id=${id} name=${p.name} rows=${p.rows ?? 3} maxlength=${p.maxlength} aria-invalid=${p.error ? "true" : undefined}
      aria-describedby=${p.error ? id + "-e" : p.hint ? id + "-h" : undefined}
      onInput=${(e: Event) => p.onInput((e.target as HTMLTextAreaElement).value)}>${p.value}</textarea>
    ${p.error ? html`<p class="field-error" id=${id + "-e"}>${p.error}</p>` : null}
  </div>`;
}

/** A drop-down list. */
export function Select(p: Common & { name: string; value: string; onChange: (v: string) => void; options: { value: string; label: string }[] }) {
  const id = useId();
  return html`<div class=${"field" + (p.error ? " field-invalid" : "")}>
    <label for=${id}>${p.label}</label>
    <select id=${id} name=${p.name} value=${p.value} aria-invalid=${p.error ? "true" : undefined}
      onChange=${(e: Event) => p.onChange((e.target as HTMLSelectElement).value)}>
      ${p.options.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
    </select>
    ${p.error ? html`<p class="field-error">${p.error}</p>` : null}
  </div>`;
}

/** A group of checkboxes choosing a subset of `options` (module roles, enabled modules). */
export function CheckboxGroup(p: Common & { name: string; values: string[]; onChange: (v: string[]) => void; options: { value: string; label: string }[]; empty?: string }) {
  const toggle = (v: string, on: boolean) => p.onChange(on ? [...p.values.filter((x) => x !== v), v] : p.values.filter((x) => x !== v));
  return html`<fieldset class=${"field checkboxes" + (p.error ? " field-invalid" : "")}>
    <legend>${p.label}</legend>
    ${p.hint ? html`<p class="hint">${p.hint}</p>` : null}
    ${p.options.length === 0 && p.empty ? html`<p class="muted">${p.empty}</p>` : null}
    ${p.options.map(
      (o) => html`<label key=${o.value} class="check">
        <input type="checkbox" name=${p.name} value=${o.value} checked=${p.values.includes(o.value)}
          onChange=${(e: Event) => toggle(o.value, (e.target as HTMLInputElement).checked)} />
        <span>${o.label}</span>
      </label>`,
    )}
    ${p.error ? html`<p class="field-error">${p.error}</p>` : null}
  </fieldset>`;
}

/** The submit button of a form, disabled and relabelled while the request runs. */
export function Submit({ label, busy, busyLabel, kind = "primary" }: { label: string; busy?: boolean; busyLabel?: string; kind?: "primary" | "secondary" | "danger" }) {
  return html`<button type="submit" class=${"btn btn-" + kind} disabled=${busy} aria-busy=${busy ? "true" : undefined}>${busy ? (busyLabel ?? label + "…") : label}</button>`;
}
