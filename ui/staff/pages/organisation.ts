/** Organisation settings: identity (name, SIRET, address), enabled modules, and creating another organisation. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, patch, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { isSiret } from "../../lib/validate";
import { dateTime } from "../../lib/format";
import { currentOrg, loadMe, selectOrg } from "../../lib/session";
import { navigate } from "../../lib/router";
import { CheckboxGroup, Field, Submit, TextArea } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";

/** The organisation as GET /api/org returns it. */
interface Org {
  id: string;
  name: string;
  siret: string | null;
  address: string | null;
  modules: string[];
  createdAt: string;
  updatedAt: string;
}

function SettingsForm({ org, catalog, onSaved }: { org: Org; catalog: { name: string; label: string }[]; onSaved: (o: Org) => void }) {
  const [name, setName] = useState(org.name);
  const [siret, setSiret] = useState(org.siret ?? "");
  const [address, setAddress] = useState(org.address ?? "");
  const [modules, setModules] = useState(org.modules);
  const [local, setLocal] = useState<Record<string, string>>({});
  useEffect(() => {
    setName(org.name);
    setSiret(org.siret ?? "");
    setAddress(org.address ?? "");
    setModules(org.modules);
  }, [org]);
  const action = useAction(async () => {
    const o = await patch<Org>("org", { name, siret: siret.replace(/\s/g, "") || null, address: address || null, modules });
    toast(t("Organisation enregistrée."));
    await loadMe();
    onSaved(o);
  });
  const submit = (e: Event) => {
    e.preventDefault();
    const f: Record<string, string> = {};
    if (!name.trim()) f.name = t("Le nom est obligatoire.");
    if (siret.trim() && !isSiret(siret)) f.siret = t("SIRET invalide : 14 chiffres attendus (clé de contrôle incorrecte ?).");
    setLocal(f);
    if (!Object.keys(f).length) void action.run();
  };
  const err = (k: string) => local[k] ?? action.fields[k];
  return html`<form onSubmit=${submit} noValidate class="medium-form">
    <${ErrorBanner} error=${action.error} shownFields=${["name", "siret", "address", "modules"]} />
    <${Field} label=${t("Nom de l'organisation")} name="name" value=${name} onInput=${setName} required error=${err("name")} maxlength=${200} />
    <${Field} label=${t("SIRET")} name="siret" value=${siret} onInput=${setSiret} inputmode="numeric" hint=${t("14 chiffres, facultatif")} error=${err("siret")} maxlength=${20} />
    <${TextArea} label=${t("Adresse postale")} name="address" value=${address} onInput=${setAddress} error=${err("address")} maxlength=${500} />
    <${CheckboxGroup} label=${t("Modules activés")} name="modules" values=${modules} onChange=${setModules} error=${err("modules")}
      options=${catalog.map((m) => ({ value: m.name, label: t(m.label) }))}
      hint=${t("Seuls les modules activés apparaissent dans la navigation de cette organisation.")}
      empty=${t("Aucun module n'est encore installé sur ce Guichet.")} />
    <div class="form-actions"><${Submit} label=${t("Enregistrer")} busy=${action.busy} /></div>
  </form>`;
}

function CreateOrgForm() {
  const [name, setName] = useState("");
  const [siret, setSiret] = useState("");
  const [address, setAddress] = useState("");
  const [local, setLocal] = useState<Record<string, string>>({});
  const action = useAction(async () => {
    const r = await post<{ id: string; name: string }>("orgs", { name, siret: siret.replace(/\s/g, "") || null, address: address || null });
    await loadMe();
    selectOrg(r.id);
    toast(t("Organisation « {name} » créée : vous en êtes propriétaire.", { name: r.name }));
    navigate("/organisation");
  });
  const submit = (e: Event) => {
    e.preventDefault();
    const f: Record<string, string> = {};
    if (!name.trim()) f.name = t("Le nom est obligatoire.");
    if (siret.trim() && !isSiret(siret)) f.siret = t("SIRET invalide : 14 chiffres attendus (clé de contrôle incorrecte ?).");
    setLocal(f);
    if (!Object.keys(f).length) void action.run();
  };
  const err = (k: string) => local[k] ?? action.fields[k];
  return html`<form onSubmit=${submit} noValidate class="medium-form">
    <${ErrorBanner} error=${action.error} shownFields=${["name", "siret", "address"]} />
    <${Field} label=${t("Nom de la nouvelle organisation")} name="newName" value=${name} onInput=${setName} required error=${err("name")} maxlength=${200}
      hint=${t("Par exemple : CCAS, association, syndicat intercommunal")} />
    <${Field} label=${t("SIRET")} name="newSiret" value=${siret} onInput=${setSiret} inputmode="numeric" hint=${t("14 chiffres, facultatif")} error=${err("siret")} maxlength=${20} />
    <${TextArea} label=${t("Adresse postale")} name="newAddress" value=${address} onInput=${setAddress} error=${err("address")} maxlength=${500} />
    <div class="form-actions"><${Submit} label=${t("Créer l'organisation")} busy=${action.busy} /></div>
  </form>`;
}

/** The organisation page. */
export function OrganisationPage() {
  const cur = currentOrg.value!;
  const org = useLoad(() => get<Org>("org"), [cur.id]);
  const catalog = useLoad(() => get<{ modules: { name: string; label: string }[] }>("setup", undefined, { org: null }).then((r) => r.modules ?? []), []);
  return html`<section class="page">
    <h1>${t("Organisation")}</h1>
    <${ErrorBanner} error=${org.error ?? catalog.error} />
    <section class="panel" aria-labelledby="org-settings-title">
      <h2 id="org-settings-title">${t("Identité et modules de {org}", { org: cur.name })}</h2>
      ${org.data ? html`<p class="hint">${t("Créée le {date}", { date: dateTime(org.data.createdAt) })}</p>` : null}
      ${org.data && catalog.data ? html`<${SettingsForm} org=${org.data} catalog=${catalog.data} onSaved=${org.setData} />` : html`<p class="muted" role="status">${t("Chargement…")}</p>`}
    </section>
    <section class="panel" aria-labelledby="org-new-title">
      <h2 id="org-new-title">${t("Créer une autre organisation")}</h2>
      <p class="hint">${t("Une autre structure (CCAS, association…) sur le même Guichet, avec ses propres membres et données.")}</p>
      <${CreateOrgForm} />
    </section>
  </section>`;
}
