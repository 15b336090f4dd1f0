/** The job scheduler Service: periodic work (purges, reminders), one run at a time per job, each run recorded in job_runs. */
import { eq } from "drizzle-orm";
import { jobRuns } from "../db/schema";
import type { Deps } from "../context";
import type { Service } from "../service";

/** Counts a job may return (rows purged, reminders sent…); logged when not all zero. */
export type JobResult = Record<string, number>;

/** A periodic job; `run` gets the appliance-wide deps (use systemCtx(deps, org) for per-organisation work). */
export interface JobDef {
  /** Unique, kebab-case; modules prefix theirs ("epn-…"). */
  name: string;
  /** French label for the system page. */
  label?: string;
  /** Interval between the end of one run and the start of the next. */
  everyMs: number;
  /** Delay before the first run after start (default: the interval, at most one minute). */
  firstRunMs?: number;
  run(deps: Deps): Promise<JobResult | void> | JobResult | void;
}

/** One job as GET /api/jobs shows it. */
export interface JobStatus {
  name: string;
  label: string;
  everyMs: number;
  running: boolean;
  nextRunAt: string | null;
  lastRunAt: string | null;
  lastStatus: string | null;
  lastError: string | null;
  lastDurationMs: number | null;
}

interface Entry {
  def: JobDef;
  timer: ReturnType<typeof setTimeout> | null;
  running: Promise<JobOutcome> | null;
  nextRunAt: Date | null;
  lastDurationMs: number | null;
}

/** The outcome of one run. */
export interface JobOutcome {
  status: "ok" | "error";
  error?: string;
  result?: JobResult;
}

const NAME = /^[a-z0-9][a-z0-9-]{0,59}$/;

/** Runs registered jobs on their intervals; `stop()` waits for runs in progress. */
export class JobScheduler implements Service {
  readonly name = "jobs";
  private jobs = new Map<string, Entry>();
  private started = false;
  private stopping = false;

  constructor(private deps: Deps) {}

  /** Adds a job (before or after start); a duplicate name is a programming error. */
  register(def: JobDef) {
    if (!NAME.test(def.name)) throw new Error(`nom de tâche invalide : ${def.name}`);
    if (this.jobs.has(def.name)) throw new Error(`tâche déjà enregistrée : ${def.name}`);
    if (!(def.everyMs >= 10)) throw new Error(`intervalle invalide pour la tâche ${def.name}`);
    const e: Entry = { def, timer: null, running: null, nextRunAt: null, lastDurationMs: null };
    this.jobs.set(def.name, e);
    if (this.started) this.schedule(e, def.firstRunMs ?? Math.min(def.everyMs, 60_000));
    return this;
  }

  start() {
    this.started = true;
    this.stopping = false;
    for (const e of this.jobs.values()) this.schedule(e, e.def.firstRunMs ?? Math.min(e.def.everyMs, 60_000));
  }

  private schedule(e: Entry, delay: number) {
    if (this.stopping || !this.started) return;
    e.nextRunAt = new Date(this.deps.clock.now().getTime() + delay);
    e.timer = setTimeout(() => {
      e.timer = null;
      void this.runJob(e.def.name).finally(() => this.schedule(e, e.def.everyMs));
    }, delay);
    // The HTTP server keeps the process alive; a pending purge must not.
    e.timer.unref?.();
  }

  /** Runs a job now, or returns the run already in progress (never two runs of one job at once). */
  runJob(name: string): Promise<JobOutcome> {
    const e = this.jobs.get(name);
    if (!e) return Promise.reject(new Error(`tâche inconnue : ${name}`));
    if (e.running) return e.running;
    e.running = this.execute(e).finally(() => {
      e.running = null;
    });
    return e.running;
  }

  private async execute(e: Entry): Promise<JobOutcome> {
    const { db, clock, log } = this.deps;
    const startedAt = clock.now().toISOString();
    const t0 = performance.now();
    let out: JobOutcome;
    try {
      const result = (await e.def.run(this.deps)) ?? undefined;
      out = { status: "ok", ...(result ? { result } : {}) };
      if (result && Object.values(result).some((n) => n)) log.info(`tâche ${e.def.name} terminée`, result);
    } catch (err) {
      out = { status: "error", error: String((err as Error)?.message ?? err).slice(0, 1000) };
      log.error(`tâche ${e.def.name} en échec`, { erreur: out.error });
    }
    e.lastDurationMs = Math.round(performance.now() - t0);
    try {
      const row = { lastRunAt: startedAt, lastStatus: out.status, lastError: out.error ?? null };
      db.insert(jobRuns).values({ name: e.def.name, ...row }).onConflictDoUpdate({ target: jobRuns.name, set: row }).run();
    } catch (err) {
      log.error(`tâche ${e.def.name} : impossible d'enregistrer son exécution`, { erreur: String(err) });
    }
    return out;
  }

  /** Every job with its schedule and last recorded run (job_runs survives restarts). */
  list(): JobStatus[] {
    const runs = new Map(this.deps.db.select().from(jobRuns).all().map((r) => [r.name, r]));
    return [...this.jobs.values()].map((e) => {
      const r = runs.get(e.def.name);
      return {
        name: e.def.name,
        label: e.def.label ?? e.def.name,
        everyMs: e.def.everyMs,
        running: !!e.running,
        nextRunAt: e.timer && e.nextRunAt ? e.nextRunAt.toISOString() : null,
        lastRunAt: r?.lastRunAt ?? null,
        lastStatus: r?.lastStatus ?? null,
        lastError: r?.lastError ?? null,
        lastDurationMs: e.lastDurationMs,
      };
    });
  }

  /** Cancels future runs and waits for those in progress to finish (their writes complete). */
  async stop() {
    this.stopping = true;
    for (const e of this.jobs.values()) {
      if (e.timer) clearTimeout(e.timer);
      e.timer = null;
    }
    await Promise.all([...this.jobs.values()].map((e) => e.running?.catch(() => undefined)));
    this.started = false;
  }
}

/** The last recorded run of one job (for tests and the system page). */
export function lastRun(deps: Pick<Deps, "db">, name: string) {
  return deps.db.select().from(jobRuns).where(eq(jobRuns.name, name)).get() ?? null;
}
