/** "Pourquoi ce nom est-il bloqué ?": the client's group, then each list and rule that matches, with its line. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get } from "../../lib/api";
import { useAction } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { Field, Submit } from "../../components/field";
import { ErrorBanner } from "../../components/toast";
import type { Explanation } from "./api";

const VERDICTS: Record<Explanation["verdict"], [string, string]> = {
  blocked: ["bloqué", "tag tag-error"],
  allowed: ["autorisé", "tag tag-ok"],
  rewritten: ["réécrit (recherche sécurisée)", "tag tag-warn"],
  local: ["nom local", "tag tag-ok"],
  forwarded: ["transmis aux serveurs amont", "tag"],
};

/** Query parameters after "#/dns/pourquoi?" (the log links here with the name and client filled in). */
function hashQuery() {
  return new URLSearchParams(location.hash.split("?")[1] ?? "");
}

/** The page. */
export function DnsExplainPage() {
  const q = hashQuery();
  const [name, setName] = useState(q.get("name") ?? "");
  const [client, setClient] = useState(q.get("client") ?? "");
  const [result, setResult] = useState<Explanation | null>(null);
  const ask = useAction(async () => setResult(await get<Explanation>("dns/explain", { name: name.trim(), client: client.trim() })));
  useEffect(() => {
    if (name) void ask.run();
  }, []);
  const r = result;
  return html`<section class="page">
    <h1>${t("Pourquoi ce nom est-il bloqué ?")}</h1>
    <form class="panel medium-form" onSubmit=${(e: Event) => (e.preventDefault(), void ask.run())} noValidate>
      <${ErrorBanner} error=${ask.error} shownFields=${["name", "client"]} />
      <${Field} label=${t("Nom de domaine")} name="name" value=${name} onInput=${setName} required maxlength=${253} error=${ask.fields.name} placeholder="pub.exemple.com" autofocus />
      <${Field} label=${t("Client (facultatif)")} name="client" value=${client} onInput=${setClient} maxlength=${64} error=${ask.fields.client} placeholder="192.168.10.21"
        hint=${t("L'adresse du poste concerné : son groupe décide des listes appliquées. Vide : le groupe par défaut.")} />
      <div class="form-actions"><${Submit} label=${t("Vérifier")} busy=${ask.busy} /></div>
    </form>
    ${r
      ? html`<section class="panel" aria-labelledby="dns-verdict" aria-live="polite">
          <h2 id="dns-verdict"><span class="dns-name">${r.name}</span> : <span class=${VERDICTS[r.verdict][1]}>${t(VERDICTS[r.verdict][0])}</span></h2>
          <p class="lead">${r.summary}</p>
          <dl class="facts">
            <dt>${t("Groupe appliqué")}</dt><dd>${r.group?.name ?? t("aucun")}</dd>
            <dt>${t("Client")}</dt><dd>${r.client ?? t("non précisé (groupe par défaut)")}</dd>
          </dl>
          ${r.matches.length
            ? html`<h3>${t("Règles qui correspondent")}</h3>
                <ul class="dns-matches">
                  ${r.matches.map(
                    (m) => html`<li key=${m.listId + m.rule}>
                      <span class=${m.allow ? "tag tag-ok" : "tag tag-error"}>${m.allow ? t("exception") : t("blocage")}</span>
                      <strong>${m.list}</strong> : <code>${m.rule}</code>
                      ${m.lines.length ? html`<br /><small class="muted">${m.lines.map((l) => t("ligne {n} : {text}", { n: l.line, text: l.text })).join(" · ")}</small>` : null}
                    </li>`,
                  )}
                </ul>`
            : null}
        </section>`
      : null}
  </section>`;
}
