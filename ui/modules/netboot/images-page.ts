/** Netboot, "Images" page: kiosk image versions (kernel + initrd + command line), their upload, the default per group. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, post, put } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { bytes, dateOnly } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Confirm, Modal } from "../../components/modal";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import { uploadFile, type BootImage, type GroupDefault } from "./api";

function NewImageForm({ onCreated }: { onCreated: (img: BootImage) => void }) {
  const [name, setName] = useState("Kiosque EPN");
  const [version, setVersion] = useState("");
  const [cmdline, setCmdline] = useState("console=tty0 quiet");
  const action = useAction(async () => {
    const img = await post<BootImage>("netboot/images", { name, version, cmdline });
    setVersion("");
    onCreated(img);
  });
  return html`<form class="inline-form" onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate aria-labelledby="nb-new-title">
    <h3 id="nb-new-title">${t("Nouvelle version d'image")}</h3>
    <${ErrorBanner} error=${action.error} shownFields=${["name", "version", "cmdline"]} />
    <div class="form-row">
      <${Field} label=${t("Nom")} name="imgName" value=${name} onInput=${setName} required maxlength=${80} error=${action.fields.name} />
      <${Field} label=${t("Version")} name="imgVersion" value=${version} onInput=${setVersion} required maxlength=${40} error=${action.fields.version} placeholder="2026.03" />
      <${Field} label=${t("Ligne de commande du noyau")} name="imgCmdline" value=${cmdline} onInput=${setCmdline} maxlength=${1000} error=${action.fields.cmdline} />
    </div>
    <div class="form-actions"><${Submit} label=${t("Créer la version")} busy=${action.busy} /></div>
  </form>`;
}

function UploadDialog({ image, onClose, onDone }: { image: BootImage | null; onClose: () => void; onDone: () => void }) {
  const [files, setFiles] = useState<{ kernel?: File; initrd?: File }>({});
  const [progress, setProgress] = useState<string | null>(null);
  const action = useAction(async () => {
    for (const kind of ["kernel", "initrd"] as const) {
      const f = files[kind];
      if (!f) continue;
      await uploadFile(image!.id, kind, f, (sent) => setProgress(t("{file} : {sent} sur {total}", { file: kind, sent: bytes(sent), total: bytes(f.size) })));
    }
    toast(t("Fichiers envoyés."));
    setFiles({});
    setProgress(null);
    onDone();
    onClose();
  });
  const pick = (kind: "kernel" | "initrd", label: string, done: number | null) =>
    html`<div class="field"><label>${label}${done !== null ? html` <span class="tag tag-ok">${t("en place ({size})", { size: bytes(done) })}</span>` : null}
      <input type="file" name=${kind} disabled=${done !== null} onChange=${(e: Event) => setFiles({ ...files, [kind]: (e.target as HTMLInputElement).files?.[0] })} /></label></div>`;
  return html`<${Modal} open=${!!image} title=${t("Fichiers de {name} {version}", { name: image?.name ?? "", version: image?.version ?? "" })} onClose=${onClose}>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate>
      <p class="hint">${t("Une version est figée une fois ses fichiers en place : pour changer de noyau, créez une nouvelle version.")}</p>
      <${ErrorBanner} error=${action.error} />
      ${pick("kernel", t("Noyau (vmlinuz)"), image?.kernelSize ?? null)}
      ${pick("initrd", t("Initrd"), image?.initrdSize ?? null)}
      ${progress ? html`<p role="status">${progress}</p>` : null}
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick=${onClose}>${t("Fermer")}</button>
        <${Submit} label=${t("Envoyer")} busy=${action.busy} busyLabel=${t("Envoi en cours…")} />
      </div>
    </form>
  <//>`;
}

function DefaultsPanel({ images, defaults, onChange }: { images: BootImage[]; defaults: GroupDefault[]; onChange: () => void }) {
  const [group, setGroup] = useState("");
  const [imageId, setImageId] = useState("");
  const action = useAction(async (g: string, id: string | null) => {
    await put("netboot/defaults", { groupName: g, imageId: id });
    toast(id ? t("Image par défaut enregistrée.") : t("Image par défaut retirée."));
    setGroup("");
    onChange();
  });
  const ready = images.filter((i) => i.ready);
  const label = (id: string) => ready.find((i) => i.id === id) ?? images.find((i) => i.id === id);
  const rows = defaults.some((d) => d.groupName === "") ? defaults : [{ groupName: "", imageId: "" }, ...defaults];
  const cols: Column<GroupDefault>[] = [
    { key: "g", label: t("Groupe de postes"), render: (d) => (d.groupName ? d.groupName : html`<em>${t("Tous les postes (et les PC inconnus)")}</em>`) },
    { key: "i", label: t("Image"), render: (d) => (d.imageId ? `${label(d.imageId)?.name ?? "?"} ${label(d.imageId)?.version ?? ""}` : t("aucune : démarrage local")) },
    { key: "a", label: t("Actions"), class: "actions", render: (d) => (d.imageId ? html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => void action.run(d.groupName, null)}>${t("Retirer")}</button>` : null) },
  ];
  return html`<section class="panel" aria-labelledby="nb-defaults">
    <h2 id="nb-defaults">${t("Image par défaut de chaque groupe")}</h2>
    <${ErrorBanner} error=${action.error} shownFields=${["imageId"]} />
    <${Table} caption=${t("Images par défaut")} columns=${cols} rows=${rows} rowKey=${(d: GroupDefault) => d.groupName || "*"} empty="" />
    <form class="inline-form" onSubmit=${(e: Event) => (e.preventDefault(), void action.run(group, imageId || null))} noValidate>
      <div class="form-row">
        <${Field} label=${t("Groupe (vide = tous les postes)")} name="defGroup" value=${group} onInput=${setGroup} maxlength=${60} error=${action.fields.groupName} />
        <${Select} label=${t("Image")} name="defImage" value=${imageId} onChange=${setImageId} error=${action.fields.imageId}
          options=${[{ value: "", label: t("Choisir une image prête…") }, ...ready.map((i) => ({ value: i.id, label: `${i.name} ${i.version}` }))]} />
      </div>
      <div class="form-actions"><${Submit} label=${t("Définir par défaut")} busy=${action.busy} /></div>
    </form>
  </section>`;
}

/** The page. */
export function NetbootImagesPage() {
  const org = currentOrg.value!;
  const images = useLoad(() => get<BootImage[]>("netboot/images"), [org.id]);
  const defaults = useLoad(() => get<GroupDefault[]>("netboot/defaults"), [org.id]);
  const [uploading, setUploading] = useState<BootImage | null>(null);
  const [deleting, setDeleting] = useState<BootImage | null>(null);
  const remove = useAction(async () => {
    await del(`netboot/images/${deleting!.id}`);
    toast(t("Version supprimée."));
    setDeleting(null);
    await images.reload();
  });
  const cols: Column<BootImage>[] = [
    { key: "name", label: t("Image"), sort: (i) => i.name, render: (i) => html`<strong>${i.name}</strong> ${i.version}` },
    { key: "state", label: t("État"), sort: (i) => (i.ready ? 1 : 0), render: (i) => html`<span class=${"tag " + (i.ready ? "tag-ok" : "tag-warn")}>${i.ready ? t("prête") : t("fichiers manquants")}</span>` },
    { key: "cmdline", label: t("Ligne de commande"), render: (i) => html`<code class="small">${i.cmdline || "—"}</code>` },
    { key: "size", label: t("Taille"), render: (i) => `${bytes(i.kernelSize)} + ${bytes(i.initrdSize)}` },
    { key: "created", label: t("Créée le"), sort: (i) => i.createdAt, render: (i) => dateOnly(i.createdAt) },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (i) => html`${i.ready ? null : html`<button type="button" class="btn btn-small btn-primary" onClick=${() => setUploading(i)}>${t("Envoyer les fichiers")}</button>`}
        <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => (remove.setError(null), setDeleting(i))}>${t("Supprimer")}</button>`,
    },
  ];
  return html`<section class="page">
    <h1>${t("Netboot : images")}</h1>
    <section class="panel" aria-labelledby="nb-images">
      <h2 id="nb-images">${t("Versions d'image")}</h2>
      <${ErrorBanner} error=${images.error} />
      <${Table} caption=${t("Versions d'image")} columns=${cols} rows=${images.data ?? []} rowKey=${(i: BootImage) => i.id} loading=${images.loading} failed=${!!images.error} empty=${t("Aucune image : créez une version puis envoyez son noyau et son initrd.")} />
      <${NewImageForm} onCreated=${(img: BootImage) => (void images.reload(), setUploading(img))} />
    </section>
    <${DefaultsPanel} images=${images.data ?? []} defaults=${defaults.data ?? []} onChange=${() => void defaults.reload()} />
    <${UploadDialog} image=${uploading} onClose=${() => setUploading(null)} onDone=${() => void images.reload()} />
    <${Confirm} open=${!!deleting} title=${t("Supprimer la version")} confirmLabel=${t("Supprimer")} busy=${remove.busy}
      message=${t("Supprimer {name} {version} et ses fichiers ?", { name: deleting?.name ?? "", version: deleting?.version ?? "" })}
      onConfirm=${() => void remove.run()} onClose=${() => setDeleting(null)}>
      <${ErrorBanner} error=${remove.error} />
    <//>
  </section>`;
}
