/** A kiosk's last inventory (GLPI format) in readable sections, its installed software, and the history of its changes. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get } from "../../lib/api";
import { useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateTime, num } from "../../lib/format";
import { Modal } from "../../components/modal";
import { ErrorBanner } from "../../components/toast";

// The GLPI inventory sections Guichet's agent fills (agent/protocol.ts); everything optional.
type Obj = Record<string, any>;
interface Content {
  versionclient?: string;
  hardware?: Obj;
  bios?: Obj;
  operatingsystem?: Obj;
  cpus?: Obj[];
  memories?: Obj[];
  networks?: Obj[];
  drives?: Obj[];
  softwares?: Obj[];
}
interface Change {
  section: string;
  key: string;
  change: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

const SECTIONS: Record<string, string> = {
  hardware: "Matériel",
  bios: "BIOS et carte mère",
  operatingsystem: "Système",
  cpus: "Processeur",
  memories: "Mémoire",
  networks: "Réseau",
  drives: "Disque",
  softwares: "Logiciel",
  versionclient: "Agent",
};
const CHANGES: Record<Change["change"], string> = { added: "ajouté", removed: "retiré", changed: "modifié" };

/** MB (GLPI's unit for memory and disks) → "7,8 Gio". */
function mb(n: unknown) {
  if (typeof n !== "number") return "—";
  return n >= 1024 ? `${(n / 1024).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} Gio` : `${n} Mio`;
}

/** A changed value in a few words: a package's version, a number, a short text. */
function short(v: unknown): string {
  if (v === undefined || v === null) return "—";
  if (typeof v === "object") {
    const o = v as Obj;
    if (typeof o.version === "string") return o.version;
    if (typeof o.ipaddress === "string") return `${o.ipaddress}${o.mac ? " · " + o.mac : ""}`;
    if (typeof o.total === "number") return `${mb(o.total)} (${o.filesystem ?? "?"})`;
    const s = JSON.stringify(v);
    return s.length > 80 ? s.slice(0, 77) + "…" : s;
  }
  return String(v);
}

/** Label / value rows, skipping empty values. */
function Facts({ rows }: { rows: [string, unknown][] }) {
  const shown = rows.filter(([, v]) => v !== undefined && v !== null && v !== "");
  if (!shown.length) return html`<p class="muted">${t("Non renseigné.")}</p>`;
  return html`<dl class="epn-facts">${shown.map(([k, v]) => html`<dt key=${k}>${t(k)}</dt><dd>${String(v)}</dd>`)}</dl>`;
}

function Software({ list }: { list: Obj[] }) {
  const [q, setQ] = useState("");
  const f = q.trim().toLowerCase();
  const hits = f ? list.filter((s) => String(s.name).toLowerCase().includes(f)) : list;
  const shown = [...hits].sort((a, b) => String(a.name).localeCompare(String(b.name))).slice(0, 200);
  return html`<section>
    <h3>${t("Logiciels installés ({n})", { n: num(list.length) })}</h3>
    <label class="epn-search">${t("Chercher")} <input type="search" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} aria-label=${t("Chercher un logiciel")} /></label>
    <ul class="epn-soft">${shown.map((s) => html`<li key=${s.name + (s.arch ?? "")}><strong>${s.name}</strong> ${s.version ?? ""} <small class="muted">${s.comments ?? ""}</small></li>`)}</ul>
    ${hits.length > shown.length ? html`<p class="hint">${t("… et {n} autre(s) : précisez la recherche.", { n: hits.length - shown.length })}</p>` : null}
  </section>`;
}

function History({ entries }: { entries: { at: string; changes: Change[] }[] }) {
  if (!entries.length) return html`<p class="muted">${t("Aucun inventaire reçu.")}</p>`;
  return html`<ol class="epn-history">${entries.map(
    (e) => html`<li key=${e.at}><strong>${dateTime(e.at)}</strong>
      ${e.changes.length === 1 && e.changes[0]!.section === "*"
        ? html` — ${t("premier inventaire reçu")}`
        : html`<ul>${e.changes.slice(0, 50).map(
            (c, i) => html`<li key=${i} data-change=${c.change}>${t(SECTIONS[c.section] ?? c.section)} ${t(CHANGES[c.change])} : <strong>${c.key}</strong>
              ${c.change === "changed" ? html` ${short(c.before)} → ${short(c.after)}` : c.change === "added" ? html` ${short(c.after)}` : null}</li>`,
          )}${e.changes.length > 50 ? html`<li>${t("… et {n} autre(s) changement(s)", { n: e.changes.length - 50 })}</li>` : null}</ul>`}
    </li>`,
  )}</ol>`;
}

/** The details dialog of one kiosk. */
export function InventoryDialog({ ws, onClose }: { ws: { id: string; name: string }; onClose: () => void }) {
  const inv = useLoad(() => get<{ collectedAt: string | null; content: Content | null }>(`mqtt/workstations/${ws.id}/inventory`), [ws.id]);
  const hist = useLoad(() => get<{ at: string; changes: Change[] }[]>(`mqtt/workstations/${ws.id}/inventory/history`), [ws.id]);
  const c = inv.data?.content;
  const os = c?.operatingsystem ?? {};
  const hw = c?.hardware ?? {};
  const bios = c?.bios ?? {};
  return html`<${Modal} open wide title=${t("Inventaire du poste {n}", { n: ws.name })} onClose=${onClose}>
    <${ErrorBanner} error=${inv.error ?? hist.error} />
    ${inv.data && !c ? html`<p class="banner">${t("Ce poste n'a pas encore envoyé d'inventaire : il le fait à l'enrôlement puis chaque jour.")}</p>` : null}
    ${c
      ? html`<p class="hint">${t("Relevé le {d} par {a}.", { d: dateTime(inv.data!.collectedAt), a: c.versionclient ?? "?" })}</p>
          <div class="epn-inv-grid">
            <section><h3>${t("Système")}</h3><${Facts} rows=${[["Système", os.full_name ?? [os.name, os.version].filter(Boolean).join(" ")], ["Architecture", os.arch], ["Noyau", os.kernel_version], ["Nom complet", os.fqdn], ["Fuseau", os.timezone?.name], ["Démarré le", os.boot_time]]} /></section>
            <section><h3>${t("Matériel")}</h3><${Facts} rows=${[["Nom", hw.name], ["Fabricant", bios.smanufacturer], ["Modèle", bios.smodel], ["Numéro de série", bios.ssn], ["Type", hw.chassis_type], ["Machine", hw.vmsystem], ["Mémoire", typeof hw.memory === "number" ? mb(hw.memory) : undefined], ["BIOS", [bios.bmanufacturer, bios.bversion, bios.bdate].filter(Boolean).join(" ")]]} /></section>
          </div>
          <h3>${t("Processeurs")}</h3>
          <ul>${(c.cpus ?? []).map((p, i) => html`<li key=${i}>${p.name ?? "?"} ${p.core ? t("({c} cœurs, {th} fils)", { c: p.core, th: p.thread ?? "?" }) : ""}</li>`)}</ul>
          <h3>${t("Disques")}</h3>
          <ul>${(c.drives ?? []).map((d, i) => html`<li key=${i}><strong>${d.type ?? d.volumn}</strong> ${d.filesystem ?? ""} — ${t("{f} libres sur {tot}", { f: mb(d.free), tot: mb(d.total) })}</li>`)}</ul>
          <h3>${t("Interfaces réseau")}</h3>
          <ul>${(c.networks ?? []).filter((n) => !n.virtualdev || n.ipaddress).map((n, i) => html`<li key=${i}><strong>${n.description ?? "?"}</strong> ${n.ipaddress ?? n.ipaddress6 ?? ""} ${n.mac ? html`<small class="muted">${n.mac}</small>` : null} ${n.status ? html`<span class="tag">${n.status}</span>` : null}</li>`)}</ul>
          <${Software} list=${c.softwares ?? []} />`
      : null}
    <h3>${t("Historique des changements")}</h3>
    ${hist.data ? html`<${History} entries=${hist.data} />` : null}
  <//>`;
}
