/**
 * Entry point of the kiosk agent: load settings → serve the lock screen → enrol if needed (retrying while the
 * appliance is unreachable) → run the kiosk; SIGINT/SIGTERM stop it cleanly.
 */
import { AgentConfigError, describeAgentConfig, loadAgentConfig } from "./config";
import { AgentStore, type Credentials } from "./store";
import { enrol, EnrolError } from "./enrol";
import { Kiosk, type KioskView } from "./kiosk";
import { LinkError } from "./link";
import { agentLog } from "./log";
import { buildKioskAssets, serveKioskPage, type KioskApi, type KioskAssets } from "./web";

/** The lock screen before enrolment: locked, with the reason in plain French. */
class NotEnrolled implements KioskApi {
  constructor(public reason: string) {}
  view(): KioskView {
    return { phase: "unreachable", connected: false, workstation: "", session: null, idleSeconds: null, warning: null, messages: [], notice: this.reason, lastEnded: null, pendingEvents: 0 };
  }
  async openSession(): Promise<KioskView> {
    throw new LinkError("Ce poste n'est pas encore relié au Guichet : adressez-vous à l'accueil.");
  }
  async endSession() {}
  reportProblem() {
    throw new LinkError("Ce poste n'est pas encore relié au Guichet : signalez le problème à l'accueil.");
  }
  dismissMessage() {}
}

/** Runs the agent; `assets` is given by the compiled binary, otherwise the page is built from ui/kiosk. */
export async function main(opts: { assets?: KioskAssets } = {}) {
  if (process.argv.includes("--help")) {
    console.log("Agent Guichet pour poste public — paramètres (variables d'environnement ou --option=valeur) :");
    for (const c of describeAgentConfig()) console.log(`  ${c.env.padEnd(34)} défaut : ${c.default}`);
    return;
  }
  // A closed log pipe (service manager restarting) must not kill the kiosk with EPIPE.
  process.stderr.on("error", () => {});
  process.stdout.on("error", () => {});
  const log = agentLog();
  let cfg;
  try {
    cfg = loadAgentConfig();
  } catch (e) {
    if (e instanceof AgentConfigError) {
      console.error(`Configuration invalide : ${e.message}`);
      process.exit(2);
    }
    throw e;
  }
  const store = new AgentStore(cfg.dataDir);
  const assets = opts.assets ?? (await buildKioskAssets());
  let current: KioskApi = new NotEnrolled("Ce poste se connecte au Guichet…");
  const server = serveKioskPage(() => current, assets, cfg.uiHost, cfg.uiPort);
  log.info(`écran de verrouillage sur http://${server.hostname}:${server.port}/`);

  let kiosk: Kiosk | null = null;
  let stopping = false;
  const shutdown = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`signal ${sig} reçu : arrêt`);
    await kiosk?.stop();
    server.stop(true);
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));

  let creds: Credentials | null = store.credentials();
  while (!creds && !stopping) {
    try {
      creds = await enrol(cfg, store);
      log.info(`poste enregistré sous le nom « ${creds.name} »`);
    } catch (e) {
      const err = e as EnrolError;
      log.warn(err.message);
      (current as NotEnrolled).reason = err.retry ? "Le Guichet est injoignable : ce poste reste verrouillé. Adressez-vous à l'accueil." : "Ce poste n'est pas enregistré auprès du Guichet : adressez-vous à l'accueil.";
      await Bun.sleep(err.retry ? 5000 : 60_000);
    }
  }
  if (!creds) return;
  kiosk = new Kiosk(cfg, store, creds, log);
  kiosk.start();
  current = kiosk;
}

if (import.meta.main) await main();
