/** Entry point: read config → open db + migrate → start services in order → wait for a signal → stop in reverse. */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pkg from "../package.json";
import { ConfigError, describeConfig, loadConfig, type Config } from "./core/config";
import { dbFileOf, migrate, openDb } from "./core/db/client";
import { createLogger, type Logger } from "./core/log";
import { systemClock } from "./core/clock";
import { EventBus } from "./core/notify/bus";
import { ServiceManager } from "./core/service";
import type { Deps } from "./core/context";
import { buildApp } from "./app";
import { HttpService } from "./core/http/server";
import { buildUiAssets, type UiAssets } from "./core/http/ui";
import { WIRING } from "./modules";
import { DAEMONS } from "./net";
import { coreServices } from "./core/services";

export interface Running {
  deps: Deps;
  services: ServiceManager;
  http: HttpService;
  stop(): Promise<void>;
}

/** Starts everything; `uiAssets` is given by the compiled binary, otherwise the UI is built from ui/. */
export async function start(config: Config, opts: { uiAssets?: UiAssets; log?: Logger } = {}): Promise<Running> {
  const log = opts.log ?? createLogger(config.logLevel);
  mkdirSync(config.dataDir, { recursive: true });
  const db = openDb(dbFileOf(config.dataDir));
  const m = migrate(db, { backupDir: join(config.dataDir, "backups") });
  if (m.applied.length) log.info(`migrations appliquées : ${m.applied.join(", ")}`, m.backup ? { copie: m.backup } : undefined);
  const deps: Deps = { db, clock: systemClock, log, config, events: new EventBus(), version: pkg.version, startedAt: new Date() };
  const services = new ServiceManager(log);
  const ui = opts.uiAssets ?? (await buildUiAssets());
  const extra = coreServices(deps, services);
  const app = buildApp(deps, { ui, services: () => services.statuses(), extra: extra.routes });
  const http = new HttpService(app, config.httpHost, config.httpPort, config.tlsCert && config.tlsKey ? { cert: config.tlsCert, key: config.tlsKey, port: config.httpsPort } : null);
  services.add(http, { required: true });
  for (const s of extra.services) services.add(s.service, { disabled: s.disabled });
  for (const d of DAEMONS) {
    const svc = d.service(deps);
    // A daemon switched off (port 0) is listed as disabled and never stops the rest from starting.
    services.add(svc ?? { name: d.name, start() {}, stop() {} }, { disabled: !svc });
  }
  for (const w of WIRING) for (const s of w.services?.(deps) ?? []) services.add(s);
  await services.startAll();
  log.info(`Guichet ${pkg.version} prêt sur ${http.url}`, { données: config.dataDir });
  let stopped = false;
  return {
    deps,
    services,
    http,
    async stop() {
      if (stopped) return;
      stopped = true;
      await services.stopAll();
      db.$client.close();
    },
  };
}

/** CLI: `guichet` starts the appliance; `guichet --help` lists the settings. */
export async function main(opts: { uiAssets?: UiAssets } = {}) {
  if (process.argv.includes("--help")) {
    console.log("Guichet — paramètres de démarrage (variables d'environnement) :");
    for (const c of describeConfig()) console.log(`  ${c.env.padEnd(20)} défaut : ${c.default || "(vide)"}`);
    return;
  }
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(`Configuration invalide : ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const running = await start(config, opts);
  const shutdown = async (sig: string) => {
    running.deps.log.info(`signal ${sig} reçu : arrêt propre`);
    await running.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

if (import.meta.main) await main();
