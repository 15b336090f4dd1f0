/** Kiosk enrolment tokens (admins): create one for a room, show it once with the kiosk's setting, list and revoke them. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateTime } from "../../lib/format";
import { Field, Select, Submit } from "../../components/field";
import { Confirm, Modal } from "../../components/modal";
import { Table, type Column } from "../../components/table";
import { ErrorBanner, attempt, toast } from "../../components/toast";
import type { Room } from "./shared";

/** A token as GET /api/mqtt/enrolment-tokens lists it (never the secret). */
export interface EnrolmentToken {
  id: string;
  label: string;
  roomId: string;
  maxUses: number;
  uses: number;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  status: "active" | "expired" | "used" | "revoked";
}

/** What POST returns, once: the clear token. */
interface Created {
  id: string;
  token: string;
  roomId: string;
  label: string;
  maxUses: number;
  expiresAt: string;
}

const STATUS: Record<EnrolmentToken["status"], [string, string]> = {
  active: ["Valable", "tag-ok"],
  used: ["Épuisé", ""],
  expired: ["Expiré", ""],
  revoked: ["Révoqué", "tag-error"],
};

const VALIDITY = [
  { value: "24", label: "24 heures" },
  { value: "72", label: "3 jours" },
  { value: "168", label: "7 jours" },
  { value: "720", label: "30 jours" },
];

/** The settings a kiosk needs, in the three forms an installer meets: Linux shell, Windows prompt, settings file. */
export function kioskSetup(applianceUrl: string, token: string) {
  return {
    linux: `sudo GUICHET_AGENT_APPLIANCE=${applianceUrl} GUICHET_AGENT_ENROL_TOKEN=${token} guichet-agent`,
    windows: `guichet-agent.exe --appliance-url=${applianceUrl} --enrol-token=${token}`,
    env: `GUICHET_AGENT_APPLIANCE=${applianceUrl}\nGUICHET_AGENT_ENROL_TOKEN=${token}`,
  };
}

/** A block of text to copy, with a button (the clipboard API needs HTTPS: otherwise the text is selected for Ctrl+C). */
function CopyBlock({ label, text, testid }: { label: string; text: string; testid: string }) {
  let pre: HTMLPreElement | null = null;
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      toast(t("Copié."));
    } catch {
      const r = document.createRange();
      if (pre) r.selectNodeContents(pre);
      getSelection()?.removeAllRanges();
      getSelection()?.addRange(r);
      toast(t("Texte sélectionné : copiez-le avec Ctrl+C."), "info");
    }
  };
  return html`<div class="epn-copy">
    <div class="epn-copy-head"><strong>${label}</strong><button type="button" class="btn btn-small btn-secondary" onClick=${copy}>${t("Copier")}</button></div>
    <pre class="secret" data-testid=${testid} ref=${(el: HTMLPreElement | null) => (pre = el)}>${text}</pre>
  </div>`;
}

function ShowOnce({ created, roomName, onClose }: { created: Created; roomName: string; onClose: () => void }) {
  const url = location.origin;
  const s = kioskSetup(url, created.token);
  return html`<${Modal} open wide title=${t("Jeton d'enrôlement créé")} onClose=${onClose}
    actions=${html`<button type="button" class="btn btn-primary" onClick=${onClose}>${t("J'ai noté le jeton")}</button>`}>
    <p class="banner banner-warning">${t("Ce jeton ne sera plus affiché : copiez-le maintenant. Il enrôle {n} poste(s) dans la salle « {r} » jusqu'au {d}.", { n: created.maxUses, r: roomName, d: dateTime(created.expiresAt) })}</p>
    <${CopyBlock} label=${t("Jeton")} text=${created.token} testid="jeton-enrolement" />
    <p>${t("Au premier démarrage, l'agent du poste présente ce jeton et reçoit sa propre identité ; le jeton ne lui sert plus ensuite. Selon le poste :")}</p>
    <${CopyBlock} label=${t("Poste Linux (terminal)")} text=${s.linux} testid="commande-linux" />
    <${CopyBlock} label=${t("Poste Windows (invite de commandes en administrateur)")} text=${s.windows} testid="commande-windows" />
    <${CopyBlock} label=${t("Ou dans le fichier de réglages de l'agent (ex. /etc/guichet/agent.env)")} text=${s.env} testid="reglages-agent" />
    <p class="hint">${t("L'adresse {u} est celle de ce navigateur : si les postes joignent le Guichet par une autre adresse, remplacez-la.", { u: url })}</p>
  <//>`;
}

function CreateForm({ rooms, onCreated }: { rooms: Room[]; onCreated: (c: Created) => void }) {
  const [roomId, setRoomId] = useState(rooms[0]?.id ?? "");
  const [label, setLabel] = useState("");
  const [maxUses, setMaxUses] = useState("1");
  const [hours, setHours] = useState("72");
  const action = useAction(async () => {
    const room = rooms.find((r) => r.id === roomId);
    const r = await post<Created>("mqtt/enrolment-tokens", { roomId, label: label.trim() || room?.name || "", maxUses: Number(maxUses), validHours: Number(hours) });
    setLabel("");
    onCreated(r);
  });
  if (!rooms.length) return html`<p class="banner">${t("Créez d'abord une salle dans les paramètres.")} <a href="#/epn/parametres">${t("Paramètres")}</a></p>`;
  return html`<form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
    <${ErrorBanner} error=${action.error} shownFields=${["label", "maxUses", "validHours", "roomId"]} />
    <div class="form-row">
      <${Select} label=${t("Salle des postes")} name="roomId" value=${roomId} onChange=${setRoomId} options=${rooms.map((r) => ({ value: r.id, label: r.name }))} error=${action.fields.roomId} />
      <${Field} label=${t("Libellé")} name="label" value=${label} onInput=${setLabel} maxlength=${100} placeholder=${rooms.find((r) => r.id === roomId)?.name ?? ""} error=${action.fields.label} hint=${t("Pour le retrouver dans la liste (par défaut : le nom de la salle).")} />
      <${Field} label=${t("Nombre de postes à enrôler")} name="maxUses" type="number" value=${maxUses} onInput=${setMaxUses} error=${action.fields.maxUses} hint=${t("Un seul jeton peut servir à toute une salle.")} />
      <${Select} label=${t("Valable pendant")} name="validHours" value=${hours} onChange=${setHours} options=${VALIDITY.map((v) => ({ value: v.value, label: t(v.label) }))} error=${action.fields.validHours} />
    </div>
    <div class="form-actions"><${Submit} label=${t("Créer le jeton")} busy=${action.busy} /></div>
  </form>`;
}

/** The admin's panel: new token, then the list with revocation. */
export function EnrolmentPanel({ rooms, tick }: { rooms: Room[]; tick: number }) {
  const tokens = useLoad(() => get<EnrolmentToken[]>("mqtt/enrolment-tokens"), [tick]);
  const [created, setCreated] = useState<Created | null>(null);
  const [revoke, setRevoke] = useState<EnrolmentToken | null>(null);
  const roomName = (id: string) => rooms.find((r) => r.id === id)?.name ?? "—";
  const columns: Column<EnrolmentToken>[] = [
    { key: "label", label: t("Libellé"), sort: (x) => x.label },
    { key: "room", label: t("Salle"), sort: (x) => roomName(x.roomId), render: (x) => roomName(x.roomId) },
    { key: "uses", label: t("Postes enrôlés"), sort: (x) => x.uses, render: (x) => t("{u} sur {m}", { u: x.uses, m: x.maxUses }) },
    { key: "expiresAt", label: t("Expire le"), sort: (x) => x.expiresAt, render: (x) => dateTime(x.expiresAt) },
    { key: "status", label: t("État"), sort: (x) => x.status, render: (x) => html`<span class=${"tag " + STATUS[x.status][1]} data-testid="etat-jeton">${t(STATUS[x.status][0])}</span>` },
    { key: "createdBy", label: t("Créé par"), render: (x) => html`${x.createdBy}<br /><small class="muted">${dateTime(x.createdAt)}</small>` },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (x) => (x.status === "active" ? html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => setRevoke(x)}>${t("Révoquer")}</button>` : null),
    },
  ];
  return html`<section class="panel" aria-labelledby="enrol-title">
    <h2 id="enrol-title">${t("Installer des postes")}</h2>
    <p class="hint">${t("Créez un jeton d'enrôlement, puis donnez-le à l'agent de chaque nouveau poste : le poste apparaît dans la salle choisie.")}</p>
    <${CreateForm} rooms=${rooms} onCreated=${(c: Created) => (setCreated(c), void tokens.reload())} />
    <h3>${t("Jetons d'enrôlement")}</h3>
    <${ErrorBanner} error=${tokens.error} />
    <${Table} caption=${t("Jetons d'enrôlement")} columns=${columns} rows=${tokens.data ?? []} rowKey=${(x: EnrolmentToken) => x.id} loading=${tokens.loading} failed=${!!tokens.error} empty=${t("Aucun jeton pour l'instant.")} />
    ${created ? html`<${ShowOnce} created=${created} roomName=${roomName(created.roomId)} onClose=${() => setCreated(null)} />` : null}
    <${Confirm} open=${!!revoke} title=${t("Révoquer le jeton")} confirmLabel=${t("Révoquer")}
      message=${t("Le jeton « {l} » ne pourra plus enrôler de poste. Les postes déjà enrôlés continuent de fonctionner.", { l: revoke?.label ?? "" })}
      onConfirm=${() => void attempt(() => del(`mqtt/enrolment-tokens/${revoke!.id}`), t("Jeton révoqué.")).then(() => (setRevoke(null), void tokens.reload()))}
      onClose=${() => setRevoke(null)} />
  </section>`;
}
