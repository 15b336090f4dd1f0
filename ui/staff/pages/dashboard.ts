/**
 * Dashboard: cards from GET /api/dashboard ({ cards: [{ module, title, value, hint?, link? }] }) when it
 * exists; otherwise one placeholder card per enabled module. Admins also see the activity of the last 14 days.
 */
import { html } from "../../lib/html";
import { get, isStatus } from "../../lib/api";
import { useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { currentOrg, hasRole, me } from "../../lib/session";
import { dateOnly, num } from "../../lib/format";
import { isEnabled, UI_MODULES } from "../../modules";
import { ErrorBanner } from "../../components/toast";
import { BarChart, LineChart, type Point } from "../../components/chart";

/** One card as the API sends it. */
interface Card {
  module: string;
  title: string;
  value: string | number;
  hint?: string;
  link?: string;
}

async function loadCards(): Promise<Card[] | null> {
  try {
    const r = await get<{ cards: Card[] }>("dashboard");
    return Array.isArray(r?.cards) ? r.cards : [];
  } catch (e) {
    // The aggregated route comes with the modules; until then the page shows placeholders.
    if (isStatus(e, 404)) return null;
    throw e;
  }
}

const DAYS = 14;

/** Audit rows per day and the most frequent actions over the last two weeks (admins only: the audit log is an admin route). */
async function loadActivity(): Promise<{ days: Point[]; actions: Point[] }> {
  const from = new Date(Date.now() - (DAYS - 1) * 86400_000);
  from.setHours(0, 0, 0, 0);
  const counts = new Map<string, number>();
  const actions = new Map<string, number>();
  let before: number | null | undefined;
  // At most 5 pages of 200: enough for a small town hall's fortnight; the chart says "200+" otherwise.
  for (let page = 0; page < 5; page++) {
    const r = await get<{ items: { at: string; action: string }[]; nextBefore: number | null }>("audit", { from: from.toISOString(), limit: 200, before: before ?? undefined });
    for (const it of r.items) {
      const d = new Date(it.at);
      const key = `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
      actions.set(it.action, (actions.get(it.action) ?? 0) + 1);
    }
    before = r.nextBefore;
    if (!before) break;
  }
  const days = Array.from({ length: DAYS }, (_, i) => {
    const d = new Date(from.getTime() + i * 86400_000);
    return { label: dateOnly(d.toISOString()).slice(0, 5), value: counts.get(`${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`) ?? 0 };
  });
  const top = [...actions.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([label, value]) => ({ label, value }));
  return { days, actions: top };
}

function CardView({ c, placeholder }: { c: Card; placeholder?: boolean }) {
  const value = typeof c.value === "number" ? num(c.value) : c.value;
  const body = html`<p class="card-title">${c.title}</p><p class="card-value">${value}</p>${c.hint ? html`<p class="card-hint">${c.hint}</p>` : null}`;
  return html`<li class=${"stat-card" + (placeholder ? " placeholder" : "")}>${c.link ? html`<a href=${c.link} class="stat-link">${body}</a>` : body}</li>`;
}

/** The dashboard page. */
export function DashboardPage() {
  const org = currentOrg.value!;
  const cards = useLoad(loadCards, [org.id]);
  const admin = hasRole("admin");
  const activity = useLoad(() => (admin ? loadActivity() : Promise.resolve(null)), [org.id, admin]);
  const modules = UI_MODULES.filter((m) => isEnabled(m, org));
  const fromApi = cards.data ?? [];
  // Enabled modules that sent no card (or no route yet) still get their place, marked as empty.
  const placeholders = modules
    .filter((m) => !fromApi.some((c) => c.module === m.name))
    .map((m) => ({ module: m.name, title: t(m.label), value: "—", hint: t("Les indicateurs de ce module apparaîtront ici.") }));
  const shown = [...fromApi, ...placeholders];
  return html`<section class="page">
    <h1>${t("Tableau de bord")}</h1>
    <p class="lead">${t("Bonjour {name}, bienvenue sur le Guichet de {org}.", { name: me.value?.name ?? "", org: org.name })}</p>
    <${ErrorBanner} error=${cards.error} />
    ${cards.loading && !cards.data && !cards.error ? html`<p class="muted" role="status">${t("Chargement…")}</p>` : null}
    <ul class="cards">
      ${shown.map((c, i) => html`<${CardView} key=${c.module + i} c=${c} placeholder=${c.value === "—"} />`)}
      ${!cards.loading && org.modules.length === 0
        ? html`<li class="stat-card placeholder">
            <p class="card-title">${t("Aucun module activé")}</p>
            <p class="card-hint">${t("Les modules activés pour cette organisation afficheront ici leurs indicateurs.")}</p>
            ${admin ? html`<a href="#/organisation">${t("Choisir les modules")}</a>` : null}
          </li>`
        : null}
    </ul>
    ${admin
      ? html`<section class="panel" aria-labelledby="activity-title">
          <h2 id="activity-title">${t("Activité des 14 derniers jours")}</h2>
          <${ErrorBanner} error=${activity.error} />
          ${activity.data
            ? html`<div class="charts">
                <${LineChart} title=${t("Actions enregistrées au journal d'audit, par jour")} data=${activity.data.days} />
                <${BarChart} title=${t("Actions les plus fréquentes")} data=${activity.data.actions} />
              </div>`
            : null}
          <p><a href="#/journal">${t("Ouvrir le journal d'audit")}</a></p>
        </section>`
      : null}
  </section>`;
}
