/** In-process event bus: services publish after their transaction commits; the live WebSocket forwards. */
export interface LiveEvent {
  /** Organisation the event belongs to: only its members receive it. */
  orgId: string;
  /** When set, only this user receives it. */
  userId?: string;
  type: string;
  data: unknown;
}

type Listener = (e: LiveEvent) => void;

/** Publish/subscribe within the process; listeners filter by organisation and user themselves. */
export class EventBus {
  private listeners = new Set<Listener>();
  subscribe(fn: Listener) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  /** Number of listeners (open live sockets and in-process subscribers). */
  get size() {
    return this.listeners.size;
  }
  publish(e: LiveEvent) {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch {
        // A broken listener (closed socket) must not stop the others.
      }
    }
  }
}
