/** What every service function receives: the database, the clock, the logger, the event bus, and who acts where. */
import type { Db } from "./db/client";
import type { Clock } from "./clock";
import type { Logger } from "./log";
import type { Config } from "./config";
import type { EventBus } from "./notify/bus";
import type { Role } from "./auth/roles";

/** The person (or API token) behind a request. */
export interface Actor {
  userId: string;
  label: string;
  role: Role;
  moduleRoles: string[];
  via: "session" | "token";
  /** Set for API tokens: "read" tokens may only read. */
  scope?: "read" | "write";
  sessionId?: string;
}

/** Appliance-wide dependencies, built once in main.ts (or per test). */
export interface Deps {
  db: Db;
  clock: Clock;
  log: Logger;
  config: Config;
  events: EventBus;
  /** Queue an e-mail (written to the outbox in the caller's transaction). */
  version: string;
  startedAt: Date;
}

/** A request's context: dependencies plus who acts, for which organisation, from where. */
export interface Ctx extends Deps {
  actor: Actor;
  org: string;
  ip: string | null;
}

/** Context for work nobody in particular asked for (jobs, daemons). */
export function systemCtx(deps: Deps, org: string): Ctx {
  return { ...deps, org, ip: null, actor: { userId: "system", label: "Système", role: "owner", moduleRoles: [], via: "session" } };
}

export function nowIso(ctx: { clock: Clock }) {
  return ctx.clock.now().toISOString();
}
