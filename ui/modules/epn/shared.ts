/** EPN UI shared parts: API types, French labels, file downloads (PDF, CSV) and the module's styles. */
import { apiState, ApiError } from "../../lib/api";
import { t } from "../../lib/i18n";
import "./style";
import { CATEGORIES, SEXES } from "../../../appliance/modules/epn/service/categories";

/** One workstation tile (GET /api/epn/workstations and the live `epn.workstation` event). */
export interface Tile {
  id: string;
  name: string;
  roomId: string;
  roomName: string;
  state: "free" | "reserved" | "in_use" | "locked" | "offline" | "maintenance";
  online: boolean;
  locked: boolean;
  maintenance: boolean;
  enrolled: boolean;
  lastSeenAt: string | null;
  ip: string | null;
  mac: string | null;
  session: { id: string; startedAt: string; endsAt: string; secondsUsed: number; secondsLeft: number; limitedBy: string; guest: boolean; minor: boolean; patron: { id: string; name: string } | null; codeLabel: string | null } | null;
  nextReservation: { id: string; startsAt: string; endsAt: string; patronName: string | null } | null;
  pendingCommands: number;
}

/** A patron as the API returns it. */
export interface Patron {
  id: string;
  firstName: string | null;
  lastName: string | null;
  birthYear: number | null;
  ageBand: string | null;
  commune: string | null;
  category: string;
  sex: string | null;
  email: string | null;
  phone: string | null;
  notes: string | null;
  consentVersion: number | null;
  consentAt: string | null;
  consentBy: string | null;
  reglementVersion: number | null;
  reglementAt: string | null;
  consentCurrent: boolean;
  reglementCurrent: boolean;
  registeredOn: string;
  lastActivityAt: string;
  erased: boolean;
}

/** An access code. */
export interface Code {
  id: string;
  code: string;
  patronId: string | null;
  patronName: string | null;
  batchId: string | null;
  label: string | null;
  validFrom: string;
  validUntil: string;
  allowanceMinutes: number | null;
  usedMinutes: number;
  multiUse: boolean;
  uses: number;
  status: string;
  createdAt: string;
}

/** A room with its weekly hours. */
export interface Room {
  id: string;
  name: string;
  hours: Record<string, [string, string][]>;
  workstations: number;
}

export const STATE_LABELS: Record<Tile["state"], string> = {
  free: "Libre",
  reserved: "Réservé",
  in_use: "En cours",
  locked: "Verrouillé",
  offline: "Hors ligne",
  maintenance: "Maintenance",
};

// One list with the server (it validates against the same keys).
export const CATEGORY_LABELS: Record<string, string> = CATEGORIES;
export const SEX_LABELS: Record<string, string> = SEXES;

export const CODE_STATUS: Record<string, [string, string]> = {
  active: ["Valable", "tag-ok"],
  not_yet: ["Pas encore valable", ""],
  expired: ["Expiré", ""],
  used: ["Utilisé", ""],
  exhausted: ["Crédit épuisé", "tag-warn"],
  revoked: ["Annulé", "tag-error"],
};

export const DAY_NAMES = ["", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche"];

/** 4380 s → "1 h 13", 300 → "5 min". */
export function clock(seconds: number) {
  const m = Math.max(0, Math.round(seconds / 60));
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")}`;
}

/** "14:05" in the browser's time zone. */
export function hm(iso: string) {
  return new Date(iso).toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit" });
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** Calls the API for a file (PDF, CSV) with the session headers; returns the blob or throws an ApiError in French. */
export async function fetchFile(method: "GET" | "POST", path: string, body?: unknown): Promise<Blob> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers["content-type"] = "application/json";
  if (method === "POST" && apiState.csrf) headers["x-csrf-token"] = apiState.csrf;
  if (apiState.org) headers["x-guichet-org"] = apiState.org;
  let res: Response;
  try {
    res = await fetch("api/" + path.replace(/^\/?(api\/)?/, ""), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  } catch {
    throw new ApiError(0, "network", t("Le Guichet ne répond pas : vérifiez la connexion réseau puis réessayez."));
  }
  if (!res.ok) {
    const e = await res.json().catch(() => null);
    throw new ApiError(res.status, e?.error?.code ?? "http_" + res.status, e?.error?.message ?? t("Le serveur a répondu par une erreur {s}.", { s: res.status }), e?.error?.fields ?? {});
  }
  return res.blob();
}

/** Saves a blob under a file name (CSV, JSON exports). */
export function saveBlob(blob: Blob, filename: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * Opens a PDF in a new tab. The tab is opened before the request so pop-up blockers allow it; if that
 * fails (blocked), the PDF is downloaded instead.
 */
export async function openPdf(path: string, body: unknown, filename: string) {
  const tab = window.open("", "_blank");
  try {
    const blob = await fetchFile("POST", path, body);
    const url = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
    if (tab) tab.location.href = url;
    else saveBlob(blob, filename);
  } catch (e) {
    tab?.close();
    throw e;
  }
}
