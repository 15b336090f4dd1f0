/** The DNS pages' own styles, added once to the page when the module loads. */
const DNS_CSS = `
.dns-name, .dns-url, .dns-reason { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.dns-error { color: var(--red); overflow-wrap: anywhere; }
.dns-live { margin: 0 0 0.75rem; }
.dns-checks { display: flex; flex-direction: column; gap: 0.25rem; margin: 0 0 1rem; }
.dns-inline { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 0 1rem; align-items: end; }
.dns-inline .banner, .dns-inline .form-actions { grid-column: 1 / -1; }
.dns-week { border: 1px solid var(--border); border-radius: 6px; padding: 0.5rem 1rem 0; display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: 0 1rem; }
.dns-week legend { padding: 0 0.35rem; }
.dns-problems { margin: 0 0 1rem; }
.dns-problems ul { margin: 0.5rem 0 0; padding-left: 1.25rem; font-size: 0.9rem; }
.dns-matches { padding-left: 1.25rem; }
.dns-matches li { margin-bottom: 0.5rem; }
`;

if (typeof document !== "undefined" && !document.getElementById("dns-style")) {
  const el = document.createElement("style");
  el.id = "dns-style";
  el.textContent = DNS_CSS;
  document.head.appendChild(el);
}
export {};
