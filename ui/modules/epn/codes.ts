/** Access codes: generate guest passes in batches, list, print tickets (one per page or ten per sheet), revoke. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateTime } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Field, Submit } from "../../components/field";
import { ErrorBanner, attempt, toast, toastError } from "../../components/toast";
import { CODE_STATUS, openPdf, today, type Code } from "./shared";

function Generate({ onDone }: { onDone: (batch: { batchId: string | null; codes: Code[] }) => void }) {
  const [count, setCount] = useState("10");
  const [label, setLabel] = useState("");
  const [until, setUntil] = useState(today());
  const [allowance, setAllowance] = useState("60");
  const [multi, setMulti] = useState(false);
  const action = useAction(async () => {
    const r = await post<{ batchId: string | null; codes: Code[] }>("epn/codes", {
      count: Number(count),
      label: label || null,
      validUntil: until || null,
      allowanceMinutes: allowance ? Number(allowance) : null,
      multiUse: multi,
    });
    toast(t("{n} code(s) créé(s).", { n: r.codes.length }));
    onDone(r);
  });
  return html`<section class="panel" aria-labelledby="gen-title">
    <h2 id="gen-title">${t("Codes invités")}</h2>
    <p class="hint">${t("Pour un usager inscrit, créez son code depuis sa fiche.")}</p>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
      <${ErrorBanner} error=${action.error} shownFields=${["count", "label", "validUntil", "allowanceMinutes"]} />
      <div class="form-row">
        <${Field} label=${t("Nombre")} name="count" type="number" value=${count} onInput=${setCount} error=${action.fields.count} />
        <${Field} label=${t("Libellé (atelier, groupe…)")} name="label" value=${label} onInput=${setLabel} error=${action.fields.label} />
        <${Field} label=${t("Valable jusqu'au (inclus)")} name="validUntil" type="date" value=${until} onInput=${setUntil} error=${action.fields.validUntil} />
        <${Field} label=${t("Crédit de temps (minutes)")} name="allowanceMinutes" type="number" value=${allowance} onInput=${setAllowance} error=${action.fields.allowanceMinutes} />
      </div>
      <label class="epn-check"><input type="checkbox" checked=${multi} onChange=${(e: Event) => setMulti((e.target as HTMLInputElement).checked)} /> ${t("Utilisable plusieurs fois (dans la limite du crédit)")}</label>
      <div class="form-actions"><${Submit} label=${t("Créer les codes")} busy=${action.busy} /></div>
    </form>
  </section>`;
}

/** The codes page. */
export function CodesPage() {
  const org = currentOrg.value!;
  const [active, setActive] = useState(true);
  const codes = useLoad(() => get<Code[]>("epn/codes", { active: active ? "true" : undefined, limit: 200 }), [org.id, active]);
  const [batch, setBatch] = useState<{ batchId: string | null; codes: Code[] } | null>(null);
  const print = (body: unknown, name: string) => openPdf("epn/codes/tickets", body, name).catch(toastError);
  const columns: Column<Code>[] = [
    { key: "code", label: t("Code"), sort: (c) => c.code, render: (c) => html`<span class="epn-code">${c.code}</span>` },
    { key: "for", label: t("Pour"), sort: (c) => c.patronName ?? c.label ?? "", render: (c) => (c.patronId ? html`<a href=${"#/epn/usagers/" + c.patronId}>${c.patronName}</a>` : html`${t("Invité")}${c.label ? html` <small class="muted">(${c.label})</small>` : null}`) },
    { key: "status", label: t("État"), sort: (c) => c.status, render: (c) => html`<span class=${"tag " + (CODE_STATUS[c.status]?.[1] ?? "")}>${t(CODE_STATUS[c.status]?.[0] ?? c.status)}</span>` },
    { key: "validUntil", label: t("Jusqu'au"), sort: (c) => c.validUntil, render: (c) => dateTime(c.validUntil) },
    { key: "credit", label: t("Crédit"), render: (c) => (c.allowanceMinutes === null ? t("quota du jour") : t("{u} / {a} min", { u: c.usedMinutes, a: c.allowanceMinutes })) },
    { key: "uses", label: t("Sessions"), sort: (c) => c.uses, render: (c) => String(c.uses) },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (c) => html`<button type="button" class="btn btn-small btn-secondary" onClick=${() => print({ ids: [c.id], layout: "page" }, `ticket-${c.code}.pdf`)}>${t("Ticket")}</button>
        ${c.status === "active" ? html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => void attempt(() => post(`epn/codes/${c.id}/revoke`), t("Code annulé.")).then(() => codes.reload())}>${t("Annuler")}</button>` : null}`,
    },
  ];
  return html`<section class="page">
    <h1>${t("Codes d'accès")}</h1>
    <${Generate} onDone=${(b: { batchId: string | null; codes: Code[] }) => (setBatch(b), void codes.reload())} />
    ${batch
      ? html`<div class="banner banner-success" role="status">
          <p>${t("{n} code(s) prêts à imprimer.", { n: batch.codes.length })}</p>
          <button type="button" class="btn btn-primary" onClick=${() => print(batch.batchId ? { batchId: batch.batchId, layout: "sheet" } : { ids: batch.codes.map((c) => c.id), layout: "sheet" }, "tickets.pdf")}>${t("Imprimer (10 par feuille)")}</button>
          <button type="button" class="btn btn-secondary" onClick=${() => print(batch.batchId ? { batchId: batch.batchId, layout: "page" } : { ids: batch.codes.map((c) => c.id), layout: "page" }, "tickets.pdf")}>${t("Imprimer (1 par page)")}</button>
        </div>`
      : null}
    <div class="toolbar"><label class="epn-check"><input type="checkbox" checked=${active} onChange=${(e: Event) => setActive((e.target as HTMLInputElement).checked)} /> ${t("Codes encore valables seulement")}</label></div>
    <${ErrorBanner} error=${codes.error} />
    <${Table} caption=${t("Codes d'accès")} columns=${columns} rows=${codes.data ?? []} rowKey=${(c: Code) => c.id} loading=${codes.loading} failed=${!!codes.error} empty=${t("Aucun code.")} />
  </section>`;
}
