/** The kiosk lock screen: code prompt, countdown with warnings, the animateur's messages, "signaler un problème". */
import { useEffect, useState } from "preact/hooks";
import { html } from "../lib/html";
import { clock, fetchState, send, type KioskView } from "./api";
import { ProblemForm } from "./problem";

function Header({ v }: { v: KioskView | null }) {
  return html`<header class="k-head">
    <div class="k-brand"><span class="k-mark" aria-hidden="true">G</span> Espace public numérique</div>
    <div class="k-ws">
      ${v?.workstation ? html`<span>Poste « ${v.workstation} »</span>` : null}
      <span class=${"k-link " + (v?.connected ? "on" : "off")}>${v?.connected ? "Relié au Guichet" : "Hors ligne"}</span>
    </div>
  </header>`;
}

function Messages({ v, onDismiss }: { v: KioskView; onDismiss: (id: string) => void }) {
  if (!v.messages.length) return null;
  return html`<section class="k-messages" aria-live="assertive">
    ${v.messages.map(
      (m) => html`<div class="k-message" role="alert" key=${m.id}>
        <strong>Message de l'animateur</strong>
        <p>${m.text}</p>
        <button class="k-btn secondary" onClick=${() => onDismiss(m.id)}>J'ai compris</button>
      </div>`,
    )}
  </section>`;
}

function CodePrompt({ v, onOpen }: { v: KioskView; onOpen: (code: string) => Promise<void> }) {
  const [code, setCode] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!code.trim()) return setError("Saisissez le code inscrit sur votre ticket.");
    setBusy(true);
    setError(null);
    try {
      await onOpen(code.trim());
      setCode("");
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return html`<form class="k-card" onSubmit=${submit}>
    <h1>Bienvenue</h1>
    ${v.notice ? html`<p class="k-notice" role="status">${v.notice}</p>` : null}
    <label for="code">Votre code d'accès</label>
    <input id="code" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" autofocus maxlength="40"
      value=${code} onInput=${(e: any) => setCode(e.currentTarget.value.toUpperCase())} aria-describedby="code-help ${error ? "code-error" : ""}" aria-invalid=${!!error} />
    <p id="code-help" class="hint">Le code figure sur le ticket remis à l'accueil (sans O ni I, sans 0 ni 1).</p>
    ${error ? html`<p id="code-error" class="k-error" role="alert">${error}</p>` : null}
    <button class="k-btn" type="submit" disabled=${busy}>${busy ? "Ouverture…" : "Ouvrir ma session"}</button>
  </form>`;
}

function InUse({ v, onEnd }: { v: KioskView; onEnd: () => Promise<void> }) {
  const s = v.session!;
  const [confirm, setConfirm] = useState(false);
  return html`<section class="k-card">
    <p class="k-hello">${s.label}</p>
    <p class="muted">Temps restant</p>
    <p class=${"k-countdown" + (v.warning ? " warn" : "")} aria-live="off" data-seconds=${s.remainingS}>${clock(s.remainingS)}</p>
    ${v.warning
      ? html`<p class="k-warning" role="alert">${v.warning === 5 ? "Il vous reste 5 minutes : pensez à enregistrer votre travail." : "Il vous reste 1 minute : enregistrez votre travail maintenant."}</p>`
      : null}
    ${!v.connected ? html`<p class="k-offline" role="status">Liaison avec le Guichet interrompue : votre session continue et se terminera à l'heure prévue.</p>` : null}
    ${confirm
      ? html`<div class="k-confirm"><p>Terminer la session ? Vos fichiers seront effacés de ce poste.</p>
          <button class="k-btn danger" onClick=${() => void onEnd()}>Oui, terminer</button>
          <button class="k-btn secondary" onClick=${() => setConfirm(false)}>Annuler</button></div>`
      : html`<button class="k-btn secondary" onClick=${() => setConfirm(true)}>Terminer ma session</button>`}
  </section>`;
}

function Locked({ v }: { v: KioskView }) {
  const title = v.phase === "locked" ? "Poste verrouillé par l'animateur" : "Poste verrouillé";
  const text = v.phase === "locked" ? "Adressez-vous à l'accueil si vous avez besoin d'aide." : (v.notice ?? "Le Guichet est injoignable : ce poste reste verrouillé. Adressez-vous à l'accueil.");
  return html`<section class="k-card k-locked">
    <svg class="k-lock" aria-hidden="true" viewBox="0 0 24 24" width="72" height="72"><path fill="currentColor" d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 1 1 6 0v3H9zm3 4a2 2 0 0 1 1 3.73V19h-2v-1.27A2 2 0 0 1 12 14z"/></svg>
    <h1>${title}</h1>
    <p role="status">${text}</p>
  </section>`;
}

/** The whole screen; the state comes from the agent every second (and right after each action). */
export function App() {
  const [v, setV] = useState<KioskView | null>(null);
  const [agentDown, setAgentDown] = useState(false);
  const [problem, setProblem] = useState(false);
  const refresh = async () => {
    try {
      setV(await fetchState());
      setAgentDown(false);
    } catch {
      setAgentDown(true);
    }
  };
  useEffect(() => {
    void refresh();
    const t = setInterval(() => void refresh(), 1000);
    return () => clearInterval(t);
  }, []);
  // The next patron must not find the previous one's half-typed report.
  const sessionKey = `${v?.phase}:${v?.session?.id ?? ""}`;
  useEffect(() => setProblem(false), [sessionKey]);
  const act = async (p: Promise<KioskView>) => setV(await p);
  if (!v) return html`<main class="k-main"><${Header} v=${null} /><p class="k-card">${agentDown ? "L'agent du poste ne répond pas : adressez-vous à l'accueil." : "Chargement…"}</p></main>`;
  return html`<main class="k-main">
    <${Header} v=${v} />
    ${agentDown ? html`<p class="k-error" role="alert">L'agent du poste ne répond plus : adressez-vous à l'accueil.</p>` : null}
    <${Messages} v=${v} onDismiss=${(id: string) => void act(send(`/api/messages/${id}/dismiss`))} />
    ${v.phase === "free"
      ? html`<${CodePrompt} v=${v} onOpen=${(code: string) => act(send("/api/session", { code }))} />`
      : v.phase === "in_use"
        ? html`<${InUse} v=${v} onEnd=${() => act(send("/api/session/end"))} />`
        : html`<${Locked} v=${v} />`}
    <footer class="k-foot">
      ${!v.workstation ? null : problem ? html`<${ProblemForm} onClose=${() => setProblem(false)} />` : html`<button class="k-link-btn" onClick=${() => setProblem(true)}>Signaler un problème</button>`}
    </footer>
  </main>`;
}
