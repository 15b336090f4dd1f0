/** The EPN pages' own styles (room tiles, day planner), added once to the page when the module loads. */
const EPN_CSS = `
.epn-tiles { list-style: none; padding: 0; margin: 0 0 1.5rem; display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 1rem; }
.epn-tile { background: var(--surface); border: 1px solid var(--border); border-top: 6px solid #9a9a9a; border-radius: 6px; padding: 0.75rem 1rem; display: flex; flex-direction: column; gap: 0.4rem; min-height: 11rem; }
.epn-tile h3 { margin: 0; font-size: 1.15rem; display: flex; justify-content: space-between; align-items: center; gap: 0.5rem; }
.epn-tile[data-state="free"] { border-top-color: var(--green); }
.epn-tile[data-state="in_use"] { border-top-color: var(--blue); }
.epn-tile[data-state="reserved"] { border-top-color: #7b3ff2; }
.epn-tile[data-state="locked"] { border-top-color: var(--amber); }
.epn-tile[data-state="offline"] { border-top-color: #3a3a3a; background: #f3f3f3; }
.epn-tile[data-state="maintenance"] { border-top-color: var(--red); background: #fff7f7; }
.epn-state { font-size: 0.8rem; font-weight: 600; padding: 0 0.5rem; border-radius: 1rem; background: #eee; white-space: nowrap; }
.epn-tile[data-state="in_use"] .epn-state { background: var(--blue-light); color: var(--blue); }
.epn-tile[data-state="free"] .epn-state { background: var(--green-light); color: #0b4a22; }
.epn-left { font-size: 1.6rem; font-weight: 700; line-height: 1.1; }
.epn-left.low { color: var(--red); }
.epn-who { font-weight: 500; overflow-wrap: anywhere; }
.epn-meta { color: var(--muted); font-size: 0.8rem; margin: 0; }
.epn-controls { display: flex; flex-wrap: wrap; gap: 0.3rem; margin-top: auto; }
.epn-controls .btn { min-height: 1.9rem; padding: 0.1rem 0.5rem; font-size: 0.8rem; }
.epn-legend { display: flex; flex-wrap: wrap; gap: 1rem; margin: 0 0 1rem; font-size: 0.9rem; color: var(--muted); }
.epn-code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 700; letter-spacing: 0.08em; white-space: nowrap; }
.epn-planner { overflow-x: auto; background: var(--surface); border: 1px solid var(--border); border-radius: 6px; padding: 0.5rem 1rem 1rem; margin-bottom: 1.5rem; }
.epn-plan-row { display: grid; grid-template-columns: 8rem 1fr; align-items: center; min-width: 44rem; border-bottom: 1px solid #eee; }
.epn-plan-name { font-weight: 600; padding: 0.4rem 0; }
.epn-plan-track { position: relative; height: 2.4rem; background: repeating-linear-gradient(90deg, #f7f7f7 0, #f7f7f7 1px, transparent 1px, transparent calc(100% / 14)); }
.epn-plan-open { position: absolute; top: 0.3rem; bottom: 0.3rem; background: #e8f8ee; border-radius: 3px; }
.epn-plan-res { position: absolute; top: 0.3rem; bottom: 0.3rem; background: var(--blue); color: #fff; border-radius: 3px; font-size: 0.75rem; padding: 0.1rem 0.3rem; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; border: 0; cursor: pointer; text-align: left; }
.epn-plan-res.honoured { background: var(--green); }
.epn-plan-res.released { background: #9a9a9a; text-decoration: line-through; }
.epn-plan-hours { display: grid; grid-template-columns: 8rem 1fr; min-width: 44rem; font-size: 0.75rem; color: var(--muted); }
.epn-plan-axis { position: relative; height: 1.2rem; }
.epn-plan-axis span { position: absolute; transform: translateX(-50%); }
.epn-hours-grid { display: grid; grid-template-columns: 7rem 1fr; gap: 0.25rem 1rem; align-items: center; }
.epn-hours-grid input { padding: 0.35rem 0.5rem; font: inherit; border: 1px solid var(--border); border-radius: var(--radius); }
.epn-check { display: flex; align-items: flex-start; gap: 0.5rem; margin: 0.5rem 0 1rem; cursor: pointer; }
.epn-check input { width: 1.1rem; height: 1.1rem; margin-top: 0.2rem; accent-color: var(--blue); flex: none; }
.epn-actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; }
.notif .btn + .btn { margin-left: 0.35rem; }
.epn-text { white-space: pre-line; background: #f6f6f6; border-left: 3px solid var(--blue); padding: 0.75rem 1rem; max-height: 12rem; overflow: auto; font-size: 0.9rem; }
`;

if (typeof document !== "undefined" && !document.getElementById("epn-style")) {
  const el = document.createElement("style");
  el.id = "epn-style";
  el.textContent = EPN_CSS;
  document.head.appendChild(el);
}
export {};
