/** API tokens for scripts: list, create (the secret is shown once), revoke. */
import { useState } from "preact/hooks";
import { html } from "../../lib/html";
import { del, get, post } from "../../lib/api";
import { useAction, useLoad } from "../../lib/hooks";
import { roleLabel, t } from "../../lib/i18n";
import { dateOnly, dateTime } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { Table, type Column } from "../../components/table";
import { Confirm, Modal } from "../../components/modal";
import { Field, Select, Submit } from "../../components/field";
import { ErrorBanner, toast } from "../../components/toast";
import type { RolesInfo } from "./users";

/** A token as listed (never its secret). */
interface Token {
  id: string;
  name: string;
  scope: "read" | "write";
  role: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  createdAt: string;
}

function scopeLabel(s: string) {
  return s === "write" ? t("lecture et écriture") : t("lecture seule");
}

function CreateForm({ roles, onCreated }: { roles: RolesInfo | undefined; onCreated: (secret: string, name: string) => void }) {
  const [name, setName] = useState("");
  const [scope, setScope] = useState("read");
  const [role, setRole] = useState("member");
  const [expires, setExpires] = useState("");
  const action = useAction(async () => {
    // A date field gives "2026-12-31": the token ends at the end of that day, local time.
    const expiresAt = expires ? new Date(expires + "T23:59:59").toISOString() : null;
    const r = await post<{ token: string; name: string }>("org/tokens", { name, scope, role, expiresAt });
    setName("");
    setExpires("");
    onCreated(r.token, r.name);
  });
  return html`<form class="inline-form" onSubmit=${(e: Event) => (e.preventDefault(), void action.run())} noValidate aria-labelledby="token-form-title">
    <h3 id="token-form-title">${t("Créer un jeton")}</h3>
    <${ErrorBanner} error=${action.error} shownFields=${["name", "scope", "role", "expiresAt"]} />
    <div class="form-row">
      <${Field} label=${t("Nom du jeton")} name="tokenName" value=${name} onInput=${setName} required error=${action.fields.name} maxlength=${100} hint=${t("Par exemple : sauvegarde nocturne")} />
      <${Select} label=${t("Portée")} name="tokenScope" value=${scope} onChange=${setScope} error=${action.fields.scope}
        options=${[{ value: "read", label: scopeLabel("read") }, { value: "write", label: scopeLabel("write") }]} />
      <${Select} label=${t("Rôle")} name="tokenRole" value=${role} onChange=${setRole} error=${action.fields.role}
        options=${(roles?.roles ?? ["member"]).map((r) => ({ value: r, label: roleLabel(r) }))} />
      <${Field} label=${t("Expire le (facultatif)")} name="tokenExpires" type="date" value=${expires} onInput=${setExpires} error=${action.fields.expiresAt} />
    </div>
    <div class="form-actions"><${Submit} label=${t("Créer le jeton")} busy=${action.busy} /></div>
  </form>`;
}

/** The API tokens panel. */
export function TokensSection({ roles }: { roles: RolesInfo | undefined }) {
  const org = currentOrg.value!;
  const list = useLoad(() => get<Token[]>("org/tokens"), [org.id]);
  const [secret, setSecret] = useState<{ token: string; name: string } | null>(null);
  const [revoking, setRevoking] = useState<Token | null>(null);
  const revoke = useAction(async () => {
    await del(`org/tokens/${revoking!.id}`);
    toast(t("Jeton « {name} » révoqué.", { name: revoking!.name }));
    setRevoking(null);
    await list.reload();
  });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret!.token);
      toast(t("Jeton copié dans le presse-papiers."));
    } catch {
      toast(t("Copie impossible : sélectionnez le jeton et copiez-le à la main."), "error");
    }
  };
  const columns: Column<Token>[] = [
    { key: "name", label: t("Nom"), sort: (k) => k.name },
    { key: "scope", label: t("Portée"), sort: (k) => k.scope, render: (k) => scopeLabel(k.scope) },
    { key: "role", label: t("Rôle"), sort: (k) => k.role, render: (k) => roleLabel(k.role) },
    { key: "createdAt", label: t("Créé le"), sort: (k) => k.createdAt, render: (k) => dateOnly(k.createdAt) },
    { key: "lastUsedAt", label: t("Dernière utilisation"), sort: (k) => k.lastUsedAt, render: (k) => (k.lastUsedAt ? dateTime(k.lastUsedAt) : t("jamais")) },
    { key: "expiresAt", label: t("Expiration"), sort: (k) => k.expiresAt, render: (k) => (k.expiresAt ? dateOnly(k.expiresAt) : t("aucune")) },
    { key: "actions", label: t("Actions"), class: "actions", render: (k) => html`<button type="button" class="btn btn-small btn-danger-ghost" onClick=${() => (revoke.setError(null), setRevoking(k))}>${t("Révoquer")}</button>` },
  ];
  return html`<section class="panel" aria-labelledby="tokens-title">
    <h2 id="tokens-title">${t("Jetons d'API")}</h2>
    <p class="hint">${t("Pour les scripts : en-tête « Authorization: Bearer <jeton> ». Un jeton n'a jamais plus de droits que son créateur.")}</p>
    <${ErrorBanner} error=${list.error} />
    <${Table} caption=${t("Jetons d'API")} columns=${columns} rows=${list.data ?? []} rowKey=${(k: Token) => k.id} loading=${list.loading} failed=${!!list.error} empty=${t("Aucun jeton d'API.")} />
    <${CreateForm} roles=${roles} onCreated=${(token: string, name: string) => (setSecret({ token, name }), void list.reload())} />
    <${Modal} open=${!!secret} title=${t("Jeton « {name} » créé", { name: secret?.name ?? "" })} onClose=${() => setSecret(null)}
      actions=${html`<button type="button" class="btn btn-secondary" onClick=${copy}>${t("Copier")}</button>
        <button type="button" class="btn btn-primary" onClick=${() => setSecret(null)}>${t("J'ai noté le jeton")}</button>`}>
      <p class="banner banner-warning">${t("Copiez ce jeton maintenant : il ne sera plus jamais affiché.")}</p>
      <code class="secret" data-testid="token-secret">${secret?.token}</code>
    <//>
    <${Confirm} open=${!!revoking} title=${t("Révoquer le jeton")} confirmLabel=${t("Révoquer")} busy=${revoke.busy}
      message=${t("Les scripts qui utilisent « {name} » perdront l'accès immédiatement.", { name: revoking?.name ?? "" })}
      onConfirm=${() => void revoke.run()} onClose=${() => setRevoking(null)}>
      <${ErrorBanner} error=${revoke.error} />
    <//>
  </section>`;
}
