/**
 * Command ids this kiosk already applied, kept in its state file: the appliance sends a command again when the
 * kiosk comes back without having acknowledged it, and a repeat (a message, a reboot) must not run twice,
 * even across the reboot it caused.
 */
import type { AgentStore } from "./store";

/** How many ids are remembered: far more than the appliance ever resends (its 30 latest, 10 minutes). */
const KEEP = 100;

export class AppliedCommands {
  private ids: string[];

  constructor(private store: AgentStore) {
    this.ids = store.state().appliedCommands ?? [];
  }

  /** Whether this command id was already applied here. */
  has(id: string) {
    return this.ids.includes(id);
  }

  /** Remembers an id before the command runs (a reboot gives no chance afterwards). */
  add(id: string) {
    if (this.has(id)) return;
    this.ids = [...this.ids, id].slice(-KEEP);
    this.store.saveState({ ...this.store.state(), appliedCommands: this.ids });
  }
}
