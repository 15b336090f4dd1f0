/** `#/notifications`: all my notifications in this organisation, unread filter, read actions, older pages. */
import { useEffect, useState } from "preact/hooks";
import { html } from "../../lib/html";
import { useAction } from "../../lib/hooks";
import { t } from "../../lib/i18n";
import { dateTime } from "../../lib/format";
import { currentOrg } from "../../lib/session";
import { ErrorBanner, toastError } from "../../components/toast";
import { listNotifications, markAllRead, markRead, notificationHref, notificationsVersion, unread, type Notification } from "../notifications-state";

/** The notifications page. */
export function NotificationsPage() {
  const org = currentOrg.value!;
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [items, setItems] = useState<Notification[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const first = useAction(async () => {
    const r = await listNotifications({ unread: onlyUnread });
    setItems(r.items);
    setNext(r.nextBefore);
    setLoaded(true);
  });
  const more = useAction(async () => {
    const r = await listNotifications({ unread: onlyUnread, before: next });
    setItems([...items, ...r.items]);
    setNext(r.nextBefore);
  });
  const version = notificationsVersion.value;
  useEffect(() => {
    void first.run();
  }, [org.id, onlyUnread, version]);
  const read = async (n: Notification) => {
    try {
      await markRead(n.id);
      setItems(items.map((x) => (x.id === n.id ? { ...x, readAt: new Date().toISOString() } : x)));
    } catch (e) {
      toastError(e);
    }
  };
  const count = unread.value ?? 0;
  return html`<section class="page">
    <h1>${t("Notifications")}</h1>
    <div class="toolbar">
      <label class="check"><input type="checkbox" checked=${onlyUnread} onChange=${(e: Event) => setOnlyUnread((e.target as HTMLInputElement).checked)} /> ${t("Non lues seulement")}</label>
      <span class="muted">${count ? t("{n} non lues", { n: count }) : t("Tout est lu.")}</span>
      <button type="button" class="btn btn-secondary" disabled=${!count} onClick=${() => void markAllRead().catch(toastError)}>${t("Tout marquer comme lu")}</button>
    </div>
    <${ErrorBanner} error=${first.error ?? more.error} />
    ${loaded && items.length === 0 ? html`<p class="panel muted">${onlyUnread ? t("Aucune notification non lue.") : t("Aucune notification pour le moment.")}</p>` : null}
    ${!loaded && first.busy ? html`<p class="muted" role="status">${t("Chargement…")}</p>` : null}
    <ul class="notif-list">
      ${items.map((n) => {
        const to = notificationHref(n.link);
        return html`<li key=${n.id} class=${"panel notif" + (n.readAt ? "" : " unread")}>
          <div class="notif-main">
            <h2 class="notif-title">${to ? html`<a href=${to} onClick=${() => !n.readAt && void read(n)}>${n.title}</a>` : n.title}</h2>
            ${n.body ? html`<p class="notif-body">${n.body}</p>` : null}
            <time class="muted" datetime=${n.createdAt}>${dateTime(n.createdAt)}</time>
          </div>
          ${n.readAt ? html`<span class="tag">${t("lue")}</span>` : html`<button type="button" class="btn btn-small btn-secondary" onClick=${() => void read(n)}>${t("Marquer comme lu")}</button>`}
        </li>`;
      })}
    </ul>
    ${next ? html`<button type="button" class="btn btn-secondary" disabled=${more.busy} onClick=${() => void more.run()}>${t("Afficher les plus anciennes")}</button>` : null}
  </section>`;
}
