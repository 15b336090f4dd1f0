/** Tiny i18n: French is written in the code and is the default; English comes from a dictionary keyed by the French text. */
import { signal } from "@preact/signals";
import { EN as EN_BASE } from "./i18n-en";
import { EN_ADMIN } from "./i18n-en-admin";
import { EN_SYSTEM } from "./i18n-en-system";

// Split in three files to keep each readable; one lookup table at run time.
const EN: Record<string, string> = { ...EN_BASE, ...EN_ADMIN, ...EN_SYSTEM };

/** Languages the staff UI speaks. */
export type Lang = "fr" | "en";

const KEY = "guichet.langue";

function initial(): Lang {
  try {
    return localStorage.getItem(KEY) === "en" ? "en" : "fr";
  } catch {
    return "fr";
  }
}

/** The current language; views that call t() re-render when it changes. */
export const lang = signal<Lang>(initial());
document.documentElement.lang = lang.value;

/** Switches language and remembers it in this browser. */
export function setLang(l: Lang) {
  lang.value = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem(KEY, l);
  } catch {
    // Private browsing: the choice lasts until reload, which is fine.
  }
}

/**
 * Translates a French UI text: t("Bonjour {nom}", { nom }) → "Hello Ada" in English.
 * Missing English entries fall back to French, so a forgotten entry never shows a key.
 */
export function t(fr: string, vars?: Record<string, string | number>): string {
  const s = lang.value === "en" ? (EN[fr] ?? fr) : fr;
  return vars ? s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m)) : s;
}

/** The BCP 47 locale for dates and numbers. */
export function locale() {
  return lang.value === "en" ? "en-GB" : "fr-FR";
}

/** French labels of organisation roles (the API speaks in codes). */
export function roleLabel(role: string) {
  const fr: Record<string, string> = { owner: "Propriétaire", admin: "Administrateur", manager: "Responsable", member: "Membre" };
  return t(fr[role] ?? role);
}

/** Labels of module roles. */
export function moduleRoleLabel(r: string) {
  const fr: Record<string, string> = {
    epn_animateur: "Animateur EPN",
    itsm_technician: "Technicien support",
    hr_manager: "Gestionnaire RH",
    accountant: "Comptable",
    instructor: "Instructeur",
    calendar_projet: "Agenda : projet",
    calendar_dev: "Agenda : développement",
    calendar_ops: "Agenda : exploitation",
    calendar_admin: "Agenda : administration",
  };
  return t(fr[r] ?? r);
}
