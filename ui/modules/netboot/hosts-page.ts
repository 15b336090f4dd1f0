/** Netboot, "Postes" page: daemon state, unknown PCs to enrol, known workstations. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { bytes, dateTime } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Confirm } from "../../components/modal";
import { ErrorBanner, toast } from "../../components/toast";
import { archLabel, type BootImage, type Candidate, type Host, type NetbootStatus } from "./api";
import { HostDialog, type HostTarget } from "./host-form";

function StatusPanel({ s }: { s: NetbootStatus }) {
  const tag = (on: boolean, label: string) => html`<span class=${"tag " + (on ? "tag-ok" : "")}>${label}</span>`;
  const missing = s.bootFiles.filter((f) => !f.present && (f.file === "undionly.kpxe" || f.file === "ipxe.efi"));
  return html`<section class="panel" aria-labelledby="nb-state">
    <h2 id="nb-state">${t("Démarrage réseau")}</h2>
    <ul class="cards">
      <li class="stat-card">
        <p class="card-title">${t("Serveur TFTP")}</p>
        <p class="card-value">${s.tftp.running ? tag(true, t("en marche")) : tag(false, t("désactivé"))}</p>
        <p class="card-hint">${s.tftp.running ? t("port {port} ; {n} transferts réussis ({size})", { port: s.tftp.port, n: s.tftp.stats?.completed ?? 0, size: bytes(s.tftp.stats?.bytes ?? 0) }) : t("GUICHET_TFTP_PORT=0")}</p>
      </li>
      <li class="stat-card">
        <p class="card-title">${t("Proxy-DHCP")}</p>
        <p class="card-value">${s.pxe.running ? tag(true, t("en marche")) : tag(false, t("désactivé"))}</p>
        <p class="card-hint">${s.pxe.running ? t("interface {i}, adresse annoncée {a}", { i: s.pxe.interface ?? "", a: s.pxe.address ?? "" }) : s.pxe.interface ? t("interface {i} : voir la page Système", { i: s.pxe.interface }) : t("Activez-le avec GUICHET_PXE=<interface>.")}</p>
      </li>
    </ul>
    ${missing.length ? html`<p class="banner banner-warning">${t("Binaires iPXE absents du dossier {dir} : {files}. Installez le paquet Debian « ipxe » puis redémarrez.", { dir: s.root, files: missing.map((f) => f.file).join(", ") })}</p>` : null}
  </section>`;
}

/** The page. */
export function NetbootHostsPage() {
  const org = currentOrg.value!;
  const status = useLoad(() => get<NetbootStatus>("netboot/status"), [org.id]);
  const hosts = useLoad(() => get<Host[]>("netboot/hosts"), [org.id]);
  const cands = useLoad(() => get<Candidate[]>("netboot/candidates"), [org.id]);
  const images = useLoad(() => get<BootImage[]>("netboot/images"), [org.id]);
  const [target, setTarget] = useState<HostTarget | null>(null);
  const [removing, setRemoving] = useState<{ kind: "host"; row: Host } | { kind: "candidate"; row: Candidate } | null>(null);
  // A PC that boots shows up without the technician reloading.
  useEffect(() => {
    const id = setInterval(() => void cands.reload(), 15_000);
    return () => clearInterval(id);
  }, [org.id]);
  const reloadAll = () => void Promise.all([hosts.reload(), cands.reload()]);
  const remove = useAction(async () => {
    if (!removing) return;
    await del(removing.kind === "host" ? `netboot/hosts/${removing.row.id}` : `netboot/candidates/${removing.row.id}`);
    toast(removing.kind === "host" ? t("Poste « {name} » retiré.", { name: removing.row.name }) : t("PC {mac} écarté.", { mac: removing.row.mac }));
    setRemoving(null);
    reloadAll();
  });
  const imageName = (id: string | null) => {
    const i = images.data?.find((x) => x.id === id);
    return i ? `${i.name} ${i.version}` : t("celle du groupe");
  };
  const candCols: Column<Candidate>[] = [
    { key: "mac", label: t("Adresse MAC"), sort: (c) => c.mac, render: (c) => html`<code>${c.mac}</code>` },
    { key: "arch", label: t("Micrologiciel"), sort: (c) => c.arch, render: (c) => (c.arch === null ? (c.ipxe ? "iPXE" : "—") : archLabel(c.arch) + (c.ipxe ? " · iPXE" : "")) },
    { key: "uuid", label: t("UUID de la machine"), render: (c) => (c.uuid ? html`<code class="small">${c.uuid}</code>` : "—") },
    { key: "last", label: t("Vu pour la dernière fois"), sort: (c) => c.lastSeenAt, render: (c) => dateTime(c.lastSeenAt) },
    { key: "count", label: t("Démarrages"), sort: (c) => c.seenCount, render: (c) => String(c.seenCount) },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (c) => html`<button type="button" class="btn btn-small btn-primary" onClick=${() => setTarget({ kind: "enrol", candidate: c })}>${t("Enrôler")}</button>
        <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => (remove.setError(null), setRemoving({ kind: "candidate", row: c }))}>${t("Écarter")}</button>`,
    },
  ];
  const hostCols: Column<Host>[] = [
    { key: "name", label: t("Poste"), sort: (h) => h.name, render: (h) => html`<strong>${h.name}</strong>` },
    { key: "mac", label: t("Adresse MAC"), sort: (h) => h.mac, render: (h) => html`<code>${h.mac}</code>` },
    { key: "group", label: t("Groupe"), sort: (h) => h.groupName ?? "", render: (h) => h.groupName ?? "—" },
    { key: "image", label: t("Image"), render: (h) => imageName(h.imageId) + (h.menu ? ` · ${t("menu")}` : "") },
    { key: "arch", label: t("Micrologiciel"), sort: (h) => h.lastArch, render: (h) => archLabel(h.lastArch) },
    { key: "boot", label: t("Dernier démarrage"), sort: (h) => h.lastBootAt, render: (h) => dateTime(h.lastBootAt) },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (h) => html`<button type="button" class="btn btn-small btn-secondary" onClick=${() => setTarget({ kind: "edit", host: h })}>${t("Modifier")}</button>
        <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => (remove.setError(null), setRemoving({ kind: "host", row: h }))}>${t("Retirer")}</button>`,
    },
  ];
  return html`<section class="page">
    <h1>${t("Netboot : postes")}</h1>
    <${ErrorBanner} error=${status.error} />
    ${status.data ? html`<${StatusPanel} s=${status.data} />` : null}
    <section class="panel" aria-labelledby="nb-cands">
      <h2 id="nb-cands">${t("PC inconnus ayant démarré sur le réseau")}</h2>
      <p class="hint">${t("Un PC qui démarre sur le réseau sans être enregistré apparaît ici. Enrôlez-le pour choisir son groupe et son image.")}</p>
      <${ErrorBanner} error=${cands.error} />
      <${Table} caption=${t("PC candidats")} columns=${candCols} rows=${cands.data ?? []} rowKey=${(c: Candidate) => c.id} loading=${cands.loading} failed=${!!cands.error} empty=${t("Aucun PC inconnu n'a démarré sur le réseau.")} initialSort=${{ key: "last", dir: "desc" }} />
    </section>
    <section class="panel" aria-labelledby="nb-hosts">
      <h2 id="nb-hosts">${t("Postes enregistrés")}</h2>
      <${ErrorBanner} error=${hosts.error} />
      <${Table} caption=${t("Postes enregistrés")} columns=${hostCols} rows=${hosts.data ?? []} rowKey=${(h: Host) => h.id} loading=${hosts.loading} failed=${!!hosts.error} empty=${t("Aucun poste enregistré.")} />
      <div class="form-actions"><button type="button" class="btn btn-secondary" onClick=${() => setTarget({ kind: "new" })}>${t("Ajouter un poste")}</button></div>
    </section>
    <${HostDialog} target=${target} images=${images.data ?? []} onClose=${() => setTarget(null)} onDone=${reloadAll} />
    <${Confirm} open=${!!removing} title=${removing?.kind === "host" ? t("Retirer le poste") : t("Écarter le PC")} confirmLabel=${removing?.kind === "host" ? t("Retirer") : t("Écarter")} busy=${remove.busy}
      message=${removing?.kind === "host" ? t("« {name} » redeviendra un PC inconnu à son prochain démarrage.", { name: removing.row.name }) : t("Le PC {mac} reviendra dans la liste s'il redémarre sur le réseau.", { mac: removing?.row.mac ?? "" })}
      onConfirm=${() => void remove.run()} onClose=${() => setRemoving(null)}>
      <${ErrorBanner} error=${remove.error} />
    <//>
  </section>`;
}
