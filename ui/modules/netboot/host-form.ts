/** The workstation dialog: enrol a candidate, add a PC by hand, or edit one (name, MAC, group, image, menu). */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { patch, post } from "../../lib/api";
import { useAction } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { Modal } from "../../components/modal";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import type { BootImage, Candidate, Host } from "./api";

/** What the dialog edits: a candidate to enrol, an existing host, or a blank new host. */
export type HostTarget = { kind: "enrol"; candidate: Candidate } | { kind: "edit"; host: Host } | { kind: "new" };

/** The dialog; `onDone` reloads the lists. */
export function HostDialog({ target, images, onClose, onDone }: { target: HostTarget | null; images: BootImage[]; onClose: () => void; onDone: () => void }) {
  const [mac, setMac] = useState("");
  const [name, setName] = useState("");
  const [group, setGroup] = useState("");
  const [imageId, setImageId] = useState("");
  const [menu, setMenu] = useState(false);
  const action = useAction(async () => {
    const body = { name, groupName: group || null, imageId: imageId || null, menu };
    if (target?.kind === "enrol") await post(`netboot/candidates/${target.candidate.id}/enrol`, body);
    else if (target?.kind === "edit") await patch(`netboot/hosts/${target.host.id}`, { ...body, mac });
    else await post("netboot/hosts", { ...body, mac });
    toast(target?.kind === "edit" ? t("Poste « {name} » enregistré.", { name }) : t("Poste « {name} » ajouté.", { name }));
    onDone();
    onClose();
  });
  useEffect(() => {
    const h = target?.kind === "edit" ? target.host : null;
    setMac(target?.kind === "enrol" ? target.candidate.mac : (h?.mac ?? ""));
    setName(h?.name ?? "");
    setGroup(h?.groupName ?? "");
    setImageId(h?.imageId ?? "");
    setMenu(h?.menu ?? false);
    action.setError(null);
  }, [target]);
  const title = target?.kind === "enrol" ? t("Enrôler le PC {mac}", { mac }) : target?.kind === "edit" ? t("Modifier le poste") : t("Ajouter un poste");
  const options = [{ value: "", label: t("Image du groupe (ou par défaut)") }, ...images.filter((i) => i.ready).map((i) => ({ value: i.id, label: `${i.name} ${i.version}` }))];
  return html`<${Modal} open=${!!target} title=${title} onClose=${onClose}>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate>
      <${ErrorBanner} error=${action.error} shownFields=${["mac", "name", "groupName", "imageId"]} />
      <${Field} label=${t("Nom du poste")} name="hostName" value=${name} onInput=${setName} required maxlength=${80} error=${action.fields.name} hint=${t("Par exemple : EPN-03. Ce nom n'est jamais montré au poste.")} autofocus />
      ${target?.kind === "enrol" ? null : html`<${Field} label=${t("Adresse MAC")} name="hostMac" value=${mac} onInput=${setMac} required maxlength=${17} error=${action.fields.mac} placeholder="52:54:00:12:34:56" />`}
      <${Field} label=${t("Groupe de postes")} name="hostGroup" value=${group} onInput=${setGroup} maxlength=${60} error=${action.fields.groupName} hint=${t("Les postes d'un groupe démarrent l'image par défaut du groupe.")} />
      <${Select} label=${t("Image")} name="hostImage" value=${imageId} onChange=${setImageId} options=${options} error=${action.fields.imageId} />
      <label class="check"><input type="checkbox" name="hostMenu" checked=${menu} onChange=${(e: Event) => setMenu((e.target as HTMLInputElement).checked)} /><span>${t("Afficher un menu de choix d'image au démarrage")}</span></label>
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick=${onClose}>${t("Annuler")}</button>
        <${Submit} label=${target?.kind === "enrol" ? t("Enrôler") : t("Enregistrer")} busy=${action.busy} />
      </div>
    </form>
  <//>`;
}
