/** The user's open sessions (browsers where they are logged in), with revoke; revoking this one logs out. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { browserOf, dateTime } from "../../lib/format";
import { loadMe } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Confirm } from "../../components/modal";
import { ErrorBanner, toast } from "../../components/toast";

/** A session row (GET /api/auth/sessions). */
interface Session {
  id: string;
  ip: string | null;
  userAgent: string | null;
  createdAt: string;
  lastSeenAt: string;
  current: boolean;
}

/** The sessions panel. */
export function SessionsSection() {
  const list = useLoad(() => get<Session[]>("auth/sessions"), []);
  const [revoking, setRevoking] = useState<Session | null>(null);
  const revoke = useAction(async () => {
    const s = revoking!;
    await del(`auth/sessions/${s.id}`);
    setRevoking(null);
    if (s.current) {
      // This browser's own session: the server no longer knows us.
      await loadMe();
      return;
    }
    toast(t("Session fermée."));
    await list.reload();
  });
  const columns: Column<Session>[] = [
    { key: "ua", label: t("Navigateur"), sort: (s) => browserOf(s.userAgent), render: (s) => html`${browserOf(s.userAgent)}${s.current ? html` <span class="tag tag-ok">${t("cette session")}</span>` : null}` },
    { key: "ip", label: t("Adresse IP"), sort: (s) => s.ip, render: (s) => s.ip ?? "—" },
    { key: "createdAt", label: t("Ouverte le"), sort: (s) => s.createdAt, render: (s) => dateTime(s.createdAt) },
    { key: "lastSeenAt", label: t("Dernière activité"), sort: (s) => s.lastSeenAt, render: (s) => dateTime(s.lastSeenAt) },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (s) => html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => (revoke.setError(null), setRevoking(s))}>${s.current ? t("Fermer (déconnexion)") : t("Fermer")}</button>`,
    },
  ];
  return html`<section class="panel" aria-labelledby="sessions-title">
    <h2 id="sessions-title">${t("Sessions actives")}</h2>
    <p class="hint">${t("Fermez une session que vous ne reconnaissez pas, puis changez votre mot de passe.")}</p>
    <${ErrorBanner} error=${list.error} />
    <${Table} caption=${t("Sessions actives")} columns=${columns} rows=${list.data ?? []} rowKey=${(s: Session) => s.id} loading=${list.loading} failed=${!!list.error}
      empty=${t("Aucune session active.")} initialSort=${{ key: "lastSeenAt", dir: "desc" }} />
    <${Confirm} open=${!!revoking} title=${t("Fermer la session")} confirmLabel=${t("Fermer la session")} busy=${revoke.busy}
      message=${revoking?.current ? t("C'est la session de ce navigateur : vous serez déconnecté.") : t("Ce navigateur devra se reconnecter.")}
      onConfirm=${() => void revoke.run()} onClose=${() => setRevoking(null)}>
      <${ErrorBanner} error=${revoke.error} />
    <//>
  </section>`;
}
