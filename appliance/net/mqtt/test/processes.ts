/** End-to-end helpers: the real appliance process with its broker, a real agent process, and staff API calls. */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { completeSetup, startAppliance, type ApplianceProcess, type HttpClient } from "../../../../scripts/test/appliance-process";

const ROOT = join(import.meta.dir, "../../../..");
const BUN = join(ROOT, "node_modules/.bin/bun");

/** Every day open from midnight to midnight: end-to-end tests run at any hour. */
export const ALWAYS_OPEN = Object.fromEntries(["1", "2", "3", "4", "5", "6", "7"].map((d) => [d, [["00:00", "24:00"]]]));

/** A random port in the range the preamble reserves for tests. */
export const randomPort = () => 20000 + Math.floor(Math.random() * 40000);

/** Starts the appliance with MQTT on a free port (retries when the random one is taken). */
export async function startApplianceWithBroker(dataDir: string, mqttPort?: number, cmd: string[] = [BUN, "appliance/main.ts"], env: Record<string, string> = {}): Promise<ApplianceProcess & { mqttPort: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = mqttPort ?? randomPort();
    const app = await startAppliance(cmd, { cwd: ROOT, env: { GUICHET_DATA_DIR: dataDir, GUICHET_MQTT_PORT: String(port), GUICHET_LOG_LEVEL: "info", ...env } });
    if (new RegExp(`MQTT \\(TCP\\) à l'écoute sur le port ${port}`).test(app.output())) return Object.assign(app, { mqttPort: port });
    await app.stop();
    if (mqttPort) throw new Error(`Le broker n'a pas pu reprendre le port ${mqttPort} :\n${app.output()}`);
  }
  throw new Error("Aucun port MQTT libre trouvé.");
}

/** Setup, a room open all day, and an enrolment token: what an admin does before installing kiosks. */
export async function prepareEpn(url: string) {
  const staff = await completeSetup(url);
  const room = await staff.post("/api/epn/rooms", { name: "Salle multimédia", hours: ALWAYS_OPEN });
  if (room.status !== 200) throw new Error("salle : " + room.text);
  const tok = await staff.post("/api/mqtt/enrolment-tokens", { label: "Salle multimédia", roomId: room.body.id, maxUses: 5 });
  if (tok.status !== 200) throw new Error("jeton : " + tok.text);
  return { staff, roomId: room.body.id as string, token: tok.body.token as string };
}

/** A guest code with this many minutes of allowance (as printed on a ticket). */
export async function guestCode(staff: HttpClient, minutes: number) {
  const r = await staff.post("/api/epn/codes", { label: "Test", allowanceMinutes: minutes });
  if (r.status !== 200) throw new Error("code : " + r.text);
  return r.body.codes[0].code as string;
}

/** A running agent process: its lock-screen URL, data dir, and output. */
export interface AgentProcess {
  url: string;
  dataDir: string;
  proc: Subprocess<"ignore", "pipe", "pipe">;
  output(): string;
  /** GET /api/state of the agent's local page. */
  state(): Promise<any>;
  stop(): Promise<void>;
}

/** Starts the agent (`bun agent/main.ts`, or `cmd`) with its own temporary data dir; waits for the lock screen to listen. */
export async function startAgent(env: Record<string, string>, dataDir = mkdtempSync(join(tmpdir(), "guichet-agent-")), cmd: string[] = [BUN, "agent/main.ts"]): Promise<AgentProcess> {
  mkdirSync(dataDir, { recursive: true });
  const proc = Bun.spawn(cmd, {
    // A compiled agent runs from anywhere: start it outside the repository to prove it needs nothing from it.
    cwd: cmd[0] === BUN ? ROOT : dataDir,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", GUICHET_AGENT_DATA_DIR: dataDir, GUICHET_AGENT_UI_PORT: "0", GUICHET_AGENT_HEARTBEAT_SECONDS: "1", GUICHET_AGENT_KEEPALIVE_SECONDS: "3", ...env },
    stdin: "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  let out = "";
  const dec = new TextDecoder();
  for (const s of [proc.stdout, proc.stderr]) void (async () => { for await (const c of s) out += dec.decode(c, { stream: true }); })();
  const end = Date.now() + 20_000;
  let url: string | null = null;
  while (!url) {
    const m = /écran de verrouillage sur (http:\/\/[\d.]+:\d+)\//.exec(out);
    if (m) url = m[1]!;
    else if (proc.exitCode !== null) throw new Error(`L'agent s'est arrêté (code ${proc.exitCode}) :\n${out}`);
    else if (Date.now() > end) {
      proc.kill("SIGKILL");
      throw new Error(`L'agent n'a pas démarré :\n${out}`);
    } else await Bun.sleep(25);
  }
  const u = url;
  return {
    url: u,
    dataDir,
    proc,
    output: () => out,
    state: async () => (await fetch(`${u}/api/state`)).json(),
    async stop() {
      if (proc.exitCode === null) proc.kill("SIGTERM");
      const r = await Promise.race([proc.exited, Bun.sleep(5000).then(() => "timeout")]);
      if (r === "timeout") {
        proc.kill("SIGKILL");
        await proc.exited;
      }
    },
  };
}

/** Polls `fn` until it returns a truthy value (returned), or throws after `ms`. */
export async function waitFor<T>(fn: () => Promise<T> | T, ms: number, what: string): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (e) {
      last = e;
    }
    await Bun.sleep(100);
  }
  throw new Error(`délai dépassé : ${what}${last ? ` (${String(last)})` : ""}`);
}

/** Debian's Chromium headless as root, without the background connections this closed network refuses (FACTS.md). */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
