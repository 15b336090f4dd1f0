/** Local names answered by the appliance itself (A, AAAA, CNAME), e.g. imprimante.mairie.lan. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import type { DnsRecord } from "./api";

/** The page. */
export function DnsRecordsPage() {
  const org = currentOrg.value!;
  const records = useLoad(() => get<DnsRecord[]>("dns/records"), [org.id]);
  const [name, setName] = useState("");
  const [type, setType] = useState("A");
  const [value, setValue] = useState("");
  const [ttl, setTtl] = useState("300");
  const add = useAction(async () => {
    const r = await post<DnsRecord>("dns/records", { name, type, value, ttl: Number(ttl) });
    toast(t("Nom local « {name} » ajouté.", { name: r.name }));
    setName("");
    setValue("");
    await records.reload();
  });
  const remove = useAction(async (r: DnsRecord) => {
    await del(`dns/records/${r.id}`);
    toast(t("Nom local « {name} » supprimé.", { name: r.name }));
    await records.reload();
  });
  const columns: Column<DnsRecord>[] = [
    { key: "name", label: t("Nom"), sort: (r) => r.name, render: (r) => html`<span class="dns-name">${r.name}</span>` },
    { key: "type", label: t("Type"), sort: (r) => r.type, render: (r) => html`<code>${r.type}</code>` },
    { key: "value", label: t("Valeur"), render: (r) => html`<code>${r.value}</code>` },
    { key: "ttl", label: t("Durée de vie"), render: (r) => `${r.ttl} s` },
    { key: "actions", label: t("Actions"), class: "actions", render: (r) => html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => void remove.run(r)}>${t("Supprimer")}</button>` },
  ];
  return html`<section class="page">
    <h1>${t("Noms locaux")}</h1>
    <p class="lead">${t("« guichet.lan » désigne toujours l'appliance. Les noms en .lan inconnus, les noms sans point et les adresses privées ne sont jamais demandés aux serveurs amont.")}</p>
    <${ErrorBanner} error=${records.error ?? remove.error} />
    <${Table} caption=${t("Noms locaux")} columns=${columns} rows=${records.data ?? []} rowKey=${(r: DnsRecord) => r.id} loading=${records.loading} failed=${!!records.error} empty=${t("Aucun nom local défini.")} />
    <section class="panel" aria-labelledby="dns-add-record">
      <h2 id="dns-add-record">${t("Ajouter un nom")}</h2>
      <form class="dns-inline" onSubmit=${(e: Event) => (e.preventDefault(), void add.run())} noValidate>
        <${ErrorBanner} error=${add.error} shownFields=${["name", "type", "value", "ttl"]} />
        <${Field} label=${t("Nom")} name="recordName" value=${name} onInput=${setName} required maxlength=${253} error=${add.fields.name} placeholder="imprimante.mairie.lan" />
        <${Select} label=${t("Type")} name="recordType" value=${type} onChange=${setType} error=${add.fields.type} options=${[
          { value: "A", label: t("A (adresse IPv4)") },
          { value: "AAAA", label: t("AAAA (adresse IPv6)") },
          { value: "CNAME", label: t("CNAME (alias vers un autre nom)") },
        ]} />
        <${Field} label=${t("Valeur")} name="recordValue" value=${value} onInput=${setValue} required maxlength=${253} error=${add.fields.value} placeholder=${type === "CNAME" ? "nas.mairie.lan" : type === "AAAA" ? "fd00::20" : "192.168.1.20"} />
        <${Field} label=${t("Durée de vie (secondes)")} name="recordTtl" type="number" value=${ttl} onInput=${setTtl} error=${add.fields.ttl} />
        <div class="form-actions"><${Submit} label=${t("Ajouter")} busy=${add.busy} /></div>
      </form>
    </section>
  </section>`;
}
