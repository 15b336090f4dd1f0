/** Long-running parts (HTTP server, daemons, job runners) share one start/stop contract. */
import type { Logger } from "./log";

export interface Service {
  readonly name: string;
  start(): Promise<void> | void;
  stop(): Promise<void> | void;
}

export type ServiceState = "stopped" | "starting" | "running" | "stopping" | "failed" | "disabled";

export interface ServiceStatus {
  name: string;
  state: ServiceState;
  since: string;
  error?: string;
}

/** Starts services in order, stops them in reverse; a failing optional daemon does not stop the rest. */
export class ServiceManager {
  private entries: { svc: Service; status: ServiceStatus; required: boolean }[] = [];
  constructor(private log: Logger) {}

  /** Registers a service; `required` ones abort the start when they fail. */
  add(svc: Service, opts: { required?: boolean; disabled?: boolean } = {}) {
    this.entries.push({
      svc,
      required: opts.required ?? false,
      status: { name: svc.name, state: opts.disabled ? "disabled" : "stopped", since: new Date().toISOString() },
    });
    return this;
  }

  private set(e: (typeof this.entries)[number], state: ServiceState, error?: string) {
    e.status = { name: e.svc.name, state, since: new Date().toISOString(), ...(error ? { error } : {}) };
  }

  async startAll() {
    for (const e of this.entries) {
      if (e.status.state === "disabled") continue;
      this.set(e, "starting");
      try {
        await e.svc.start();
        this.set(e, "running");
        this.log.info(`service ${e.svc.name} démarré`);
      } catch (err) {
        const msg = (err as Error).message;
        this.set(e, "failed", msg);
        this.log.error(`service ${e.svc.name} en échec : ${msg}`);
        if (e.required) throw err;
      }
    }
  }

  async stopAll() {
    for (const e of [...this.entries].reverse()) {
      if (e.status.state !== "running") continue;
      this.set(e, "stopping");
      try {
        await e.svc.stop();
        this.set(e, "stopped");
      } catch (err) {
        this.set(e, "failed", (err as Error).message);
        this.log.error(`arrêt de ${e.svc.name} en échec : ${(err as Error).message}`);
      }
    }
  }

  statuses(): ServiceStatus[] {
    return this.entries.map((e) => e.status);
  }
}
