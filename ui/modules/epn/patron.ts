/** One patron: details, consents, codes (create and print), sessions, export and erasure. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, patch, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateOnly, dateTime } from "../../lib/format";
import { navigate } from "../../lib/router";
import { currentOrg } from "../../lib/session";
import { Confirm, Modal } from "../../components/modal";
import { Submit } from "../../components/field";
import { ErrorBanner, attempt, toast, toastError } from "../../components/toast";
import { PatronFields, patronBody, patronValues } from "./patrons";
import { CATEGORY_LABELS, CODE_STATUS, SEX_LABELS, clock, fetchFile, openPdf, saveBlob, type Code, type Patron } from "./shared";

interface Full extends Patron {
  consents: { id: string; kind: string; version: number; at: string; staffLabel: string }[];
  codes: { id: string }[];
  sessions: { id: string; startedAt: string; endedAt: string | null; usedSeconds: number | null; endReason: string | null }[];
  reservations: { id: string; startsAt: string; endsAt: string; status: string }[];
}

const REASONS: Record<string, string> = { user: "par l'usager", staff: "par l'animateur", time_up: "temps écoulé", inactivity: "inactivité", reboot: "redémarrage" };

function Edit({ p, onClose, onSaved }: { p: Patron; onClose: () => void; onSaved: () => void }) {
  const [v, setV] = useState(patronValues(p));
  const action = useAction(async () => {
    await patch(`epn/patrons/${p.id}`, patronBody(v));
    toast(t("Fiche enregistrée."));
    onSaved();
  });
  return html`<${Modal} open wide title=${t("Modifier la fiche")} onClose=${onClose}>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
      <${ErrorBanner} error=${action.error} shownFields=${Object.keys(v)} />
      <${PatronFields} v=${v} set=${(k: keyof typeof v, x: string) => setV({ ...v, [k]: x })} fields=${action.fields} />
      <div class="form-actions"><button type="button" class="btn btn-secondary" onClick=${onClose}>${t("Annuler")}</button><${Submit} label=${t("Enregistrer")} busy=${action.busy} /></div>
    </form>
  <//>`;
}

function CodesPanel({ p }: { p: Patron }) {
  const codes = useLoad(() => get<Code[]>("epn/codes", { patronId: p.id }), [p.id]);
  const [fresh, setFresh] = useState<Code | null>(null);
  const create = useAction(async () => {
    const r = await post<{ codes: Code[] }>("epn/codes", { patronId: p.id });
    setFresh(r.codes[0]!);
    await codes.reload();
  });
  const print = (c: Code) => openPdf("epn/codes/tickets", { ids: [c.id], layout: "page" }, `ticket-${c.code}.pdf`).catch(toastError);
  return html`<section class="panel" aria-labelledby="codes-title">
    <h2 id="codes-title">${t("Codes d'accès")}</h2>
    <${ErrorBanner} error=${create.error ?? codes.error} />
    ${fresh
      ? html`<div class="banner banner-success" role="status"><p>${t("Nouveau code :")} <span class="epn-code" data-testid="nouveau-code">${fresh.code}</span></p>
          <button type="button" class="btn btn-primary" onClick=${() => print(fresh)}>${t("Imprimer le ticket (PDF)")}</button></div>`
      : null}
    <ul class="notif-list">
      ${(codes.data ?? []).map(
        (c) => html`<li key=${c.id} class="notif"><span><span class="epn-code">${c.code}</span> <span class=${"tag " + (CODE_STATUS[c.status]?.[1] ?? "")}>${t(CODE_STATUS[c.status]?.[0] ?? c.status)}</span>
          <small class="muted"> ${t("jusqu'au {d}", { d: dateTime(c.validUntil) })}, ${t("{n} utilisation(s)", { n: c.uses })}</small></span>
          <span>${c.status === "active" ? html`<button type="button" class="btn btn-small btn-secondary" onClick=${() => print(c)}>${t("Imprimer")}</button>
            <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => void attempt(() => post(`epn/codes/${c.id}/revoke`), t("Code annulé.")).then(() => codes.reload())}>${t("Annuler")}</button>` : null}</span></li>`,
      )}
    </ul>
    <button type="button" class="btn btn-primary" disabled=${create.busy || !p.consentVersion} onClick=${() => void create.run()}>${t("Créer un code")}</button>
  </section>`;
}

/** The patron page. */
export function PatronPage({ params }: { params: Record<string, string> }) {
  const org = currentOrg.value!;
  const data = useLoad(() => get<Full>(`epn/patrons/${params.id}`), [org.id, params.id]);
  const [editing, setEditing] = useState(false);
  const [erasing, setErasing] = useState(false);
  const erase = useAction(async () => {
    const r = await del<{ connectionLogKept: number }>(`epn/patrons/${params.id}`);
    toast(t("Données personnelles effacées ; {n} entrée(s) du journal des connexions restent jusqu'à leur échéance légale.", { n: r.connectionLogKept }));
    navigate("/epn/usagers");
  });
  const accept = (kind: "rgpd" | "reglement") => void attempt(() => post(`epn/patrons/${params.id}/accept`, { kind }), t("Acceptation enregistrée.")).then(() => data.reload());
  const exportAs = (format: "json" | "csv") => fetchFile("GET", `epn/patrons/${params.id}/export?format=${format}`).then((b) => saveBlob(b, `usager-${params.id}.${format}`)).catch(toastError);
  const p = data.data;
  if (!p) return html`<section class="page"><h1>${t("Usager")}</h1><${ErrorBanner} error=${data.error} />${data.loading ? html`<p>${t("Chargement…")}</p>` : null}</section>`;
  if (p.erased) return html`<section class="page"><h1>${t("Usager effacé")}</h1><p>${t("Les données personnelles de cet usager ont été effacées ; seules restent des statistiques anonymes.")}</p></section>`;
  return html`<section class="page">
    <p><a href="#/epn/usagers">← ${t("Usagers")}</a></p>
    <h1>${p.firstName} ${p.lastName}</h1>
    <section class="panel">
      <dl class="facts">
        <dt>${t("Tranche d'âge")}</dt><dd>${p.ageBand ?? "—"}${p.birthYear ? ` (${p.birthYear})` : ""}</dd>
        <dt>${t("Commune")}</dt><dd>${p.commune ?? "—"}</dd>
        <dt>${t("Catégorie")}</dt><dd>${t(CATEGORY_LABELS[p.category] ?? p.category)}</dd>
        <dt>${t("Sexe")}</dt><dd>${p.sex ? t(SEX_LABELS[p.sex] ?? p.sex) : "—"}</dd>
        <dt>${t("Contact")}</dt><dd>${[p.email, p.phone].filter(Boolean).join(" · ") || "—"}</dd>
        <dt>${t("Inscrit le")}</dt><dd>${dateOnly(p.registeredOn)}</dd>
        <dt>${t("Consentement RGPD")}</dt><dd>${p.consentVersion ? t("version {v}, le {d}, recueilli par {s}", { v: p.consentVersion, d: dateTime(p.consentAt), s: p.consentBy ?? "—" }) : "—"}
          ${p.consentCurrent ? null : html` <button type="button" class="btn btn-small btn-secondary" onClick=${() => accept("rgpd")}>${t("Faire accepter la version en vigueur")}</button>`}</dd>
        <dt>${t("Règlement")}</dt><dd>${p.reglementVersion ? t("version {v}, le {d}", { v: p.reglementVersion, d: dateTime(p.reglementAt) }) : t("non accepté")}
          ${p.reglementCurrent ? null : html` <button type="button" class="btn btn-small btn-secondary" onClick=${() => accept("reglement")}>${t("Faire accepter le règlement")}</button>`}</dd>
      </dl>
      <div class="form-actions spread">
        <span><button type="button" class="btn btn-secondary" onClick=${() => setEditing(true)}>${t("Modifier")}</button></span>
        <span><button type="button" class="btn btn-ghost" onClick=${() => exportAs("json")}>${t("Exporter (JSON)")}</button>
          <button type="button" class="btn btn-ghost" onClick=${() => exportAs("csv")}>${t("Exporter (CSV)")}</button>
          <button type="button" class="btn btn-danger-ghost" onClick=${() => setErasing(true)}>${t("Effacer les données")}</button></span>
      </div>
    </section>
    <${CodesPanel} p=${p} />
    <section class="panel"><h2>${t("Sessions")}</h2>
      ${p.sessions.length ? html`<ul>${p.sessions.map((s) => html`<li key=${s.id}>${dateTime(s.startedAt)} — ${s.endedAt ? t("{d}, terminée {r}", { d: clock(s.usedSeconds ?? 0), r: t(REASONS[s.endReason ?? ""] ?? s.endReason ?? "") }) : t("en cours")}</li>`)}</ul>` : html`<p class="muted">${t("Aucune session.")}</p>`}
    </section>
    ${editing ? html`<${Edit} p=${p} onClose=${() => setEditing(false)} onSaved=${() => (setEditing(false), void data.reload())} />` : null}
    <${Confirm} open=${erasing} title=${t("Effacer les données personnelles")} confirmLabel=${t("Effacer")} busy=${erase.busy}
      message=${t("Nom, année de naissance, contact et consentements seront supprimés définitivement. Les statistiques anonymes restent ; le journal des connexions est conservé jusqu'à sa durée légale.")}
      onConfirm=${() => void erase.run()} onClose=${() => setErasing(false)}><${ErrorBanner} error=${erase.error} /><//>
  </section>`;
}
