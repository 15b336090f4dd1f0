/** Reservations: a day planner (opening ranges and bookings per workstation), booking form, cancellation. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { currentOrg } from "../../lib/session";
import { Confirm } from "../../components/modal";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner, attempt, toast } from "../../components/toast";
import { hm, today, type Patron } from "./shared";

interface Res {
  id: string;
  startsAt: string;
  endsAt: string;
  status: string;
  patronName: string | null;
  note: string | null;
}
interface Plan {
  day: string;
  workstations: { id: string; name: string; roomName: string; open: { startsAt: string; endsAt: string }[]; reservations: Res[] }[];
}

const STATUS: Record<string, string> = { booked: "réservé", honoured: "honoré", released: "libéré (absence)" };

function Book({ plan, day, onDone }: { plan: Plan; day: string; onDone: () => void }) {
  const [ws, setWs] = useState(plan.workstations[0]?.id ?? "");
  const [q, setQ] = useState("");
  const [patronId, setPatronId] = useState("");
  const [start, setStart] = useState("14:00");
  const [minutes, setMinutes] = useState("60");
  const found = useLoad(() => (q.trim().length >= 2 ? get<{ items: Patron[] }>("epn/patrons", { q, limit: 10 }).then((r) => r.items) : Promise.resolve([] as Patron[])), [q]);
  const action = useAction(async () => {
    await post("epn/reservations", { workstationId: ws, patronId, startsAt: new Date(`${day}T${start}`).toISOString(), durationMinutes: Number(minutes) });
    toast(t("Réservation enregistrée."));
    onDone();
  });
  return html`<section class="panel" aria-labelledby="book-title">
    <h2 id="book-title">${t("Réserver un poste")}</h2>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
      <${ErrorBanner} error=${action.error} />
      <div class="form-row">
        <${Select} label=${t("Poste")} name="workstation" value=${ws} onChange=${setWs} options=${plan.workstations.map((w) => ({ value: w.id, label: `${w.name} (${w.roomName})` }))} />
        <${Field} label=${t("Usager (2 lettres au moins)")} name="q" value=${q} onInput=${(x: string) => (setQ(x), setPatronId(""))} />
        <${Select} label=${t("Choisir l'usager")} name="patronId" value=${patronId} onChange=${setPatronId}
          options=${[{ value: "", label: found.data?.length ? t("— choisir —") : t("aucun résultat") }, ...(found.data ?? []).map((p) => ({ value: p.id, label: `${p.lastName} ${p.firstName}${p.commune ? " — " + p.commune : ""}` }))]} />
      </div>
      <div class="form-row">
        <${Field} label=${t("Début")} name="start" type="time" value=${start} onInput=${setStart} />
        <${Field} label=${t("Durée (minutes)")} name="minutes" type="number" value=${minutes} onInput=${setMinutes} />
      </div>
      <div class="form-actions"><${Submit} label=${t("Réserver")} busy=${action.busy} /></div>
    </form>
  </section>`;
}

/** The reservations page. */
export function ReservationsPage() {
  const org = currentOrg.value!;
  const [day, setDay] = useState(today());
  const plan = useLoad(() => get<Plan>("epn/reservations", { day }), [org.id, day]);
  const [cancel, setCancel] = useState<Res | null>(null);
  const p = plan.data;
  // The axis spans the day's opening ranges (08:00–20:00 when the space is closed that day).
  const opens = p?.workstations.flatMap((w) => w.open) ?? [];
  const from = opens.length ? Math.min(...opens.map((o) => Date.parse(o.startsAt))) : new Date(`${day}T08:00`).getTime();
  const to = opens.length ? Math.max(...opens.map((o) => Date.parse(o.endsAt))) : new Date(`${day}T20:00`).getTime();
  // Whole hours along the axis, at most about twelve labels.
  const step = Math.max(1, Math.ceil((to - from) / 3600_000 / 12)) * 3600_000;
  const ticks: number[] = [];
  for (let x = Math.ceil(from / 3600_000) * 3600_000; x <= to; x += step) ticks.push(x);
  const pos = (a: string, b: string) => {
    const l = Math.max(0, (Date.parse(a) - from) / (to - from));
    const r = Math.min(1, (Date.parse(b) - from) / (to - from));
    return `left:${(l * 100).toFixed(2)}%;width:${(Math.max(0, r - l) * 100).toFixed(2)}%`;
  };
  return html`<section class="page">
    <h1>${t("Réservations")}</h1>
    <div class="toolbar"><label>${t("Jour")} <input type="date" value=${day} onInput=${(e: Event) => setDay((e.target as HTMLInputElement).value || today())} /></label></div>
    <${ErrorBanner} error=${plan.error} />
    ${p
      ? html`<div class="epn-planner" role="region" aria-label=${t("Planning du {d}", { d: day })}>
          <div class="epn-plan-hours" aria-hidden="true"><span></span><div class="epn-plan-axis">${ticks.map((x) => html`<span key=${x} style=${`left:${(((x - from) / (to - from)) * 100).toFixed(2)}%`}>${hm(new Date(x).toISOString())}</span>`)}</div></div>
          ${p.workstations.map(
            (w) => html`<div key=${w.id} class="epn-plan-row">
              <div class="epn-plan-name">${w.name}</div>
              <div class="epn-plan-track">
                ${w.open.map((o, i) => html`<div key=${i} class="epn-plan-open" style=${pos(o.startsAt, o.endsAt)} title=${t("Ouvert {a}–{b}", { a: hm(o.startsAt), b: hm(o.endsAt) })}></div>`)}
                ${w.reservations.map(
                  (r) => html`<button type="button" key=${r.id} class=${"epn-plan-res " + r.status} style=${pos(r.startsAt, r.endsAt)} disabled=${r.status !== "booked"}
                    title=${`${hm(r.startsAt)}–${hm(r.endsAt)} ${r.patronName ?? ""} (${t(STATUS[r.status] ?? r.status)})`} onClick=${() => setCancel(r)}>${hm(r.startsAt)} ${r.patronName ?? ""}</button>`,
                )}
              </div>
            </div>`,
          )}
          ${!p.workstations.length ? html`<p class="muted">${t("Aucun poste enregistré.")}</p>` : null}
        </div>
        <${Book} plan=${p} day=${day} onDone=${() => void plan.reload()} />`
      : null}
    <${Confirm} open=${!!cancel} title=${t("Annuler la réservation")} confirmLabel=${t("Annuler la réservation")}
      message=${cancel ? t("Réservation de {p}, {a}–{b}.", { p: cancel.patronName ?? t("usager"), a: hm(cancel.startsAt), b: hm(cancel.endsAt) }) : ""}
      onConfirm=${() => void attempt(() => post(`epn/reservations/${cancel!.id}/cancel`), t("Réservation annulée.")).then(() => (setCancel(null), void plan.reload()))}
      onClose=${() => setCancel(null)} />
  </section>`;
}
