/** System page panels: outgoing e-mail queue (with retry) and periodic jobs. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { get, post } from "../../lib/api";
import { useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateTime, duration, num } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Select } from "../../components/field";
import { attempt, ErrorBanner } from "../../components/toast";

/** An outbox row as the admin sees it (never the body: it may hold links). */
interface Mail {
  id: string;
  to: string;
  subject: string;
  status: "pending" | "sent" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
  sentAt: string | null;
  createdAt: string;
  scope: "organisation" | "appliance";
}

interface Outbox {
  sender: { state: "disabled" | "stopped" | "running" };
  counts: { pending: number; sent: number; failed: number };
  items: Mail[];
  nextBefore: string | null;
}

const MAIL_STATUS: Record<string, { label: string; cls: string }> = {
  pending: { label: "en attente", cls: "tag-warn" },
  sent: { label: "envoyé", cls: "tag-ok" },
  failed: { label: "en échec", cls: "tag-error" },
};
const SENDER: Record<string, string> = {
  disabled: "Aucun serveur SMTP configuré (GUICHET_SMTP_URL) : les e-mails restent en file d'attente.",
  stopped: "L'envoi des e-mails est arrêté.",
  running: "L'envoi des e-mails fonctionne.",
};

/** The outgoing e-mail panel. */
export function MailPanel() {
  const org = currentOrg.value!;
  const [status, setStatus] = useState("");
  const [cursors, setCursors] = useState<string[]>([]);
  const before = cursors[cursors.length - 1];
  const box = useLoad(() => get<Outbox>("mail/outbox", { status, before, limit: 20 }), [org.id, status, before]);
  const [busy, setBusy] = useState(false);
  const retry = async (m: Mail) => {
    setBusy(true);
    await attempt(async () => {
      await post(`mail/outbox/${m.id}/retry`);
      await box.reload();
    }, t("Nouvel essai d'envoi à {to} programmé.", { to: m.to }));
    setBusy(false);
  };
  const d = box.data;
  const columns: Column<Mail>[] = [
    { key: "createdAt", label: t("Créé le"), sort: (m) => m.createdAt, render: (m) => dateTime(m.createdAt) },
    { key: "to", label: t("Destinataire"), sort: (m) => m.to },
    { key: "subject", label: t("Objet"), sort: (m) => m.subject },
    { key: "status", label: t("État"), sort: (m) => m.status, render: (m) => html`<span class=${"tag " + (MAIL_STATUS[m.status]?.cls ?? "")}>${t(MAIL_STATUS[m.status]?.label ?? m.status)}</span>` },
    {
      key: "attempts",
      label: t("Essais"),
      sort: (m) => m.attempts,
      render: (m) => html`${num(m.attempts)}${m.lastError ? html`<br /><small class="field-error">${m.lastError}</small>` : null}${m.status === "pending" && m.nextAttemptAt ? html`<br /><small class="muted">${t("prochain : {d}", { d: dateTime(m.nextAttemptAt) })}</small>` : null}`,
    },
    { key: "actions", label: t("Actions"), class: "actions", render: (m) => (m.status === "sent" ? null : html`<button type="button" class="btn btn-small btn-secondary" disabled=${busy} onClick=${() => void retry(m)}>${t("Réessayer")}</button>`) },
  ];
  return html`<section class="panel" aria-labelledby="mail-title">
    <h2 id="mail-title">${t("E-mails envoyés par le Guichet")}</h2>
    <${ErrorBanner} error=${box.error} />
    ${d
      ? html`<p class=${"banner " + (d.sender.state === "running" ? "banner-success" : "banner-warning")}>${t(SENDER[d.sender.state] ?? d.sender.state)}</p>
          <p>${t("{p} en attente, {s} envoyés, {f} en échec.", { p: num(d.counts.pending), s: num(d.counts.sent), f: num(d.counts.failed) })}</p>`
      : null}
    <div class="narrow-form">
      <${Select} label=${t("Afficher")} name="mailStatus" value=${status} onChange=${(v: string) => (setCursors([]), setStatus(v))}
        options=${[{ value: "", label: t("Tous les messages") }, { value: "pending", label: t("En attente") }, { value: "failed", label: t("En échec") }, { value: "sent", label: t("Envoyés") }]} />
    </div>
    <${Table} caption=${t("File d'envoi des e-mails")} columns=${columns} rows=${d?.items ?? []} rowKey=${(m: Mail) => m.id} loading=${box.loading} failed=${!!box.error} empty=${t("Aucun message.")} />
    <div class="form-actions spread">
      <button type="button" class="btn btn-secondary" disabled=${!cursors.length} onClick=${() => setCursors(cursors.slice(0, -1))}>← ${t("Plus récents")}</button>
      <button type="button" class="btn btn-secondary" disabled=${!d?.nextBefore} onClick=${() => d?.nextBefore && setCursors([...cursors, d.nextBefore])}>${t("Plus anciens")} →</button>
    </div>
  </section>`;
}

/** A periodic job (GET /api/jobs). */
interface Job {
  name: string;
  label: string;
  everyMs: number;
  running: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
  lastDurationMs: number | null;
}

/** The periodic jobs panel. */
export function JobsPanel() {
  const jobs = useLoad(() => get<Job[]>("jobs"), []);
  const columns: Column<Job>[] = [
    { key: "label", label: t("Tâche"), sort: (j) => j.label, render: (j) => html`<strong>${j.label}</strong><br /><small class="muted mono">${j.name}</small>` },
    { key: "every", label: t("Fréquence"), sort: (j) => j.everyMs, render: (j) => t("toutes les {d}", { d: duration(Math.round(j.everyMs / 1000)) }) },
    {
      key: "last",
      label: t("Dernière exécution"),
      sort: (j) => j.lastRunAt,
      render: (j) =>
        j.running
          ? html`<span class="tag tag-warn">${t("en cours")}</span>`
          : j.lastRunAt
            ? html`${dateTime(j.lastRunAt)} <span class=${"tag " + (j.lastStatus === "ok" ? "tag-ok" : "tag-error")}>${j.lastStatus === "ok" ? t("réussie") : t("en échec")}</span>${j.lastError ? html`<br /><small class="field-error">${j.lastError}</small>` : null}`
            : t("jamais"),
    },
    { key: "next", label: t("Prochaine"), sort: (j) => j.nextRunAt, render: (j) => dateTime(j.nextRunAt) },
  ];
  return html`<section class="panel" aria-labelledby="jobs-title">
    <h2 id="jobs-title">${t("Tâches périodiques")}</h2>
    <${ErrorBanner} error=${jobs.error} />
    <${Table} caption=${t("Tâches périodiques")} columns=${columns} rows=${jobs.data ?? []} rowKey=${(j: Job) => j.name} loading=${jobs.loading} failed=${!!jobs.error} empty=${t("Aucune tâche déclarée.")} />
  </section>`;
}
