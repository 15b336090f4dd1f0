/** "Signaler un problème": a category and a short text, sent to the animateurs through the agent (kept while offline). */
import { useState } from "preact/hooks";
import { html } from "../lib/html";
import { send } from "./api";

const CATEGORIES: [string, string][] = [
  ["materiel", "Matériel (écran, clavier, souris…)"],
  ["logiciel", "Logiciel ou site"],
  ["internet", "Connexion à Internet"],
  ["imprimante", "Imprimante"],
  ["autre", "Autre"],
];

/** The form; shows the agent's French refusal, or a thank-you line once sent. */
export function ProblemForm({ onClose }: { onClose: () => void }) {
  const [category, setCategory] = useState("");
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [sent, setSent] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await send("/api/problem", { category, text });
      setSent(true);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  if (sent)
    return html`<div class="k-card k-problem"><p role="status">Merci : l'animateur est prévenu.</p><button class="k-btn secondary" onClick=${onClose}>Fermer</button></div>`;
  return html`<form class="k-card k-problem" onSubmit=${submit}>
    <h2>Signaler un problème</h2>
    <label for="p-cat">Type de problème</label>
    <select id="p-cat" value=${category} onChange=${(e: any) => setCategory(e.currentTarget.value)}>
      <option value="">— choisir —</option>
      ${CATEGORIES.map(([v, l]) => html`<option value=${v}>${l}</option>`)}
    </select>
    <label for="p-text">Description</label>
    <textarea id="p-text" rows="3" maxlength="2000" value=${text} onInput=${(e: any) => setText(e.currentTarget.value)}></textarea>
    ${error ? html`<p class="k-error" role="alert">${error}</p>` : null}
    <div class="k-row">
      <button class="k-btn" type="submit">Envoyer</button>
      <button class="k-btn secondary" type="button" onClick=${onClose}>Annuler</button>
    </div>
  </form>`;
}
