/**
 * Live updates over one WebSocket (`/api/live?org=<id>`, session cookie): the server pushes
 * `{ type, data }` messages; views subscribe by type. Reconnects with a growing delay.
 */
import { signal } from "@preact/signals";

/** One pushed message. */
export interface LiveMessage {
  type: string;
  data: any;
}

type Handler = (data: any, msg: LiveMessage) => void;

/** "off" (no organisation / logged out), "connecting", "open". */
export const liveStatus = signal<"off" | "connecting" | "open">("off");

/** Close codes the server uses (appliance/core/notify/live.ts): session ended, membership removed. */
export const LIVE_CLOSE = { sessionEnded: 4401, notMember: 4403 } as const;

/** Called when the server closes the socket because access is gone (the app re-checks the session). */
export const liveHooks: { onAccessLost: ((code: number) => void) | null } = { onAccessLost: null };

const handlers = new Map<string, Set<Handler>>();
let socket: WebSocket | null = null;
let org: string | null = null;
let retry: ReturnType<typeof setTimeout> | null = null;
let attempts = 0;

/** Calls `fn` for every message of `type` ("*" for all); returns the unsubscribe function. */
export function subscribe(type: string, fn: Handler): () => void {
  let set = handlers.get(type);
  if (!set) handlers.set(type, (set = new Set()));
  set.add(fn);
  return () => {
    set!.delete(fn);
  };
}

function dispatch(msg: LiveMessage) {
  for (const key of [msg.type, "*"]) {
    for (const fn of handlers.get(key) ?? []) {
      try {
        fn(msg.data, msg);
      } catch (e) {
        // One broken view must not stop the others from updating.
        console.error("live: abonné en erreur", e);
      }
    }
  }
}

function liveUrl(orgId: string) {
  const u = new URL("api/live", location.href);
  u.protocol = location.protocol === "https:" ? "wss:" : "ws:";
  u.hash = "";
  u.search = "?org=" + encodeURIComponent(orgId);
  return u.toString();
}

function open() {
  if (!org) return;
  liveStatus.value = "connecting";
  const ws = new WebSocket(liveUrl(org));
  socket = ws;
  ws.onopen = () => {
    attempts = 0;
    liveStatus.value = "open";
  };
  ws.onmessage = (ev) => {
    try {
      const msg = JSON.parse(String(ev.data));
      if (msg && typeof msg.type === "string") dispatch({ type: msg.type, data: msg.data });
    } catch {
      // Not JSON: ignore rather than break the connection.
    }
  };
  ws.onclose = (ev) => {
    if (socket !== ws) return;
    socket = null;
    if (!org) return;
    if (ev.code === LIVE_CLOSE.sessionEnded || ev.code === LIVE_CLOSE.notMember) {
      // Retrying would be refused again: let the app re-check who we are (it reconnects if still allowed).
      disconnect();
      liveHooks.onAccessLost?.(ev.code);
      return;
    }
    liveStatus.value = "connecting";
    // 1 s, 2 s, 4 s… up to 30 s, with jitter so many browsers do not reconnect in step.
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempts++, 5)) * (0.75 + Math.random() / 2);
    retry = setTimeout(open, delay);
  };
}

/** Connects for this organisation (or disconnects with null); a change of organisation reconnects. */
export function connectLive(orgId: string | null) {
  if (orgId === org && (socket || retry)) return;
  disconnect();
  org = orgId;
  if (orgId) open();
}

function disconnect() {
  org = null;
  if (retry) clearTimeout(retry);
  retry = null;
  attempts = 0;
  const s = socket;
  socket = null;
  s?.close();
  liveStatus.value = "off";
}

// Back from sleep or offline: try again at once instead of waiting for the backoff.
window.addEventListener("online", () => {
  if (org && !socket) {
    if (retry) clearTimeout(retry);
    retry = null;
    attempts = 0;
    open();
  }
});
