/** Styles of the "Postes et agents" page (copy blocks, inventory facts), added once like style.ts does for the EPN. */
const CSS = `
.epn-copy { margin: 0 0 0.75rem; }
.epn-copy-head { display: flex; justify-content: space-between; align-items: center; gap: 1rem; margin-bottom: 0.25rem; }
.epn-copy pre.secret { margin: 0; white-space: pre-wrap; }
.epn-facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0 0 1rem; }
.epn-facts dt { color: var(--muted); }
.epn-facts dd { margin: 0; overflow-wrap: anywhere; }
.epn-inv-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 0 1.5rem; }
.epn-lines { display: flex; flex-direction: column; }
.epn-search { display: flex; align-items: center; gap: 0.5rem; margin: 0 0 0.5rem; }
.epn-search input { width: min(20rem, 100%); padding: 0.35rem 0.5rem; font: inherit; border: 1px solid var(--border); border-radius: var(--radius); }
.epn-soft { max-height: 14rem; overflow: auto; padding-left: 1.25rem; font-size: 0.9rem; }
.epn-history { padding-left: 1.25rem; }
.epn-history ul { font-size: 0.9rem; margin: 0.25rem 0 0.75rem; }
.epn-history li[data-change="removed"] strong { text-decoration: line-through; }
`;

if (typeof document !== "undefined" && !document.getElementById("epn-kiosk-style")) {
  const el = document.createElement("style");
  el.id = "epn-kiosk-style";
  el.textContent = CSS;
  document.head.appendChild(el);
}
export {};
