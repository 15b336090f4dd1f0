/** Settings, part 1: rooms with their opening hours, exceptional closures, workstations and their secrets. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, patch, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateOnly } from "../../lib/format";
import { hasRole } from "../../lib/session";
import { Field, Select, Submit } from "../../components/field";
import { Modal } from "../../components/modal";
import { ErrorBanner, attempt, toast } from "../../components/toast";
import { DAY_NAMES, STATE_LABELS, type Room, type Tile } from "./shared";

/** "09:00-12:00, 14:00-18:00" ↔ [["09:00","12:00"],["14:00","18:00"]]. */
const toText = (ranges: [string, string][]) => ranges.map(([a, b]) => `${a}-${b}`).join(", ");
const fromText = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean).map((x) => x.split("-").map((y) => y.trim()) as [string, string]);

function HoursEditor({ room, onSaved }: { room: Room; onSaved: () => void }) {
  const [text, setText] = useState(() => Object.fromEntries([1, 2, 3, 4, 5, 6, 7].map((d) => [String(d), toText(room.hours[String(d)] ?? [])])));
  const action = useAction(async () => {
    await patch(`epn/rooms/${room.id}`, { hours: Object.fromEntries(Object.entries(text).map(([d, s]) => [d, fromText(s)])) });
    toast(t("Horaires de {r} enregistrés.", { r: room.name }));
    onSaved();
  });
  return html`<form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
    <${ErrorBanner} error=${action.error} />
    <p class="hint">${t("Plages séparées par des virgules, par exemple 09:00-12:00, 14:00-18:00 ; vide = fermé ; 00:00-24:00 = toute la journée.")}</p>
    <div class="epn-hours-grid">
      ${[1, 2, 3, 4, 5, 6, 7].map((d) => html`<label key=${d} for=${`h-${room.id}-${d}`}>${t(DAY_NAMES[d]!)}</label>
        <input id=${`h-${room.id}-${d}`} value=${text[String(d)]} onInput=${(e: Event) => setText({ ...text, [String(d)]: (e.target as HTMLInputElement).value })} />`)}
    </div>
    <div class="form-actions"><${Submit} label=${t("Enregistrer les horaires")} busy=${action.busy} kind="secondary" /></div>
  </form>`;
}

function Closures({ rooms }: { rooms: Room[] }) {
  const list = useLoad(() => get<{ id: string; roomId: string | null; fromDay: string; toDay: string; label: string }[]>("epn/closures"), []);
  const [v, setV] = useState({ roomId: "", fromDay: "", toDay: "", label: "" });
  const add = useAction(async () => {
    await post("epn/closures", { roomId: v.roomId || null, fromDay: v.fromDay, toDay: v.toDay || null, label: v.label });
    setV({ roomId: "", fromDay: "", toDay: "", label: "" });
    await list.reload();
  });
  return html`<section class="panel"><h2>${t("Fermetures exceptionnelles")}</h2>
    <ul>${(list.data ?? []).map((c) => html`<li key=${c.id}>${dateOnly(c.fromDay)}${c.toDay !== c.fromDay ? " → " + dateOnly(c.toDay) : ""} : ${c.label}
      <small class="muted"> (${c.roomId ? rooms.find((r) => r.id === c.roomId)?.name : t("toutes les salles")})</small>
      <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => void attempt(() => del(`epn/closures/${c.id}`), t("Fermeture supprimée.")).then(() => list.reload())}>${t("Supprimer")}</button></li>`)}</ul>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void add.run())}>
      <${ErrorBanner} error=${add.error} shownFields=${["fromDay", "toDay", "label"]} />
      <div class="form-row">
        <${Field} label=${t("Du")} name="fromDay" type="date" value=${v.fromDay} onInput=${(x: string) => setV({ ...v, fromDay: x })} error=${add.fields.fromDay} />
        <${Field} label=${t("Au (facultatif)")} name="toDay" type="date" value=${v.toDay} onInput=${(x: string) => setV({ ...v, toDay: x })} error=${add.fields.toDay} />
        <${Field} label=${t("Motif")} name="label" value=${v.label} onInput=${(x: string) => setV({ ...v, label: x })} error=${add.fields.label} placeholder=${t("Lundi de Pâques")} />
        <${Select} label=${t("Salle")} name="roomId" value=${v.roomId} onChange=${(x: string) => setV({ ...v, roomId: x })} options=${[{ value: "", label: t("Toutes") }, ...rooms.map((r) => ({ value: r.id, label: r.name }))]} />
      </div>
      <div class="form-actions"><${Submit} label=${t("Ajouter la fermeture")} busy=${add.busy} kind="secondary" /></div>
    </form>
  </section>`;
}

function Workstations({ rooms }: { rooms: Room[] }) {
  const admin = hasRole("admin");
  const list = useLoad(() => get<Tile[]>("epn/workstations"), []);
  const [name, setName] = useState("");
  const [roomId, setRoomId] = useState(rooms[0]?.id ?? "");
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const add = useAction(async () => {
    await post("epn/workstations", { name, roomId: roomId || rooms[0]?.id });
    setName("");
    await list.reload();
  });
  const issue = (w: Tile) => void attempt(() => post<{ token: string }>(`epn/workstations/${w.id}/token`)).then((r) => r && setSecret({ name: w.name, token: r.token }));
  return html`<section class="panel"><h2>${t("Postes")}</h2>
    <ul class="notif-list">${(list.data ?? []).map((w) => html`<li key=${w.id} class="notif"><span><strong>${w.name}</strong> <small class="muted">${w.roomName} · ${t(STATE_LABELS[w.state])} · ${w.enrolled ? t("identifiant créé") : t("sans identifiant")}</small></span>
      <span>
        <button type="button" class="btn btn-small btn-secondary" onClick=${() => void attempt(() => patch(`epn/workstations/${w.id}`, { maintenance: !w.maintenance })).then(() => list.reload())}>${w.maintenance ? t("Fin de maintenance") : t("Maintenance")}</button>
        ${admin ? html`<button type="button" class="btn btn-small btn-secondary" onClick=${() => issue(w)}>${w.enrolled ? t("Nouvel identifiant") : t("Créer l'identifiant")}</button>
          ${w.enrolled ? html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => void attempt(() => del(`epn/workstations/${w.id}/token`), t("Identifiant révoqué.")).then(() => list.reload())}>${t("Révoquer")}</button>` : null}
          <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => void attempt(() => del(`epn/workstations/${w.id}`), t("Poste supprimé.")).then(() => list.reload())}>${t("Supprimer")}</button>` : null}
      </span></li>`)}</ul>
    ${admin && rooms.length
      ? html`<form onSubmit=${(e: Event) => (e.preventDefault(), void add.run())}>
          <${ErrorBanner} error=${add.error} shownFields=${["name"]} />
          <div class="form-row">
            <${Field} label=${t("Nom du nouveau poste")} name="name" value=${name} onInput=${setName} error=${add.fields.name} placeholder="P01" />
            <${Select} label=${t("Salle")} name="roomId" value=${roomId} onChange=${setRoomId} options=${rooms.map((r) => ({ value: r.id, label: r.name }))} />
          </div>
          <div class="form-actions"><${Submit} label=${t("Ajouter le poste")} busy=${add.busy} kind="secondary" /></div>
        </form>`
      : null}
    ${secret
      ? html`<${Modal} open title=${t("Identifiant du poste {n}", { n: secret.name })} onClose=${() => (setSecret(null), void list.reload())}>
          <p>${t("Copiez-le dans la configuration du poste : il ne sera plus affiché.")}</p><code class="secret">${secret.token}</code>
        <//>`
      : null}
  </section>`;
}

/** Rooms, hours, closures and workstations. */
export function RoomsSettings() {
  const rooms = useLoad(() => get<Room[]>("epn/rooms"), []);
  const [name, setName] = useState("");
  const add = useAction(async () => {
    await post("epn/rooms", { name });
    setName("");
    await rooms.reload();
  });
  return html`<${ErrorBanner} error=${rooms.error} />
    ${(rooms.data ?? []).map((r) => html`<section key=${r.id} class="panel"><h2>${t("Salle : {n}", { n: r.name })} <small class="muted">${t("{n} poste(s)", { n: r.workstations })}</small></h2>
      <${HoursEditor} room=${r} onSaved=${() => void rooms.reload()} /></section>`)}
    ${hasRole("admin")
      ? html`<section class="panel"><h2>${t("Nouvelle salle")}</h2><form class="form-row" onSubmit=${(e: Event) => (e.preventDefault(), void add.run())}>
          <${Field} label=${t("Nom")} name="roomName" value=${name} onInput=${setName} error=${add.fields.name} />
          <div class="form-actions"><${Submit} label=${t("Créer la salle")} busy=${add.busy} kind="secondary" /></div></form><${ErrorBanner} error=${add.error} shownFields=${["name"]} /></section>`
      : null}
    ${rooms.data ? html`<${Workstations} rooms=${rooms.data} /><${Closures} rooms=${rooms.data} />` : null}`;
}
