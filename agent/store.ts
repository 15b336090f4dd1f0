/** The agent's files in its data folder: credentials, session state and the offline outbox, written atomically. */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from "node:fs";
import { join } from "node:path";
import type { Event } from "./protocol";

/** What enrolment gave this kiosk. */
export interface Credentials {
  applianceUrl: string;
  mqttUrl: string;
  orgId: string;
  workstationId: string;
  name: string;
  username: string;
  password: string;
}

/** Survives an agent restart: the running session (wall-clock end as a fallback) and the staff lock. */
export interface PersistedState {
  session: { id: string; label: string; endsAtWall: string } | null;
  locked: boolean;
  lastInventoryAt: string | null;
  /** Ids of the latest commands applied (see applied.ts). */
  appliedCommands?: string[];
}

export class AgentStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private read<T>(name: string, fallback: T): T {
    const f = join(this.dir, name);
    if (!existsSync(f)) return fallback;
    try {
      return JSON.parse(readFileSync(f, "utf8")) as T;
    } catch {
      // A half-written file cannot happen (atomic rename), but a hand-edited one can: start clean.
      return fallback;
    }
  }

  private write(name: string, value: unknown, secret = false) {
    const f = join(this.dir, name);
    const tmp = f + ".tmp";
    writeFileSync(tmp, JSON.stringify(value, null, 2), { mode: secret ? 0o600 : 0o644 });
    if (secret && process.platform !== "win32") chmodSync(tmp, 0o600);
    renameSync(tmp, f);
  }

  credentials(): Credentials | null {
    return this.read<Credentials | null>("credentials.json", null);
  }
  saveCredentials(c: Credentials) {
    this.write("credentials.json", c, true);
  }

  state(): PersistedState {
    return { session: null, locked: false, lastInventoryAt: null, ...this.read<Partial<PersistedState>>("state.json", {}) };
  }
  saveState(s: PersistedState) {
    this.write("state.json", s);
  }

  /** Events not yet acknowledged by the broker, oldest first. */
  outbox(): Event[] {
    return this.read<Event[]>("outbox.json", []);
  }
  saveOutbox(events: Event[]) {
    this.write("outbox.json", events);
  }
}
