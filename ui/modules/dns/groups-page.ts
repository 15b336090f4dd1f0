/** Client groups: who (addresses, ranges, MAC, EPN workstations and sessions) gets which lists, SafeSearch and hours. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, patch, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Confirm, Modal } from "../../components/modal";
import { CheckboxGroup, Field, Select, Submit, TextArea } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import { WEEKDAYS, type DnsGroup, type DnsList, type Schedule } from "./api";

const SESSION_LABELS: Record<string, string> = { "": "Ne pas tenir compte des sessions", any: "Toute session EPN", minor: "Session d'un mineur", adult: "Session d'un adulte" };

/** "08:30-12:00, 14:00-18:00" ↔ [["08:30","12:00"],["14:00","18:00"]]. */
const windowsText = (w: [string, string][] | undefined) => (w ?? []).map(([a, b]) => `${a}-${b}`).join(", ");
/** "8", "8h", "8h30", "8:30" → "08:30"-style; anything else is sent as typed (the server explains). */
function hhmm(h: string) {
  const m = /^(\d{1,2})(?:[:h](\d{2})?)?$/.exec(h.trim());
  return m ? `${m[1]!.padStart(2, "0")}:${m[2] ?? "00"}` : h.trim();
}
function parseWindows(s: string): [string, string][] {
  return s
    .split(/[,;]/)
    .map((x) => x.trim())
    .filter(Boolean)
    .map((x) => {
      const [a = "", b = ""] = x.split(/\s*[-–à]\s*/);
      return [hhmm(a), hhmm(b)] as [string, string];
    });
}

function GroupDialog({ target, lists, onClose, onDone }: { target: DnsGroup | "new" | null; lists: DnsList[]; onClose: () => void; onDone: () => void }) {
  const g = target && target !== "new" ? target : null;
  const [name, setName] = useState("");
  const [clients, setClients] = useState("");
  const [session, setSession] = useState("");
  const [listIds, setListIds] = useState<string[]>([]);
  const [safe, setSafe] = useState(false);
  const [useHours, setUseHours] = useState(false);
  const [days, setDays] = useState<Record<string, string>>({});
  const action = useAction(async () => {
    const schedule: Schedule | null = useHours ? Object.fromEntries(WEEKDAYS.map(([d]) => [d, parseWindows(days[d] ?? "")]).filter(([, w]) => (w as unknown[]).length)) : null;
    const body = {
      name,
      listIds,
      safeSearch: safe,
      schedule,
      ...(g?.isDefault ? {} : { clients: clients.split(/[\s,;]+/).filter(Boolean), epnSession: session || null }),
    };
    if (g) await patch(`dns/groups/${g.id}`, body);
    else await post("dns/groups", body);
    toast(t("Groupe « {name} » enregistré.", { name }));
    onDone();
    onClose();
  });
  useEffect(() => {
    if (!target) return;
    action.setError(null);
    setName(g?.name ?? "");
    setClients((g?.clients ?? []).join("\n"));
    setSession(g?.epnSession ?? "");
    setListIds(g?.listIds ?? []);
    setSafe(g?.safeSearch ?? false);
    setUseHours(!!g?.schedule);
    setDays(Object.fromEntries(WEEKDAYS.map(([d]) => [d, windowsText(g?.schedule?.[d])])));
  }, [target]);
  return html`<${Modal} open=${!!target} title=${g ? t("Modifier le groupe") : t("Nouveau groupe")} onClose=${onClose} wide>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate>
      <${ErrorBanner} error=${action.error} shownFields=${["name", "clients", "epnSession", "listIds", "schedule"]} />
      <${Field} label=${t("Nom du groupe")} name="groupName" value=${name} onInput=${setName} required maxlength=${100} error=${action.fields.name} autofocus />
      ${g?.isDefault
        ? html`<p class="hint">${t("Le groupe par défaut s'applique à tous les clients qu'aucun autre groupe ne réclame.")}</p>`
        : html`<${TextArea} label=${t("Clients")} name="groupClients" value=${clients} onInput=${setClients} rows=${4} error=${action.fields.clients}
              hint=${t("Un par ligne : adresse IP (192.168.1.20), plage (192.168.10.0/24), adresse MAC (52:54:00:12:34:56) ou poste EPN (poste:<identifiant>).")} />
            <${Select} label=${t("Sessions EPN")} name="groupSession" value=${session} onChange=${setSession} error=${action.fields.epnSession}
              options=${Object.entries(SESSION_LABELS).map(([value, label]) => ({ value, label: t(label) }))} />`}
      <${CheckboxGroup} label=${t("Listes appliquées")} name="groupLists" values=${listIds} onChange=${setListIds} error=${action.fields.listIds}
        options=${lists.map((l) => ({ value: l.id, label: `${l.name} (${l.mode === "allow" ? t("autorisation") : t("blocage")})` }))} empty=${t("Aucune liste pour l'instant.")} />
      <div class="dns-checks">
        <label class="check"><input type="checkbox" name="groupSafe" checked=${safe} onChange=${(e: Event) => setSafe((e.target as HTMLInputElement).checked)} /><span>${t("Imposer la recherche sécurisée (Google, Bing, YouTube, DuckDuckGo)")}</span></label>
        <label class="check"><input type="checkbox" name="groupHours" checked=${useHours} onChange=${(e: Event) => setUseHours((e.target as HTMLInputElement).checked)} /><span>${t("N'autoriser Internet qu'aux horaires d'ouverture")}</span></label>
      </div>
      ${useHours
        ? html`<fieldset class="dns-week">
            <legend>${t("Horaires d'ouverture (heure de Paris) ; un jour vide est fermé")}</legend>
            ${WEEKDAYS.map(([d, label]) => html`<${Field} key=${d} label=${t(label)} name=${"day" + d} value=${days[d] ?? ""} onInput=${(v: string) => setDays({ ...days, [d]: v })} placeholder="08:30-12:00, 13:30-18:00" />`)}
            ${action.fields.schedule ? html`<p class="field-error">${action.fields.schedule}</p>` : null}
          </fieldset>`
        : null}
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick=${onClose}>${t("Annuler")}</button>
        <${Submit} label=${t("Enregistrer")} busy=${action.busy} />
      </div>
    </form>
  <//>`;
}

/** The page. */
export function DnsGroupsPage() {
  const org = currentOrg.value!;
  const groups = useLoad(() => get<DnsGroup[]>("dns/groups"), [org.id]);
  const lists = useLoad(() => get<DnsList[]>("dns/lists"), [org.id]);
  const [target, setTarget] = useState<DnsGroup | "new" | null>(null);
  const [removing, setRemoving] = useState<DnsGroup | null>(null);
  const remove = useAction(async () => {
    if (!removing) return;
    await del(`dns/groups/${removing.id}`);
    toast(t("Groupe « {name} » supprimé.", { name: removing.name }));
    setRemoving(null);
    await groups.reload();
  });
  const listName = (id: string) => lists.data?.find((l) => l.id === id)?.name ?? "?";
  const who = (g: DnsGroup) => {
    if (g.isDefault) return html`<em>${t("tous les autres clients")}</em>`;
    const parts = [...g.clients];
    if (g.epnSession) parts.push(t(SESSION_LABELS[g.epnSession]!).toLowerCase());
    return parts.length ? parts.join(", ") : html`<span class="muted">${t("personne")}</span>`;
  };
  const columns: Column<DnsGroup>[] = [
    { key: "name", label: t("Groupe"), render: (g) => html`<strong>${g.name}</strong>` },
    { key: "who", label: t("Clients"), render: who },
    { key: "lists", label: t("Listes"), render: (g) => (g.listIds.length ? g.listIds.map(listName).join(", ") : html`<span class="muted">${t("aucune")}</span>`) },
    { key: "safe", label: t("Recherche sécurisée"), render: (g) => (g.safeSearch ? html`<span class="tag tag-ok">${t("oui")}</span>` : t("non")) },
    { key: "hours", label: t("Horaires"), render: (g) => (g.schedule ? WEEKDAYS.filter(([d]) => g.schedule![d]?.length).map(([d, l]) => `${t(l).slice(0, 3)}. ${windowsText(g.schedule![d])}`).join(" · ") || t("toujours fermé") : t("toujours ouvert")) },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (g) => html`<button type="button" class="btn btn-small btn-secondary" onClick=${() => setTarget(g)}>${t("Modifier")}</button>
        ${g.isDefault ? null : html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => (remove.setError(null), setRemoving(g))}>${t("Supprimer")}</button>`}`,
    },
  ];
  return html`<section class="page">
    <h1>${t("Groupes de clients")}</h1>
    <p class="lead">${t("Chaque client reçoit la politique du premier groupe qui le réclame, dans l'ordre ci-dessous ; le groupe par défaut vient toujours en dernier.")}</p>
    <${ErrorBanner} error=${groups.error ?? lists.error} />
    <${Table} caption=${t("Groupes de clients")} columns=${columns} rows=${groups.data ?? []} rowKey=${(g: DnsGroup) => g.id} loading=${groups.loading} failed=${!!groups.error} empty=${t("Aucun groupe.")} />
    <div class="form-actions"><button type="button" class="btn btn-primary" onClick=${() => setTarget("new")}>${t("Nouveau groupe")}</button></div>
    <${GroupDialog} target=${target} lists=${lists.data ?? []} onClose=${() => setTarget(null)} onDone=${() => void groups.reload()} />
    <${Confirm} open=${!!removing} title=${t("Supprimer le groupe")} confirmLabel=${t("Supprimer")} busy=${remove.busy}
      message=${t("Les clients de « {name} » recevront la politique du groupe suivant qui les réclame.", { name: removing?.name ?? "" })} onConfirm=${() => void remove.run()} onClose=${() => setRemoving(null)}>
      <${ErrorBanner} error=${remove.error} />
    <//>
  </section>`;
}
