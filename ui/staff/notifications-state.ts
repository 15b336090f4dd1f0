/** Shared notification state for the bell and the notifications page: unread count signal, read actions, live updates. */
import { signal } from "@preact/signals";
import { get, post } from "../lib/api";
import { subscribe } from "../lib/live";

/** One notification (GET /api/notifications). */
export interface Notification {
  id: string;
  kind: string;
  title: string;
  body: string | null;
  link: string | null;
  readAt: string | null;
  createdAt: string;
}

/** A page of notifications with the unread total. */
export interface NotificationPage {
  items: Notification[];
  unread: number;
  nextBefore: string | null;
}

/** Unread notifications in the current organisation (null: unknown / route unavailable). */
export const unread = signal<number | null>(null);
/** Bumped on every live change so open lists reload. */
export const notificationsVersion = signal(0);

/** Lists my notifications; `before` pages back in time. */
export async function listNotifications(q: { unread?: boolean; before?: string | null; limit?: number } = {}) {
  const r = await get<NotificationPage>("notifications", { unread: q.unread ? "1" : undefined, before: q.before ?? undefined, limit: q.limit ?? 30 });
  unread.value = r.unread;
  return r;
}

/** Marks one notification read. */
export async function markRead(id: string) {
  const r = await post<{ unread: number }>(`notifications/${encodeURIComponent(id)}/read`);
  unread.value = r.unread;
}

/** Marks all my notifications of this organisation read. */
export async function markAllRead() {
  const r = await post<{ unread: number }>("notifications/read-all");
  unread.value = r.unread;
  notificationsVersion.value++;
}

/** Where a notification's link leads: UI routes stay in the app, absolute URLs open as is. */
export function notificationHref(link: string | null) {
  if (!link) return null;
  if (/^https?:\/\//.test(link)) return link;
  return link.startsWith("#") ? link : "#" + (link.startsWith("/") ? link : "/" + link);
}

// Pushed by the server: a new notification for me, or read markers changed in another tab.
subscribe("notification", () => {
  unread.value = (unread.value ?? 0) + 1;
  notificationsVersion.value++;
});
subscribe("notifications.read", (d: { unread?: number }) => {
  if (typeof d?.unread === "number") unread.value = d.unread;
  notificationsVersion.value++;
});
