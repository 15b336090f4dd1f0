/** A few stroke icons drawn inline (no icon font: the appliance works offline and fonts may lack emoji). */
import { html } from "../lib/html";

const PATHS: Record<string, string> = {
  home: "M3 10.5 12 3l9 7.5V21h-6v-6H9v6H3z",
  users: "M9 4.5a3.5 3.5 0 1 1 0 7a3.5 3.5 0 1 1 0-7 M2 20c0-3.5 3-6 7-6s7 2.5 7 6 M17 6.5a2.5 2.5 0 1 1 0 5 M18 14c2.4.4 4 2.3 4 5",
  building: "M2 10 12 4l10 6 M4 21h16 M5 21V11 M19 21V11 M9.5 21v-7 M14.5 21v-7",
  journal: "M6 3h9l4 4v14H6z M9 11h7 M9 15h7 M9 7h3",
  server: "M3 4h18v7H3z M3 13h18v7H3z M7 7.5h.01 M7 16.5h.01",
  user: "M12 4a4 4 0 1 1 0 8a4 4 0 1 1 0-8 M4 21c0-4 3.6-7 8-7s8 3 8 7",
  bell: "M6 16v-5a6 6 0 0 1 12 0v5l2 2H4z M10 20a2 2 0 0 0 4 0",
  menu: "M4 6h16 M4 12h16 M4 18h16",
  logout: "M14 4h5v16h-5 M9 8l-4 4 4 4 M5 12h10",
  grid: "M4 4h7v7H4z M13 4h7v7h-7z M4 13h7v7H4z M13 13h7v7h-7z",
  monitor: "M3 4h18v12H3z M8 20h8 M12 16v4",
  shield: "M12 3l8 3v6c0 4.5-3.4 8-8 9c-4.6-1-8-4.5-8-9V6z",
  network: "M12 3v6 M5 15v-3h14v3 M3 15h4v5H3z M10 15h4v5h-4z M17 15h4v5h-4z M9 3h6v6H9z",
  check: "M4 12l5 5L20 6",
  alert: "M12 3 2 20h20z M12 10v4 M12 17h.01",
};

/** Names of the available icons (module entries may use any of them). */
export type IconName = keyof typeof PATHS;

/** An icon by name; an unknown name shows its first letter, so a module can pass "E" too. */
export function Icon({ name, size = 20, label }: { name: string; size?: number; label?: string }) {
  const d = PATHS[name];
  const a11y = label ? { role: "img", "aria-label": label } : { "aria-hidden": "true" };
  if (!d)
    return html`<span class="icon-letter" style=${`width:${size}px;height:${size}px`} ...${a11y}>${(name[0] ?? "?").toUpperCase()}</span>`;
  return html`<svg class="icon" width=${size} height=${size} viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.8"
    stroke-linecap="round" stroke-linejoin="round" focusable="false" ...${a11y}><path d=${d} /></svg>`;
}
