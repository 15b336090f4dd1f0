/** Pending invitations of the organisation, the invite form, and cancelling an invitation. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { moduleRoleLabel, roleLabel, t } from "../../lib/i18n";
import { dateTime } from "../../lib/format";
import { isEmail } from "../../lib/validate";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Confirm } from "../../components/modal";
import { CheckboxGroup, Field, Select, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import type { RolesInfo } from "./users";

/** A pending invitation (GET /api/org/invitations). */
interface Invitation {
  id: string;
  email: string;
  role: string;
  moduleRoles: string[];
  expiresAt: string;
  createdAt: string;
}

function InviteForm({ roles, onSent }: { roles: RolesInfo | undefined; onSent: () => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState("member");
  const [moduleRoles, setModuleRoles] = useState<string[]>([]);
  const [local, setLocal] = useState<string | null>(null);
  const action = useAction(async () => {
    await post("org/invitations", { email, role, moduleRoles });
    toast(t("Invitation envoyée à {email}.", { email: email.trim() }));
    setEmail("");
    setModuleRoles([]);
    onSent();
  });
  const submit = (e: Event) => {
    e.preventDefault();
    if (!isEmail(email)) return setLocal(t("Adresse e-mail invalide."));
    setLocal(null);
    void action.run();
  };
  // An owner may invite owners; the server refuses it to others with a clear message.
  const roleOptions = (roles?.roles ?? ["admin", "manager", "member"]).map((r) => ({ value: r, label: roleLabel(r) }));
  return html`<form class="inline-form" onSubmit=${submit} noValidate aria-labelledby="invite-title">
    <h3 id="invite-title">${t("Inviter une personne")}</h3>
    <${ErrorBanner} error=${action.error} shownFields=${["email", "role", "moduleRoles"]} />
    <div class="form-row">
      <${Field} label=${t("Adresse e-mail")} name="inviteEmail" type="email" value=${email} onInput=${setEmail} required autocomplete="off" error=${local ?? action.fields.email} maxlength=${254} />
      <${Select} label=${t("Rôle")} name="inviteRole" value=${role} onChange=${setRole} options=${roleOptions} error=${action.fields.role} />
    </div>
    <${CheckboxGroup} label=${t("Rôles de module (facultatif)")} name="inviteModuleRoles" values=${moduleRoles} onChange=${setModuleRoles} error=${action.fields.moduleRoles}
      options=${(roles?.moduleRoles ?? []).map((r) => ({ value: r, label: moduleRoleLabel(r) }))} />
    <p class="hint">${t("La personne reçoit un lien valable 7 jours par e-mail.")}</p>
    <div class="form-actions"><${Submit} label=${t("Envoyer l'invitation")} busy=${action.busy} busyLabel=${t("Envoi…")} /></div>
  </form>`;
}

/** The invitations panel. */
export function InvitationsSection({ roles }: { roles: RolesInfo | undefined }) {
  const org = currentOrg.value!;
  const list = useLoad(() => get<Invitation[]>("org/invitations"), [org.id]);
  const [cancelling, setCancelling] = useState<Invitation | null>(null);
  const cancel = useAction(async () => {
    await del(`org/invitations/${cancelling!.id}`);
    toast(t("Invitation de {email} annulée.", { email: cancelling!.email }));
    setCancelling(null);
    await list.reload();
  });
  const columns: Column<Invitation>[] = [
    { key: "email", label: t("E-mail"), sort: (i) => i.email },
    { key: "role", label: t("Rôle"), sort: (i) => i.role, render: (i) => roleLabel(i.role) },
    { key: "moduleRoles", label: t("Rôles de module"), render: (i) => (i.moduleRoles.length ? i.moduleRoles.map(moduleRoleLabel).join(", ") : "—") },
    { key: "createdAt", label: t("Envoyée le"), sort: (i) => i.createdAt, render: (i) => dateTime(i.createdAt) },
    { key: "expiresAt", label: t("Expire le"), sort: (i) => i.expiresAt, render: (i) => dateTime(i.expiresAt) },
    {
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (i) => html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => (cancel.setError(null), setCancelling(i))}>${t("Annuler l'invitation")}</button>`,
    },
  ];
  return html`<section class="panel" aria-labelledby="invitations-title">
    <h2 id="invitations-title">${t("Invitations en attente")}</h2>
    <${ErrorBanner} error=${list.error} />
    <${Table} caption=${t("Invitations en attente")} columns=${columns} rows=${list.data ?? []} rowKey=${(i: Invitation) => i.id}
      loading=${list.loading} failed=${!!list.error} empty=${t("Aucune invitation en attente.")} />
    <${InviteForm} roles=${roles} onSent=${() => void list.reload()} />
    <${Confirm} open=${!!cancelling} title=${t("Annuler l'invitation")} confirmLabel=${t("Annuler l'invitation")} busy=${cancel.busy}
      message=${t("Le lien envoyé à {email} ne fonctionnera plus.", { email: cancelling?.email ?? "" })}
      onConfirm=${() => void cancel.run()} onClose=${() => setCancelling(null)}>
      <${ErrorBanner} error=${cancel.error} />
    <//>
  </section>`;
}
