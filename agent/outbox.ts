/** Events the appliance must receive even if the link is down now: kept on disk, sent in order, removed on PUBACK. */
import type { Event } from "./protocol";
import type { ApplianceLink } from "./link";
import type { AgentStore } from "./store";
import type { AgentLog } from "./log";

export class Outbox {
  private events: Event[];
  private flushing: Promise<void> | null = null;

  constructor(
    private store: AgentStore,
    private link: ApplianceLink,
    private log: AgentLog,
  ) {
    this.events = store.outbox();
  }

  get size() {
    return this.events.length;
  }

  /** Persists the event before anything else, so a crash or power cut cannot lose it. */
  add(e: Event) {
    this.events.push(e);
    // Bounded: a kiosk offline for weeks keeps its latest events, not an ever-growing file.
    if (this.events.length > 1000) this.events = this.events.slice(-1000);
    this.store.saveOutbox(this.events);
  }

  /** Sends what waits, oldest first; stops at the first failure (the link is down) and retries on the next call. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    let failed = false;
    this.flushing = (async () => {
      let sent = 0;
      while (this.events.length && this.link.connected) {
        try {
          await this.link.publish("event", this.events[0]!);
        } catch {
          failed = true;
          break;
        }
        this.events.shift();
        this.store.saveOutbox(this.events);
        sent++;
      }
      if (sent) this.log.info(`${sent} événement(s) remis au Guichet`);
    })().finally(() => {
      this.flushing = null;
      // An event added while the last send was finishing would otherwise wait for the next flush.
      if (!failed && this.events.length && this.link.connected) void this.flush();
    });
    return this.flushing;
  }
}
