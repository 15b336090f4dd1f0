/** Small SVG charts (horizontal bars, line) with a text alternative: the figures are also in a visually hidden table. */
import { html } from "../lib/html";
import { num } from "../lib/format";

/** One data point. */
export interface Point {
  label: string;
  value: number;
}

interface ChartProps {
  title: string;
  data: Point[];
  /** How values are written in tooltips and the hidden table (default: grouped number). */
  format?: (v: number) => string;
  height?: number;
}

const W = 600;
/** Room on the right so the last x label is not cut. */
const RIGHT = 24;

function niceMax(v: number) {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function Hidden({ title, data, format }: ChartProps) {
  const f = format ?? num;
  // The wrapper hides it: a <table> ignores the 1px height of .sr-only and would stretch the page.
  return html`<div class="sr-only"><table><caption>${title}</caption><tbody>
    ${data.map((d, i) => html`<tr key=${i}><th scope="row">${d.label}</th><td>${f(d.value)}</td></tr>`)}
  </tbody></table></div>`;
}

/** Left margin wide enough for the longest axis label (about 7 px per character at 11 px). */
function leftMargin(max: number, format: (v: number) => string) {
  return 14 + 7 * Math.max(...[0, 0.5, 1].map((r) => format(max * r).length));
}

function Axis({ max, h, left, format }: { max: number; h: number; left: number; format: (v: number) => string }) {
  // A scale topping at 1 gets no "0,5" line: counts are whole numbers.
  return html`${(max < 2 ? [0, 1] : [0, 0.5, 1]).map((r) => {
    const y = 10 + (h - 30) * (1 - r);
    return html`<g key=${r}><line x1=${left - 4} x2=${W - RIGHT} y1=${y} y2=${y} class="chart-grid" /><text x=${left - 8} y=${y + 4} text-anchor="end" class="chart-axis">${format(max * r)}</text></g>`;
  })}`;
}

/** Horizontal bars, one per point: long labels stay readable (left column), values written at the bar's end. */
export function BarChart(p: ChartProps) {
  const f = p.format ?? num;
  const row = 26;
  const h = Math.max(1, p.data.length) * row + 8;
  const max = Math.max(0, ...p.data.map((d) => d.value)) || 1;
  // Label column sized to the longest label (about 7 px per character), capped at 40 % of the width.
  const left = Math.min(W * 0.4, 12 + 7 * Math.max(4, ...p.data.map((d) => d.label.length)));
  const valueRoom = 12 + 7 * Math.max(...p.data.map((d) => f(d.value).length), 1);
  const span = W - left - valueRoom;
  return html`<figure class="chart">
    <figcaption>${p.title}</figcaption>
    <svg viewBox=${`0 0 ${W} ${h}`} role="img" aria-hidden="true" focusable="false">
      ${p.data.map((d, i) => {
        const y = 4 + i * row;
        const bw = Math.max((span * d.value) / max, d.value > 0 ? 2 : 0);
        return html`<g key=${i}>
          <text x=${left - 8} y=${y + row / 2 + 4} text-anchor="end" class="chart-label">${d.label}</text>
          <rect x=${left} y=${y + 3} width=${bw} height=${row - 8} rx="2" class="chart-bar"><title>${d.label} : ${f(d.value)}</title></rect>
          <text x=${left + bw + 6} y=${y + row / 2 + 4} class="chart-value">${f(d.value)}</text>
        </g>`;
      })}
    </svg>
    <${Hidden} ...${p} />
  </figure>`;
}

/** A line through the points, with dots. */
export function LineChart(p: ChartProps) {
  const h = p.height ?? 180;
  const f = p.format ?? num;
  const max = niceMax(Math.max(0, ...p.data.map((d) => d.value)));
  const n = p.data.length;
  const left = leftMargin(max, f);
  const span = W - RIGHT - left;
  const x = (i: number) => left + (n <= 1 ? span / 2 : (i * span) / (n - 1));
  const y = (v: number) => 10 + (h - 30) * (1 - v / max);
  const path = p.data.map((d, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(d.value).toFixed(1)}`).join(" ");
  // Label every k-th point so the axis stays readable with many points.
  const every = Math.max(1, Math.ceil(n / 8));
  return html`<figure class="chart">
    <figcaption>${p.title}</figcaption>
    <svg viewBox=${`0 0 ${W} ${h}`} role="img" aria-hidden="true" focusable="false">
      <${Axis} max=${max} h=${h} left=${left} format=${f} />
      ${n ? html`<path d=${path} class="chart-line" />` : null}
      ${p.data.map(
        (d, i) => html`<g key=${i}>
          <circle cx=${x(i)} cy=${y(d.value)} r="3.5" class="chart-dot"><title>${d.label} : ${f(d.value)}</title></circle>
          ${i % every === 0 || i === n - 1 ? html`<text x=${x(i)} y=${h - 6} text-anchor="middle" class="chart-axis">${d.label}</text>` : null}
        </g>`,
      )}
    </svg>
    <${Hidden} ...${p} />
  </figure>`;
}
