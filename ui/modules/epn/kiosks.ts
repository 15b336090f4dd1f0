/** "Postes et agents": each kiosk's agent (connected or not, version, last inventory), enrolment tokens, revocation. */
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, post } from "../../lib/api";
import { useLoad } from "../../lib/hooks";
import { locale, t } from "../../lib/i18n";
import { dateTime } from "../../lib/format";
import { subscribe, liveStatus } from "../../lib/live";
import { currentOrg, hasRole } from "../../lib/session";
import { Confirm } from "../../components/modal";
import { Table, type Column } from "../../components/table";
import { ErrorBanner, attempt } from "../../components/toast";
import { EnrolmentPanel } from "./kiosk-enrolment";
import { InventoryDialog } from "./kiosk-inventory";
import type { Room } from "./shared";
import type { AgentRow } from "../../../appliance/net/mqtt/agents";
import "./kiosk-style";

/** One row of GET /api/mqtt/workstations: the server's own type (a type-only import, nothing bundled). */
export type { AgentRow } from "../../../appliance/net/mqtt/agents";

/** "Dell Inc. OptiPlex 3080" / "i5-10500T" / "16 Gio", one per line. */
function hardware(i: NonNullable<AgentRow["inventory"]>) {
  const box = [i.manufacturer, i.model].filter(Boolean).join(" ") || (i.vm && i.vm !== "Physical" ? t("Machine virtuelle ({v})", { v: i.vm }) : "");
  const mem = i.memoryMb ? `${(i.memoryMb / 1024).toLocaleString(locale(), { maximumFractionDigits: 1 })} Gio` : "";
  const lines = [box, i.cpu, mem].filter(Boolean);
  return lines.length ? html`<span class="epn-lines">${lines.map((l) => html`<span>${l}</span>`)}</span>` : "—";
}

function LinkState({ w }: { w: AgentRow }) {
  if (!w.enrolled) return html`<span class="tag tag-warn" data-testid="etat-agent">${t("Sans identifiant")}</span><br /><small class="muted">${t("révoqué ou jamais enrôlé")}</small>`;
  return html`<span class=${"tag " + (w.connected ? "tag-ok" : "")} data-testid="etat-agent">${w.connected ? t("Connecté") : t("Hors ligne")}</span>
    ${!w.connected ? html`<br /><small class="muted">${w.lastSeenAt ? t("vu le {d}", { d: dateTime(w.lastSeenAt) }) : t("jamais connecté")}</small>` : null}`;
}

/** The page. */
export function KiosksPage() {
  const org = currentOrg.value!;
  const admin = hasRole("admin");
  const [roomId, setRoomId] = useState("");
  const rooms = useLoad(() => get<Room[]>("epn/rooms"), [org.id]);
  const agents = useLoad(() => get<AgentRow[]>("mqtt/workstations", { roomId: roomId || undefined }), [org.id, roomId]);
  const [details, setDetails] = useState<AgentRow | null>(null);
  const [revoke, setRevoke] = useState<AgentRow | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  /** Bumped on every live change: the tokens' use counts move when a kiosk enrols. */
  const [tick, setTick] = useState(0);
  useEffect(() => {
    // A kiosk connects, drops, is enrolled or sends its inventory: reload the list once the burst settles.
    const later = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(() => (void agents.reload(), setTick((n) => n + 1)), 500);
    };
    const offs = [subscribe("mqtt.agent", later), subscribe("epn.workstation", later), subscribe("epn.workstation.deleted", later)];
    return () => (offs.forEach((off) => off()), timer.current && clearTimeout(timer.current));
  }, []);
  const list = agents.data ?? [];
  const columns: Column<AgentRow>[] = [
    { key: "name", label: t("Poste"), sort: (w) => w.name, render: (w) => html`<strong>${w.name}</strong><br /><small class="muted">${w.roomName}</small>` },
    { key: "link", label: t("Agent"), sort: (w) => (w.connected ? 0 : w.enrolled ? 1 : 2), render: (w) => html`<${LinkState} w=${w} />` },
    { key: "version", label: t("Version"), sort: (w) => w.agentVersion, render: (w) => w.agentVersion ?? "—" },
    { key: "net", label: t("Adresse"), render: (w) => (w.ip || w.mac ? html`${w.ip ?? ""}<br /><small class="muted">${w.mac ?? ""}</small>` : "—") },
    { key: "os", label: t("Système"), sort: (w) => w.inventory?.os, render: (w) => (w.inventory ? html`${w.inventory.os ?? "—"} <small class="muted">${w.inventory.arch ?? ""}</small>` : "—") },
    { key: "hw", label: t("Matériel"), render: (w) => (w.inventory ? hardware(w.inventory) : "—") },
    { key: "soft", label: t("Logiciels"), sort: (w) => w.inventory?.softwareCount, render: (w) => (w.inventory ? String(w.inventory.softwareCount) : "—") },
    {
      key: "inv",
      label: t("Inventaire"),
      sort: (w) => w.inventory?.collectedAt,
      render: (w) =>
        w.inventory
          ? html`${dateTime(w.inventory.collectedAt)}${w.inventory.lastChangeAt ? html`<br /><small class="muted">${t("modifié le {d}", { d: dateTime(w.inventory.lastChangeAt) })}</small>` : null}`
          : html`<span class="muted">${t("pas encore reçu")}</span>`,
    },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (w) => html`<button type="button" class="btn btn-small btn-secondary" onClick=${() => setDetails(w)} aria-label=${t("Détails du poste {n}", { n: w.name })}>${t("Détails")}</button>
        ${admin && w.enrolled ? html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => setRevoke(w)}>${t("Révoquer")}</button>` : null}`,
    },
  ];
  const connected = list.filter((w) => w.connected).length;
  return html`<section class="page">
    <h1>${t("Postes et agents")}</h1>
    <p class="lead">${t("{c} agent(s) connecté(s) sur {n} poste(s).", { c: connected, n: list.length })}
      <span class="muted"> ${liveStatus.value === "open" ? t("Mise à jour en direct.") : t("Connexion en direct interrompue : reconnexion…")}</span></p>
    <${ErrorBanner} error=${agents.error ?? rooms.error} />
    ${(rooms.data?.length ?? 0) > 1
      ? html`<div class="toolbar"><label>${t("Salle")} <select value=${roomId} onChange=${(e: Event) => setRoomId((e.target as HTMLSelectElement).value)}>
          <option value="">${t("Toutes")}</option>${rooms.data!.map((r) => html`<option key=${r.id} value=${r.id}>${r.name}</option>`)}</select></label></div>`
      : null}
    <${Table} caption=${t("Agents des postes")} columns=${columns} rows=${list} rowKey=${(w: AgentRow) => w.id} loading=${agents.loading && !agents.data} failed=${!!agents.error}
      empty=${admin ? t("Aucun poste : créez un jeton d'enrôlement ci-dessous et donnez-le à l'agent du poste.") : t("Aucun poste enregistré.")} />
    ${admin && rooms.data ? html`<${EnrolmentPanel} rooms=${rooms.data} tick=${tick} />` : null}
    ${details ? html`<${InventoryDialog} ws=${details} onClose=${() => setDetails(null)} />` : null}
    <${Confirm} open=${!!revoke} title=${t("Révoquer le poste")} confirmLabel=${t("Révoquer")}
      message=${t("Le poste {n} perd son identité : sa connexion est coupée et il reste verrouillé jusqu'à un nouvel enrôlement.", { n: revoke?.name ?? "" })}
      onConfirm=${() => void attempt(() => post(`mqtt/workstations/${revoke!.id}/revoke`), t("Poste révoqué.")).then(() => (setRevoke(null), void agents.reload()))}
      onClose=${() => setRevoke(null)} />
  </section>`;
}
