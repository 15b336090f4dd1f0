/** The time rules of a session, as pure functions: how long a new session may last, how far it may be extended. */
import { AppError } from "../../../core/errors";
import type { Opening } from "./opening-hours";
import { describeInstant, hhmm } from "./local-time";

/** A refusal the kiosk shows as is: a stable `code` for the agent, a French message for the patron. */
export class Refused extends AppError {
  constructor(status: 409 | 422 | 423, code: string, message: string) {
    super(status, code, message);
  }
}

/** What capped a session's length. */
export type Limit = "closing" | "reservation" | "quota" | "allowance" | "max";

/** Everything the length of a new session depends on. */
export interface LengthInputs {
  now: Date;
  tz: string;
  opening: Opening;
  maxSessionMinutes: number;
  minSessionMinutes: number;
  dailyQuotaMinutes: number;
  /** Seconds the holder already used today. */
  usedTodaySeconds: number;
  /** Seconds left on the code's allowance, or null when it has none. */
  allowanceLeftSeconds: number | null;
  /** Start of the next reservation of this workstation by someone else, if any. */
  nextReservationAt: Date | null;
}

function minutesText(s: number) {
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")}`;
}

/** The end of a new session and what limits it; throws Refused when it would be too short. */
export function sessionLength(i: LengthInputs): { endsAt: Date; limitedBy: Limit; seconds: number } {
  if (!i.opening.open) {
    if (i.opening.closure) throw new Refused(409, "closed", `Fermeture exceptionnelle (${i.opening.closure}) : aucune session ne peut être ouverte aujourd'hui.`);
    const next = i.opening.nextOpening ? ` Prochaine ouverture : ${describeInstant(i.opening.nextOpening, i.now, i.tz)}.` : "";
    throw new Refused(409, "closed", `L'espace est fermé en ce moment.${next}`);
  }
  const t = i.now.getTime();
  // Order matters on ties: the patron is told about closing before quota, etc.
  const caps: [Limit, number][] = [
    ["closing", (i.opening.closesAt.getTime() - t) / 1000],
    ["reservation", i.nextReservationAt ? (i.nextReservationAt.getTime() - t) / 1000 : Infinity],
    ["quota", i.dailyQuotaMinutes * 60 - i.usedTodaySeconds],
    ["allowance", i.allowanceLeftSeconds ?? Infinity],
    ["max", i.maxSessionMinutes * 60],
  ];
  let [limitedBy, seconds] = caps[0]!;
  for (const [k, v] of caps) if (v < seconds) [limitedBy, seconds] = [k, v];
  seconds = Math.floor(seconds);
  if (seconds < i.minSessionMinutes * 60) {
    switch (limitedBy) {
      case "closing":
        throw new Refused(409, "closing_soon", `L'espace ferme à ${hhmm(i.opening.closesAt, i.tz)} : il est trop tard pour ouvrir une session.`);
      case "reservation":
        throw new Refused(409, "reserved", `Ce poste est réservé à partir de ${hhmm(i.nextReservationAt!, i.tz)} : installez-vous sur un autre poste.`);
      case "quota":
        throw new Refused(409, "quota_reached", `Votre temps du jour est écoulé (${minutesText(i.dailyQuotaMinutes * 60)} par jour) : revenez demain.`);
      case "allowance":
        throw new Refused(409, "code_exhausted", "Le crédit de temps de ce code est épuisé : demandez un nouveau code à l'accueil.");
      default:
        throw new Refused(409, "too_short", "La durée de session autorisée est trop courte.");
    }
  }
  return { endsAt: new Date(t + seconds * 1000), limitedBy, seconds };
}

/** How far staff may extend a running session: never past closing nor into someone else's reservation. */
export function extensionEnd(i: { now: Date; tz: string; endsAt: Date; minutes: number; closesAt: Date | null; nextReservationAt: Date | null }) {
  const wanted = Math.max(i.endsAt.getTime(), i.now.getTime()) + i.minutes * 60_000;
  let end = wanted;
  let limitedBy: Limit | null = null;
  if (i.closesAt && i.closesAt.getTime() < end) [end, limitedBy] = [i.closesAt.getTime(), "closing"];
  if (i.nextReservationAt && i.nextReservationAt.getTime() < end) [end, limitedBy] = [i.nextReservationAt.getTime(), "reservation"];
  if (end <= i.endsAt.getTime()) {
    if (limitedBy === "reservation") throw new Refused(409, "reserved", `Impossible de prolonger : le poste est réservé à ${hhmm(i.nextReservationAt!, i.tz)}.`);
    if (i.closesAt) throw new Refused(409, "closing_soon", `Impossible de prolonger : l'espace ferme à ${hhmm(i.closesAt, i.tz)}.`);
    throw new Refused(409, "closed", "Impossible de prolonger : l'espace est fermé.");
  }
  return { endsAt: new Date(end), limitedBy, cut: end < wanted };
}
