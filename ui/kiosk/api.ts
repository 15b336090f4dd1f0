/** The lock screen's calls to its local agent: JSON, a custom header the agent requires on writes, French errors. */

/** The agent's view of the kiosk: one type for the agent and its page (type-only import, nothing bundled). */
export type { KioskView } from "../../agent/view";
import type { KioskView } from "../../agent/view";

/** A refusal with a message to show as is. */
export class KioskError extends Error {}

/** GET /api/state; throws when the agent itself does not answer. */
export async function fetchState(): Promise<KioskView> {
  const r = await fetch("/api/state", { cache: "no-store" });
  if (!r.ok) throw new KioskError("L'agent du poste ne répond pas.");
  return r.json();
}

/** POST to the agent; resolves with its JSON or throws KioskError with its French message. */
export async function send<T = KioskView>(path: string, body: unknown = {}): Promise<T> {
  let r: Response;
  try {
    r = await fetch(path, { method: "POST", headers: { "content-type": "application/json", "x-guichet-kiosk": "1" }, body: JSON.stringify(body) });
  } catch {
    throw new KioskError("L'agent du poste ne répond pas : adressez-vous à l'accueil.");
  }
  const j = await r.json().catch(() => null);
  if (!r.ok) throw new KioskError(j?.error?.message ?? `Erreur ${r.status} : adressez-vous à l'accueil.`);
  return j as T;
}

/** "1:05:09" or "42:07". */
export function clock(s: number) {
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(h ? 2 : 1, "0");
  return `${h ? h + ":" : ""}${mm}:${String(sec).padStart(2, "0")}`;
}
