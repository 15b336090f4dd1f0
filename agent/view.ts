/** What the lock screen shows: the phase, the session's time left, warnings, messages (shared with ui/kiosk). */
import type { Event } from "./protocol";

/** What the lock screen shows. */
export type Phase = "unreachable" | "free" | "in_use" | "locked";

/** The state the local page polls (also what tests read). */
export interface KioskView {
  phase: Phase;
  connected: boolean;
  workstation: string;
  session: { id: string; label: string; remainingS: number } | null;
  /** Seconds since the patron's last input during the session; null without a session or an input device. */
  idleSeconds: number | null;
  /** 5 or 1 while the matching warning stands. */
  warning: 5 | 1 | null;
  messages: { id: string; text: string; at: string }[];
  /** A one-off line ("Session terminée : temps écoulé"), cleared by the next action. */
  notice: string | null;
  /** The last session that ended here, for the patron's information (and tests). */
  lastEnded: { id: string; reason: string; endedAt: string; offline: boolean } | null;
  pendingEvents: number;
}

/** Why the kiosk ended a session (the protocol's reasons). */
export type EndReason = Extract<Event, { type: "session.ended" }>["reason"];

/** The line the lock screen shows after each kind of end. */
export const END_NOTICE: Record<EndReason, string> = {
  time: "Votre session est terminée : le temps est écoulé. Merci de votre visite !",
  logout: "Votre session est terminée. Merci de votre visite !",
  command: "Votre session a été terminée par l'animateur.",
  inactivity: "Votre session est terminée faute d'activité sur le poste. Merci de votre visite !",
};

