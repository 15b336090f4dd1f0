/** Room view: one live tile per workstation (state, patron, time left) with its controls. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, post } from "../../lib/api";
import { useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { subscribe, liveStatus } from "../../lib/live";
import { currentOrg } from "../../lib/session";
import { ErrorBanner, attempt } from "../../components/toast";
import { Confirm, Modal } from "../../components/modal";
import { Field, Submit, TextArea } from "../../components/field";
import { useAction } from "../../lib/hooks";
import { clock, hm, STATE_LABELS, type Room, type Tile } from "./shared";

/** A tile plus when it arrived, so the countdown runs between server updates. */
type Live = Tile & { at: number };

function secondsLeft(tile: Live, now: number) {
  return tile.session ? Math.max(0, tile.session.secondsLeft - Math.floor((now - tile.at) / 1000)) : 0;
}

function command(tile: Tile, body: Record<string, unknown>, done: string) {
  return attempt(() => post(`epn/workstations/${tile.id}/commands`, body), done);
}

/** The message / extension dialog. */
function Ask({ tile, kind, onClose }: { tile: Tile; kind: "message" | "extend"; onClose: () => void }) {
  const [text, setText] = useState("");
  const [minutes, setMinutes] = useState("15");
  const action = useAction(async () => {
    if (kind === "message") await post(`epn/workstations/${tile.id}/commands`, { type: "message", text });
    else await post(`epn/workstations/${tile.id}/commands`, { type: "extend", minutes: Number(minutes) });
    onClose();
  });
  const title = kind === "message" ? t("Message au poste {n}", { n: tile.name }) : t("Prolonger la session sur {n}", { n: tile.name });
  return html`<${Modal} open title=${title} onClose=${onClose}>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
      <${ErrorBanner} error=${action.error} shownFields=${["text", "minutes"]} />
      ${kind === "message"
        ? html`<${TextArea} label=${t("Message affiché à l'usager")} name="text" value=${text} onInput=${setText} maxlength=${500} error=${action.fields.text} required />`
        : html`<${Field} label=${t("Minutes à ajouter")} name="minutes" type="number" value=${minutes} onInput=${setMinutes} error=${action.fields.minutes}
            hint=${t("La session ne dépassera ni la fermeture ni la réservation suivante.")} autofocus />`}
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick=${onClose}>${t("Annuler")}</button>
        <${Submit} label=${kind === "message" ? t("Envoyer") : t("Prolonger")} busy=${action.busy} />
      </div>
    </form>
  <//>`;
}

function TileView({ tile, now, onAsk, onReboot }: { tile: Live; now: number; onAsk: (k: "message" | "extend") => void; onReboot: () => void }) {
  const s = tile.session;
  const left = secondsLeft(tile, now);
  return html`<li class="epn-tile" data-state=${tile.state} data-testid=${"tuile-" + tile.name} aria-label=${t("Poste {n} : {s}", { n: tile.name, s: t(STATE_LABELS[tile.state]) })}>
    <h3><span>${tile.name}</span><span class="epn-state">${t(STATE_LABELS[tile.state])}</span></h3>
    ${s
      ? html`<div class="epn-who">${s.patron ? html`<a href=${"#/epn/usagers/" + s.patron.id}>${s.patron.name}</a>` : t("Invité")}${s.codeLabel ? html` <small class="muted">(${s.codeLabel})</small>` : null}${s.minor ? html` <span class="tag tag-warn">${t("mineur")}</span>` : null}</div>
          <div class=${"epn-left" + (left < 300 ? " low" : "")} data-testid="temps-restant">${clock(left)}</div>
          <p class="epn-meta">${t("Depuis {a}, fin à {b}", { a: hm(s.startedAt), b: hm(s.endsAt) })}${s.limitedBy === "closing" ? " · " + t("fermeture") : ""}</p>`
      : html`<p class="epn-meta">${tile.state === "offline" ? (tile.lastSeenAt ? t("Vu à {h}", { h: hm(tile.lastSeenAt) }) : t("Jamais connecté")) : tile.ip ?? ""}</p>`}
    ${tile.nextReservation ? html`<p class="epn-meta">${t("Réservé {a}–{b}", { a: hm(tile.nextReservation.startsAt), b: hm(tile.nextReservation.endsAt) })}${tile.nextReservation.patronName ? " · " + tile.nextReservation.patronName : ""}</p>` : null}
    ${s && !tile.online ? html`<p class="epn-meta">${t("Poste injoignable : la session continue sur le poste.")}</p>` : null}
    ${tile.pendingCommands ? html`<p class="epn-meta">${t("{n} commande(s) en attente de remise", { n: tile.pendingCommands })}</p>` : null}
    <div class="epn-controls">
      ${s
        ? html`<button type="button" class="btn btn-secondary" onClick=${() => onAsk("extend")}>${t("Prolonger")}</button>
            <button type="button" class="btn btn-secondary" onClick=${() => void command(tile, { type: "logout" }, t("Session terminée sur {n}.", { n: tile.name }))}>${t("Terminer")}</button>`
        : null}
      <button type="button" class="btn btn-secondary" onClick=${() => onAsk("message")}>${t("Message")}</button>
      ${tile.locked
        ? html`<button type="button" class="btn btn-secondary" onClick=${() => void command(tile, { type: "unlock" }, t("{n} déverrouillé.", { n: tile.name }))}>${t("Déverrouiller")}</button>`
        : html`<button type="button" class="btn btn-secondary" onClick=${() => void command(tile, { type: "lock" }, t("{n} verrouillé.", { n: tile.name }))}>${t("Verrouiller")}</button>`}
      <button type="button" class="btn btn-danger-ghost" onClick=${onReboot}>${t("Redémarrer")}</button>
    </div>
  </li>`;
}

/** The room view page. */
export function RoomPage() {
  const org = currentOrg.value!;
  const [roomId, setRoomId] = useState("");
  const rooms = useLoad(() => get<Room[]>("epn/rooms"), [org.id]);
  const tiles = useLoad(async () => (await get<Tile[]>("epn/workstations", { roomId })).map((x) => ({ ...x, at: Date.now() }) as Live), [org.id, roomId]);
  const [now, setNow] = useState(Date.now());
  const [ask, setAsk] = useState<{ tile: Tile; kind: "message" | "extend" } | null>(null);
  const [reboot, setReboot] = useState<Tile | null>(null);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    const off = subscribe("epn.workstation", (tile: Tile) => {
      if (roomId && tile.roomId !== roomId) return;
      const list = tiles.data ?? [];
      const next = list.some((x) => x.id === tile.id) ? list.map((x) => (x.id === tile.id ? { ...tile, at: Date.now() } : x)) : [...list, { ...tile, at: Date.now() }];
      tiles.setData(next.sort((a, b) => a.roomName.localeCompare(b.roomName) || a.name.localeCompare(b.name, "fr", { numeric: true })));
    });
    const offDel = subscribe("epn.workstation.deleted", (d: { id: string }) => tiles.setData((tiles.data ?? []).filter((x) => x.id !== d.id)));
    return () => (clearInterval(timer), off(), offDel());
  }, [tiles.data, roomId]);
  const list = tiles.data ?? [];
  const count = (s: Tile["state"]) => list.filter((x) => x.state === s).length;
  return html`<section class="page">
    <h1>${t("Salle")}</h1>
    <p class="lead">${t("{u} poste(s) occupé(s) sur {n}, {f} libre(s).", { u: count("in_use"), n: list.length, f: count("free") })}
      <span class="muted"> ${liveStatus.value === "open" ? t("Mise à jour en direct.") : t("Connexion en direct interrompue : reconnexion…")}</span></p>
    <${ErrorBanner} error=${tiles.error ?? rooms.error} />
    ${(rooms.data?.length ?? 0) > 1
      ? html`<div class="toolbar"><label>${t("Salle")} <select value=${roomId} onChange=${(e: Event) => setRoomId((e.target as HTMLSelectElement).value)}>
          <option value="">${t("Toutes")}</option>${rooms.data!.map((r) => html`<option key=${r.id} value=${r.id}>${r.name}</option>`)}</select></label></div>`
      : null}
    ${!tiles.loading && !list.length ? html`<p class="banner">${t("Aucun poste enregistré : ajoutez les postes dans les paramètres.")} <a href="#/epn/parametres">${t("Paramètres")}</a></p>` : null}
    <ul class="epn-tiles">
      ${list.map((x) => html`<${TileView} key=${x.id} tile=${x} now=${now} onAsk=${(kind: "message" | "extend") => setAsk({ tile: x, kind })} onReboot=${() => setReboot(x)} />`)}
    </ul>
    ${ask ? html`<${Ask} tile=${ask.tile} kind=${ask.kind} onClose=${() => setAsk(null)} />` : null}
    <${Confirm} open=${!!reboot} title=${t("Redémarrer le poste")} confirmLabel=${t("Redémarrer")}
      message=${t("Le poste {n} va redémarrer ; une session en cours sera terminée et ses fichiers effacés.", { n: reboot?.name ?? "" })}
      onConfirm=${() => void command(reboot!, { type: "reboot" }, t("Redémarrage demandé.")).then(() => setReboot(null))} onClose=${() => setReboot(null)} />
  </section>`;
}
