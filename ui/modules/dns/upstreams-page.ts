/** Upstream resolvers: plain DNS or DNS-over-HTTPS, in failover order, with their health and a test button. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, patch, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateTime } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import type { DnsUpstream } from "./api";

/** Well-known resolvers, by IP address so that no other DNS is needed to reach them. */
const PRESETS = [
  { name: "Quad9 (DoH)", kind: "doh", address: "https://9.9.9.9/dns-query" },
  { name: "Cloudflare (DoH)", kind: "doh", address: "https://1.1.1.1/dns-query" },
  { name: "FDN (DNS)", kind: "dns", address: "80.67.169.12" },
  { name: "Quad9 (DNS)", kind: "dns", address: "9.9.9.9" },
];

const stateTag = (s: string | undefined) => (s === "ok" ? "tag tag-ok" : s === "en panne" ? "tag tag-error" : "tag");

/** The page. */
export function DnsUpstreamsPage() {
  const org = currentOrg.value!;
  const ups = useLoad(() => get<DnsUpstream[]>("dns/upstreams"), [org.id]);
  const [name, setName] = useState("");
  const [kind, setKind] = useState("doh");
  const [address, setAddress] = useState("");
  const [method, setMethod] = useState("POST");
  const add = useAction(async () => {
    await post("dns/upstreams", { name, kind, address, method });
    toast(t("Serveur amont « {name} » ajouté.", { name }));
    setName("");
    setAddress("");
    await ups.reload();
  });
  const test = useAction(async () => {
    ups.setData(await post<DnsUpstream[]>("dns/upstreams/test"));
    toast(t("Serveurs amont testés."));
  });
  const update = useAction(async (u: DnsUpstream, body: object) => {
    await patch(`dns/upstreams/${u.id}`, body);
    await ups.reload();
  });
  const remove = useAction(async (u: DnsUpstream) => {
    await del(`dns/upstreams/${u.id}`);
    toast(t("Serveur amont « {name} » supprimé.", { name: u.name }));
    await ups.reload();
  });
  const rows = ups.data ?? [];
  const move = (u: DnsUpstream, dir: -1 | 1) => {
    const i = rows.indexOf(u);
    const other = rows[i + dir];
    if (!other) return;
    // Swap positions (ties broken by a step so the order really changes).
    void update.run(u, { position: other.position + (dir > 0 ? 1 : -1) });
  };
  const columns: Column<DnsUpstream>[] = [
    { key: "order", label: t("Ordre"), render: (u) => String(rows.indexOf(u) + 1) },
    { key: "name", label: t("Serveur"), render: (u) => html`<strong>${u.name}</strong><br /><code class="dns-url">${u.address}</code>` },
    { key: "kind", label: t("Protocole"), render: (u) => (u.kind === "doh" ? `DoH (${u.method})` : t("DNS classique")) },
    {
      key: "health",
      label: t("État"),
      render: (u) => html`${!u.enabled ? html`<span class="tag">${t("désactivé")}</span>` : html`<span class=${stateTag(u.health?.state)}>${t(u.health?.state ?? "inconnu")}</span>`}
        ${u.health?.lastRttMs != null ? html` <small class="muted">${u.health.lastRttMs.toString().replace(".", ",")} ms</small>` : null}
        ${u.health?.lastError ? html`<br /><small class="dns-error">${u.health.lastError}</small>` : null}
        ${u.health?.lastCheckAt ? html`<br /><small class="muted">${t("vérifié le {d}", { d: dateTime(u.health.lastCheckAt) })}</small>` : null}`,
    },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (u) => html`<button type="button" class="btn btn-small btn-secondary" aria-label=${t("Monter {name}", { name: u.name })} disabled=${rows.indexOf(u) === 0} onClick=${() => move(u, -1)}>↑</button>
        <button type="button" class="btn btn-small btn-secondary" aria-label=${t("Descendre {name}", { name: u.name })} disabled=${rows.indexOf(u) === rows.length - 1} onClick=${() => move(u, 1)}>↓</button>
        <button type="button" class="btn btn-small btn-secondary" onClick=${() => void update.run(u, { enabled: !u.enabled })}>${u.enabled ? t("Désactiver") : t("Activer")}</button>
        <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => void remove.run(u)}>${t("Supprimer")}</button>`,
    },
  ];
  return html`<section class="page">
    <h1>${t("Serveurs amont")}</h1>
    <p class="lead">${t("Les requêtes vont au premier serveur en bon état, puis aux suivants en cas de panne. Aucun autre serveur n'est jamais interrogé.")}</p>
    <${ErrorBanner} error=${ups.error ?? test.error ?? update.error ?? remove.error} />
    <${Table} caption=${t("Serveurs amont")} columns=${columns} rows=${rows} rowKey=${(u: DnsUpstream) => u.id} loading=${ups.loading} failed=${!!ups.error} empty=${t("Aucun serveur amont : les noms extérieurs ne sont pas résolus.")} />
    <div class="form-actions"><button type="button" class="btn btn-secondary" disabled=${test.busy || !rows.length} onClick=${() => void test.run()}>${test.busy ? t("Test en cours…") : t("Tester les serveurs")}</button></div>
    <section class="panel" aria-labelledby="dns-add-upstream">
      <h2 id="dns-add-upstream">${t("Ajouter un serveur")}</h2>
      <p class="hint">${t("Suggestions :")} ${PRESETS.map((p) => html`<button type="button" key=${p.name} class="btn btn-small btn-ghost" onClick=${() => (setName(p.name), setKind(p.kind), setAddress(p.address))}>${p.name}</button>`)}</p>
      <form class="dns-inline" onSubmit=${(e: Event) => (e.preventDefault(), void add.run())} noValidate>
        <${ErrorBanner} error=${add.error} shownFields=${["name", "kind", "address", "method"]} />
        <${Field} label=${t("Nom")} name="upName" value=${name} onInput=${setName} required maxlength=${100} error=${add.fields.name} />
        <${Select} label=${t("Protocole")} name="upKind" value=${kind} onChange=${setKind} error=${add.fields.kind} options=${[
          { value: "doh", label: t("DNS sur HTTPS (chiffré)") },
          { value: "dns", label: t("DNS classique (UDP/TCP)") },
        ]} />
        <${Field} label=${kind === "doh" ? t("URL DoH") : t("Adresse IP (et port)")} name="upAddress" value=${address} onInput=${setAddress} required maxlength=${500} error=${add.fields.address} placeholder=${kind === "doh" ? "https://9.9.9.9/dns-query" : "9.9.9.9"} />
        ${kind === "doh" ? html`<${Select} label=${t("Méthode")} name="upMethod" value=${method} onChange=${setMethod} error=${add.fields.method} options=${[{ value: "POST", label: "POST" }, { value: "GET", label: "GET" }]} />` : null}
        <div class="form-actions"><${Submit} label=${t("Ajouter")} busy=${add.busy} /></div>
      </form>
    </section>
  </section>`;
}
