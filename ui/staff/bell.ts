/** Notifications bell: unread badge (kept current by the live socket), the latest ones in a panel, read actions. */
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "../lib/html";
import { asApiError, type ApiError } from "../lib/api";
import { currentOrg } from "../lib/session";
import { t } from "../lib/i18n";
import { dateTime } from "../lib/format";
import { href } from "../lib/router";
import { Icon } from "../components/icon";
import { toastError } from "../components/toast";
import { listNotifications, markAllRead, markRead, notificationHref, notificationsVersion, unread, type Notification } from "./notifications-state";

/** The bell button with its badge and drop-down panel. */
export function NotificationBell() {
  const [items, setItems] = useState<Notification[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const orgId = currentOrg.value?.id;
  const version = notificationsVersion.value;

  const load = async () => {
    try {
      setItems((await listNotifications({ limit: 8 })).items);
      setError(null);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  useEffect(() => {
    unread.value = null;
    void load();
  }, [orgId]);
  useEffect(() => {
    if (open) void load();
  }, [version, open]);
  useEffect(() => {
    if (!open) return;
    const onDoc = (e: MouseEvent) => {
      if (box.current && !box.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && setOpen(false);
    document.addEventListener("click", onDoc);
    document.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("click", onDoc);
      document.removeEventListener("keydown", onKey);
    };
  }, [open]);

  const pick = async (n: Notification) => {
    setOpen(false);
    if (!n.readAt) await markRead(n.id).catch(toastError);
  };
  const count = unread.value ?? 0;
  const label = count ? t("Notifications : {n} non lues", { n: count }) : t("Notifications");
  return html`<div class="bell" ref=${box}>
    <button type="button" class="btn-icon bell-button" aria-expanded=${open} aria-controls="bell-panel" aria-label=${label} title=${label} onClick=${() => setOpen(!open)}>
      <${Icon} name="bell" />
      ${count ? html`<span class="badge" aria-hidden="true">${count > 99 ? "99+" : count}</span>` : null}
    </button>
    ${open
      ? html`<div class="bell-panel" id="bell-panel" role="region" aria-label=${t("Notifications")}>
          <div class="bell-head">
            <h2 class="bell-title">${t("Notifications")}</h2>
            ${count ? html`<button type="button" class="btn btn-small btn-ghost" onClick=${() => void markAllRead().catch(toastError)}>${t("Tout marquer comme lu")}</button>` : null}
          </div>
          ${error ? html`<p class="field-error" role="alert">${error.message}</p>` : null}
          ${items && items.length === 0 ? html`<p class="muted">${t("Aucune notification.")}</p>` : null}
          <ul class="bell-list">
            ${(items ?? []).map((n) => {
              const to = notificationHref(n.link);
              const title = to ? html`<a href=${to} onClick=${() => void pick(n)}>${n.title}</a>` : html`<span>${n.title}</span>`;
              return html`<li key=${n.id} class=${n.readAt ? "" : "unread"}>
                <strong>${title}</strong>
                ${n.body ? html`<p>${n.body}</p>` : null}
                <div class="bell-meta">
                  <time datetime=${n.createdAt}>${dateTime(n.createdAt)}</time>
                  ${n.readAt ? null : html`<button type="button" class="linkish" onClick=${() => void markRead(n.id).then(load, toastError)}>${t("Marquer comme lu")}</button>`}
                </div>
              </li>`;
            })}
          </ul>
          <p class="bell-foot"><a href=${href("/notifications")} onClick=${() => setOpen(false)}>${t("Voir toutes les notifications")}</a></p>
        </div>`
      : null}
  </div>`;
}
