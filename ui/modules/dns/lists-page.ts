/** Blocklists and allowlists: subscriptions by URL (count, last refresh, error) and local lists typed here. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, patch, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateTime, num } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Confirm, Modal } from "../../components/modal";
import { Field, Select, Submit, TextArea } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import type { DnsList } from "./api";

type Target = { kind: "new" } | { kind: "edit"; list: DnsList };

function ListDialog({ target, onClose, onDone }: { target: Target | null; onClose: () => void; onDone: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<"url" | "local">("url");
  const [mode, setMode] = useState<"block" | "allow">("block");
  const [url, setUrl] = useState("");
  const [content, setContent] = useState("");
  const [hours, setHours] = useState("24");
  const editing = target?.kind === "edit" ? target.list : null;
  useEffect(() => {
    if (!target) return;
    action.setError(null);
    setName(editing?.name ?? "");
    setKind(editing?.kind ?? "url");
    setMode(editing?.mode ?? "block");
    setUrl(editing?.url ?? "");
    setHours(String(editing?.refreshHours ?? 24));
    setContent("");
    // Local rules are only in the detail view.
    if (editing?.kind === "local") void get<DnsList>(`dns/lists/${editing.id}`).then((l) => setContent(l.content ?? ""));
  }, [target]);
  const action = useAction(async () => {
    const body = { name, mode, refreshHours: Number(hours), ...(kind === "url" ? { url } : { content }) };
    const saved = editing ? await patch<DnsList>(`dns/lists/${editing.id}`, body) : await post<DnsList>("dns/lists", { ...body, kind });
    if (saved.lastError) toast(t("Liste « {name} » enregistrée, mais le téléchargement a échoué : {e}", { name, e: saved.lastError }), "error");
    else toast(t("Liste « {name} » enregistrée : {n} règles.", { name, n: num(saved.ruleCount) }));
    onDone();
    onClose();
  });
  return html`<${Modal} open=${!!target} title=${editing ? t("Modifier la liste") : t("Ajouter une liste")} onClose=${onClose} wide>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate>
      <${ErrorBanner} error=${action.error} shownFields=${["name", "url", "content", "kind", "mode", "refreshHours"]} />
      <${Field} label=${t("Nom")} name="listName" value=${name} onInput=${setName} required maxlength=${100} error=${action.fields.name} autofocus />
      ${editing
        ? null
        : html`<${Select} label=${t("Source")} name="listKind" value=${kind} onChange=${(v: string) => setKind(v as "url" | "local")} error=${action.fields.kind} options=${[
            { value: "url", label: t("Abonnement par URL (mis à jour automatiquement)") },
            { value: "local", label: t("Liste locale (saisie ici)") },
          ]} />`}
      <${Select} label=${t("Effet")} name="listMode" value=${mode} onChange=${(v: string) => setMode(v as "block" | "allow")} error=${action.fields.mode} options=${[
        { value: "block", label: t("Bloquer les domaines de la liste") },
        { value: "allow", label: t("Autoriser (exceptions qui l'emportent sur les blocages)") },
      ]} />
      ${kind === "url"
        ? html`<${Field} label=${t("Adresse de la liste")} name="listUrl" type="url" value=${url} onInput=${setUrl} required maxlength=${2000} error=${action.fields.url} placeholder="https://…/liste.txt" hint=${t("Formats reconnus : fichier hosts, domaines un par ligne, règles AdBlock (||domaine^, @@ exceptions, *.domaine, /regex/).")} />
            <${Field} label=${t("Mise à jour toutes les (heures)")} name="listHours" type="number" value=${hours} onInput=${setHours} error=${action.fields.refreshHours} />`
        : html`<${TextArea} label=${t("Règles, une par ligne")} name="listContent" value=${content} onInput=${setContent} rows=${10} error=${action.fields.content} hint=${t("Exemples : pub.exemple.fr · ||traceur.com^ · *.publicite.net · /^ads?[0-9]*\\./ · @@||autorise.fr^ · # commentaire")} />`}
      ${editing?.problems.length
        ? html`<details class="dns-problems"><summary>${t("{n} ligne(s) ignorée(s) ou invalide(s)", { n: editing.ignoredCount + editing.invalidCount })}</summary>
            <ul>${editing.problems.map((p) => html`<li key=${p.line}>${t("ligne {n}", { n: p.line })} : <code>${p.text}</code> — ${p.reason}</li>`)}</ul>
          </details>`
        : null}
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick=${onClose}>${t("Annuler")}</button>
        <${Submit} label=${editing ? t("Enregistrer") : t("Ajouter")} busy=${action.busy} busyLabel=${kind === "url" ? t("Téléchargement…") : undefined} />
      </div>
    </form>
  <//>`;
}

/** The page. */
export function DnsListsPage() {
  const org = currentOrg.value!;
  const lists = useLoad(() => get<DnsList[]>("dns/lists"), [org.id]);
  const [target, setTarget] = useState<Target | null>(null);
  const [removing, setRemoving] = useState<DnsList | null>(null);
  const refresh = useAction(async (l: DnsList) => {
    const r = await post<{ ok: boolean; error: string | null; rules: number }>(`dns/lists/${l.id}/refresh`);
    if (r.ok) toast(t("« {name} » mise à jour : {n} règles.", { name: l.name, n: num(r.rules) }));
    else toast(t("« {name} » : mise à jour refusée ({e}). L'ancienne version reste en service.", { name: l.name, e: r.error ?? "" }), "error");
    await lists.reload();
  });
  const toggle = useAction(async (l: DnsList) => {
    await patch(`dns/lists/${l.id}`, { enabled: !l.enabled });
    await lists.reload();
  });
  const remove = useAction(async () => {
    if (!removing) return;
    await del(`dns/lists/${removing.id}`);
    toast(t("Liste « {name} » supprimée.", { name: removing.name }));
    setRemoving(null);
    await lists.reload();
  });
  const columns: Column<DnsList>[] = [
    { key: "name", label: t("Liste"), sort: (l) => l.name, render: (l) => html`<strong>${l.name}</strong>${l.url ? html`<br /><small class="muted dns-url">${l.url}</small>` : null}` },
    { key: "kind", label: t("Type"), render: (l) => html`${l.kind === "url" ? t("Abonnement") : t("Locale")} · <span class=${l.mode === "allow" ? "tag tag-ok" : "tag"}>${l.mode === "allow" ? t("autorisation") : t("blocage")}</span>` },
    { key: "rules", label: t("Règles"), sort: (l) => l.ruleCount, render: (l) => html`${num(l.ruleCount)}${l.ignoredCount + l.invalidCount ? html`<br /><small class="muted">${t("{n} ligne(s) ignorée(s)", { n: num(l.ignoredCount + l.invalidCount) })}</small>` : null}` },
    { key: "refresh", label: t("Dernière mise à jour"), sort: (l) => l.lastSuccessAt, render: (l) => html`${l.kind === "url" ? dateTime(l.lastSuccessAt) : "—"}${l.loadSeconds !== null ? html`<br /><small class="muted">${t("chargée en {s} s", { s: l.loadSeconds.toFixed(2).replace(".", ",") })}</small>` : null}` },
    {
      key: "state",
      label: t("État"),
      render: (l) => html`${!l.enabled ? html`<span class="tag">${t("désactivée")}</span>` : l.lastError ? html`<span class="tag tag-error">${t("erreur")}</span>` : html`<span class="tag tag-ok">${t("active")}</span>`}
        ${l.lastError ? html`<br /><small class="dns-error">${l.lastError}</small>` : null}`,
    },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (l) => html`${l.kind === "url" ? html`<button type="button" class="btn btn-small btn-secondary" disabled=${refresh.busy} onClick=${() => void refresh.run(l)}>${t("Mettre à jour")}</button>` : null}
        <button type="button" class="btn btn-small btn-secondary" onClick=${() => void toggle.run(l)}>${l.enabled ? t("Désactiver") : t("Activer")}</button>
        <button type="button" class="btn btn-small btn-secondary" onClick=${() => setTarget({ kind: "edit", list: l })}>${t("Modifier")}</button>
        <button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => (remove.setError(null), setRemoving(l))}>${t("Supprimer")}</button>`,
    },
  ];
  return html`<section class="page">
    <h1>${t("Listes de filtrage")}</h1>
    <p class="lead">${t("Une nouvelle liste s'applique au groupe « Par défaut » ; choisissez les listes de chaque groupe dans la page Groupes.")}</p>
    <${ErrorBanner} error=${lists.error ?? refresh.error ?? toggle.error} />
    <${Table} caption=${t("Listes de filtrage")} columns=${columns} rows=${lists.data ?? []} rowKey=${(l: DnsList) => l.id} loading=${lists.loading} failed=${!!lists.error} empty=${t("Aucune liste : ajoutez un abonnement (par exemple une liste hosts) ou une liste locale.")} />
    <div class="form-actions"><button type="button" class="btn btn-primary" onClick=${() => setTarget({ kind: "new" })}>${t("Ajouter une liste")}</button></div>
    <${ListDialog} target=${target} onClose=${() => setTarget(null)} onDone=${() => void lists.reload()} />
    <${Confirm} open=${!!removing} title=${t("Supprimer la liste")} confirmLabel=${t("Supprimer")} busy=${remove.busy}
      message=${t("« {name} » sera retirée de tous les groupes.", { name: removing?.name ?? "" })} onConfirm=${() => void remove.run()} onClose=${() => setRemoving(null)}>
      <${ErrorBanner} error=${remove.error} />
    <//>
  </section>`;
}
