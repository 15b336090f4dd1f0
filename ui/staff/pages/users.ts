/** Users page: members (role and module roles), pending invitations + invite form, API tokens. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, patch } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { moduleRoleLabel, roleLabel, t } from "../../lib/i18n";
import { dateOnly } from "../../lib/format";
import { currentOrg, hasRole, loadMe, me } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Modal, Confirm } from "../../components/modal";
import { CheckboxGroup, Select, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import { InvitationsSection } from "./users-invitations";
import { TokensSection } from "./users-tokens";

/** A member row (GET /api/org/members). */
export interface Member {
  id: string;
  userId: string;
  name: string;
  email: string;
  role: string;
  moduleRoles: string[];
  totp: boolean;
  createdAt: string;
}

/** Roles and module roles the server knows (GET /api/roles). */
export interface RolesInfo {
  roles: string[];
  moduleRoles: string[];
}

function EditMember({ member, roles, onClose, onSaved }: { member: Member; roles: RolesInfo; onClose: () => void; onSaved: () => void }) {
  const [role, setRole] = useState(member.role);
  const [moduleRoles, setModuleRoles] = useState(member.moduleRoles);
  const action = useAction(async () => {
    await patch(`org/members/${member.id}`, { role, moduleRoles });
    toast(t("Rôles de {name} enregistrés.", { name: member.name }));
    if (member.userId === me.value?.id) await loadMe();
    onSaved();
  });
  return html`<${Modal} open title=${t("Rôles de {name}", { name: member.name })} onClose=${onClose}>
    <form onSubmit=${(e: Event) => (e.preventDefault(), void action.run())}>
      <${ErrorBanner} error=${action.error} shownFields=${["role", "moduleRoles"]} />
      <${Select} label=${t("Rôle dans l'organisation")} name="role" value=${role} onChange=${setRole} error=${action.fields.role}
        options=${roles.roles.map((r) => ({ value: r, label: roleLabel(r) }))} />
      <${CheckboxGroup} label=${t("Rôles de module")} name="moduleRoles" values=${moduleRoles} onChange=${setModuleRoles} error=${action.fields.moduleRoles}
        hint=${t("Donnent accès à un module sans être administrateur.")}
        options=${roles.moduleRoles.map((r) => ({ value: r, label: moduleRoleLabel(r) }))} />
      <div class="form-actions">
        <button type="button" class="btn btn-secondary" onClick=${onClose}>${t("Annuler")}</button>
        <${Submit} label=${t("Enregistrer")} busy=${action.busy} />
      </div>
    </form>
  <//>`;
}

function MembersSection({ roles }: { roles: RolesInfo | undefined }) {
  const org = currentOrg.value!;
  const members = useLoad(() => get<Member[]>("org/members"), [org.id]);
  const [editing, setEditing] = useState<Member | null>(null);
  const [removing, setRemoving] = useState<Member | null>(null);
  const admin = hasRole("admin");
  const remove = useAction(async () => {
    await del(`org/members/${removing!.id}`);
    toast(t("{name} a été retiré de l'organisation.", { name: removing!.name }));
    setRemoving(null);
    await members.reload();
  });
  const columns: Column<Member>[] = [
    {
      key: "name",
      label: t("Nom"),
      sort: (m) => m.name,
      render: (m) => html`<strong>${m.name}</strong>${m.userId === me.value?.id ? html` <span class="tag">${t("vous")}</span>` : null}<br /><small class="muted">${m.email}</small>`,
    },
    { key: "role", label: t("Rôle"), sort: (m) => m.role, render: (m) => roleLabel(m.role) },
    { key: "moduleRoles", label: t("Rôles de module"), render: (m) => (m.moduleRoles.length ? m.moduleRoles.map(moduleRoleLabel).join(", ") : html`<span class="muted">—</span>`) },
    { key: "totp", label: t("2FA"), sort: (m) => (m.totp ? 1 : 0), render: (m) => (m.totp ? html`<span class="tag tag-ok">${t("activée")}</span>` : html`<span class="tag">${t("non")}</span>`) },
    { key: "createdAt", label: t("Membre depuis"), sort: (m) => m.createdAt, render: (m) => dateOnly(m.createdAt) },
  ];
  if (admin)
    columns.push({
      key: "actions",
      label: t("Actions"),
      class: "actions",
      render: (m) => html`<button type="button" class="btn btn-small btn-secondary" disabled=${!roles} aria-label=${t("Modifier les rôles de {name}", { name: m.name })} onClick=${() => setEditing(m)}>${t("Rôles")}</button>
        <button type="button" class="btn btn-small btn-danger-ghost" aria-label=${t("Retirer {name}", { name: m.name })} onClick=${() => (remove.setError(null), setRemoving(m))}>${t("Retirer")}</button>`,
    });
  return html`<section class="panel" aria-labelledby="members-title">
    <h2 id="members-title">${t("Membres")}</h2>
    <${ErrorBanner} error=${members.error} />
    <${Table} caption=${t("Membres de l'organisation")} columns=${columns} rows=${members.data ?? []} rowKey=${(m: Member) => m.id}
      loading=${members.loading} failed=${!!members.error} empty=${t("Aucun membre.")} initialSort=${{ key: "name", dir: "asc" }} />
    ${editing && roles ? html`<${EditMember} member=${editing} roles=${roles} onClose=${() => setEditing(null)} onSaved=${() => (setEditing(null), void members.reload())} />` : null}
    <${Confirm} open=${!!removing} title=${t("Retirer un membre")} confirmLabel=${t("Retirer")} busy=${remove.busy}
      message=${t("{name} n'aura plus accès à {org}. Son compte reste actif pour ses autres organisations.", { name: removing?.name ?? "", org: org.name })}
      onConfirm=${() => void remove.run()} onClose=${() => setRemoving(null)}>
      <${ErrorBanner} error=${remove.error} />
    <//>
  </section>`;
}

/** The users page. */
export function UsersPage() {
  const roles = useLoad(() => get<RolesInfo>("roles"), []);
  const admin = hasRole("admin");
  return html`<section class="page">
    <h1>${t("Utilisateurs")}</h1>
    <p class="lead">${t("Les personnes qui ont accès au Guichet de {org}, leurs rôles, les invitations envoyées et les jetons d'API.", { org: currentOrg.value!.name })}</p>
    <${ErrorBanner} error=${roles.error} />
    <${MembersSection} roles=${roles.data} />
    ${admin ? html`<${InvitationsSection} roles=${roles.data} /><${TokensSection} roles=${roles.data} />` : null}
  </section>`;
}
