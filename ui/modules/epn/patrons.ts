/** Patrons: search, list, and the registration form with the GDPR notice and the règlement. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateOnly } from "../../lib/format";
import { navigate } from "../../lib/router";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Modal } from "../../components/modal";
import { Field, Select, Submit, TextArea } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import { CATEGORY_LABELS, SEX_LABELS, type Patron } from "./shared";

/** The texts in force (GET /api/epn/settings). */
export interface Texts {
  rgpd: { version: number; body: string };
  reglement: { version: number; body: string };
}

const EMPTY = { firstName: "", lastName: "", birthYear: "", commune: "", category: "non_renseigne", sex: "", email: "", phone: "", notes: "" };

/** The patron form fields (shared by creation and edition). */
export function PatronFields({ v, set, fields }: { v: typeof EMPTY; set: (k: keyof typeof EMPTY, x: string) => void; fields: Record<string, string> }) {
  return html`<div class="form-row">
      <${Field} label=${t("Prénom")} name="firstName" value=${v.firstName} onInput=${(x: string) => set("firstName", x)} error=${fields.firstName} required autofocus />
      <${Field} label=${t("Nom")} name="lastName" value=${v.lastName} onInput=${(x: string) => set("lastName", x)} error=${fields.lastName} required />
    </div>
    <div class="form-row">
      <${Field} label=${t("Année de naissance")} name="birthYear" type="number" value=${v.birthYear} onInput=${(x: string) => set("birthYear", x)} error=${fields.birthYear} hint=${t("Sert à la tranche d'âge des statistiques.")} />
      <${Field} label=${t("Commune")} name="commune" value=${v.commune} onInput=${(x: string) => set("commune", x)} error=${fields.commune} />
    </div>
    <div class="form-row">
      <${Select} label=${t("Catégorie socio-professionnelle")} name="category" value=${v.category} onChange=${(x: string) => set("category", x)} error=${fields.category}
        options=${Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label: t(label) }))} />
      <${Select} label=${t("Sexe (facultatif)")} name="sex" value=${v.sex} onChange=${(x: string) => set("sex", x)} error=${fields.sex}
        options=${[{ value: "", label: t("Non renseigné") }, ...Object.entries(SEX_LABELS).map(([value, label]) => ({ value, label: t(label) }))]} />
    </div>
    <div class="form-row">
      <${Field} label=${t("E-mail (facultatif)")} name="email" type="email" value=${v.email} onInput=${(x: string) => set("email", x)} error=${fields.email} />
      <${Field} label=${t("Téléphone (facultatif)")} name="phone" value=${v.phone} onInput=${(x: string) => set("phone", x)} error=${fields.phone} />
    </div>
    <${TextArea} label=${t("Remarques")} name="notes" value=${v.notes} onInput=${(x: string) => set("notes", x)} error=${fields.notes} rows=${2} />`;
}

/** Form values → API body (empty optional fields become null). */
export function patronBody(v: typeof EMPTY) {
  return {
    firstName: v.firstName,
    lastName: v.lastName,
    birthYear: v.birthYear ? Number(v.birthYear) : null,
    commune: v.commune || null,
    category: v.category,
    sex: v.sex || null,
    email: v.email || null,
    phone: v.phone || null,
    notes: v.notes || null,
  };
}

/** Values of an existing patron for the form. */
export function patronValues(p: Patron): typeof EMPTY {
  return { firstName: p.firstName ?? "", lastName: p.lastName ?? "", birthYear: p.birthYear ? String(p.birthYear) : "", commune: p.commune ?? "", category: p.category, sex: p.sex ?? "", email: p.email ?? "", phone: p.phone ?? "", notes: p.notes ?? "" };
}

function NewPatron({ onClose }: { onClose: () => void }) {
  const texts = useLoad(() => get<{ texts: Texts }>("epn/settings").then((r) => r.texts), []);
  const [v, setV] = useState(EMPTY);
  const [consent, setConsent] = useState(false);
  const [reglement, setReglement] = useState(false);
  const action = useAction(async () => {
    const p = await post<Patron>("epn/patrons", { ...patronBody(v), consent, reglement });
    toast(t("{n} est inscrit(e).", { n: `${p.firstName} ${p.lastName}` }));
    navigate("/epn/usagers/" + p.id);
  });
  const set = (k: keyof typeof EMPTY, x: string) => setV({ ...v, [k]: x });
  return html`<${Modal} open wide title=${t("Inscrire un usager")} onClose=${onClose}>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
      <${ErrorBanner} error=${action.error} shownFields=${Object.keys(EMPTY).concat("consent")} />
      <${PatronFields} v=${v} set=${set} fields=${action.fields} />
      <h3>${t("Notice RGPD (version {v})", { v: texts.data?.rgpd.version ?? "…" })}</h3>
      <div class="epn-text">${texts.data?.rgpd.body ?? t("Chargement…")}</div>
      <label class="epn-check"><input type="checkbox" name="consent" checked=${consent} onChange=${(e: Event) => setConsent((e.target as HTMLInputElement).checked)} />
        ${t("L'usager a pris connaissance de la notice et consent à l'enregistrement de ses données.")}</label>
      ${action.fields.consent ? html`<p class="field-error">${action.fields.consent}</p>` : null}
      <h3>${t("Règlement intérieur (version {v})", { v: texts.data?.reglement.version ?? "…" })}</h3>
      <div class="epn-text">${texts.data?.reglement.body ?? ""}</div>
      <label class="epn-check"><input type="checkbox" name="reglement" checked=${reglement} onChange=${(e: Event) => setReglement((e.target as HTMLInputElement).checked)} />
        ${t("L'usager accepte le règlement (obligatoire pour ouvrir une session).")}</label>
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick=${onClose}>${t("Annuler")}</button>
        <${Submit} label=${t("Inscrire")} busy=${action.busy} />
      </div>
    </form>
  <//>`;
}

/** The patrons page. */
export function PatronsPage() {
  const org = currentOrg.value!;
  const [q, setQ] = useState("");
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  const [creating, setCreating] = useState(false);
  const list = useLoad(() => get<{ total: number; items: Patron[] }>("epn/patrons", { q: search, limit: 50, offset }), [org.id, search, offset]);
  const columns: Column<Patron>[] = [
    { key: "name", label: t("Nom"), sort: (p) => `${p.lastName} ${p.firstName}`, render: (p) => html`<a href=${"#/epn/usagers/" + p.id}><strong>${p.lastName}</strong> ${p.firstName}</a>` },
    { key: "ageBand", label: t("Âge"), sort: (p) => p.birthYear ?? 0, render: (p) => p.ageBand ?? "—" },
    { key: "commune", label: t("Commune"), sort: (p) => p.commune ?? "", render: (p) => p.commune ?? "—" },
    { key: "category", label: t("Catégorie"), render: (p) => t(CATEGORY_LABELS[p.category] ?? p.category) },
    {
      key: "consent",
      label: t("RGPD / règlement"),
      render: (p) => html`${p.consentCurrent ? html`<span class="tag tag-ok">${t("RGPD à jour")}</span>` : html`<span class="tag tag-warn">${t("RGPD à renouveler")}</span>`}
        ${" "}${p.reglementVersion ? (p.reglementCurrent ? null : html`<span class="tag tag-warn">${t("règlement à renouveler")}</span>`) : html`<span class="tag tag-error">${t("règlement non accepté")}</span>`}`,
    },
    { key: "lastActivityAt", label: t("Dernière activité"), sort: (p) => p.lastActivityAt, render: (p) => dateOnly(p.lastActivityAt) },
  ];
  const total = list.data?.total ?? 0;
  return html`<section class="page">
    <h1>${t("Usagers")}</h1>
    <div class="toolbar">
      <form class="toolbar" role="search" onSubmit=${(e: Event) => (e.preventDefault(), setOffset(0), setSearch(q))}>
        <label>${t("Rechercher")} <input type="search" name="q" value=${q} onInput=${(e: Event) => setQ((e.target as HTMLInputElement).value)} placeholder=${t("nom, commune, e-mail")} /></label>
        <button type="submit" class="btn btn-secondary">${t("Rechercher")}</button>
      </form>
      <button type="button" class="btn btn-primary" onClick=${() => setCreating(true)}>${t("Inscrire un usager")}</button>
    </div>
    <${ErrorBanner} error=${list.error} />
    <${Table} caption=${t("Usagers inscrits")} columns=${columns} rows=${list.data?.items ?? []} rowKey=${(p: Patron) => p.id} loading=${list.loading} failed=${!!list.error}
      empty=${search ? t("Aucun usager ne correspond à « {q} ».", { q: search }) : t("Aucun usager inscrit.")} />
    ${total > 50
      ? html`<nav class="pagination"><button type="button" class="btn btn-secondary" disabled=${offset === 0} onClick=${() => setOffset(Math.max(0, offset - 50))}>← ${t("Précédent")}</button>
          <span class="pagination-summary">${t("{a}–{b} sur {n}", { a: offset + 1, b: Math.min(offset + 50, total), n: total })}</span>
          <button type="button" class="btn btn-secondary" disabled=${offset + 50 >= total} onClick=${() => setOffset(offset + 50)}>${t("Suivant")} →</button></nav>`
      : null}
    ${creating ? html`<${NewPatron} onClose=${() => setCreating(false)} />` : null}
  </section>`;
}
