/** The agent's settings: GUICHET_AGENT_* env vars (or --flags), validated at start with a message naming the key. */
import { resolve } from "node:path";

export interface AgentConfig {
  /** Where credentials, the offline outbox and the session state are kept. */
  dataDir: string;
  /** The appliance's base URL (enrolment, and the MQTT host unless mqttUrl is given). */
  applianceUrl: string | null;
  /** mqtt://host:port or mqtts://…; derived from the appliance URL and the port given at enrolment when empty. */
  mqttUrl: string | null;
  /** Enrolment token, used once when no credentials are stored yet. */
  enrolToken: string | null;
  /** Local lock-screen page. */
  uiHost: string;
  uiPort: number;
  /** Folders emptied at the end of each session (the patron's files, downloads). */
  wipeDirs: string[];
  /** The kiosk browser's profile folder, removed at the end of each session. */
  browserProfile: string | null;
  /** Shell commands for reboot and shutdown (tests point them at harmless scripts). */
  rebootCommand: string;
  shutdownCommand: string;
  /** Optional command run with a warning text as last argument (e.g. notify-send) so the patron sees it over other windows. */
  notifyCommand: string | null;
  /** PXE-booted kiosk: reboot after each session (a fresh image is the cleanest wipe). */
  rebootAfterSession: boolean;
  heartbeatSeconds: number;
  /** MQTT keep-alive: the broker sees a silent kiosk offline after 1.5× this. */
  keepaliveSeconds: number;
  /** Hours between inventories (also sent at enrolment and at each start when older). */
  inventoryHours: number;
  hostname: string | null;
  /** Linux: the kernel input devices read for the patron's idle time (tests: a folder of FIFOs). */
  inputDir: string | null;
}

/** A wrong agent setting (French message naming the variable). */
export class AgentConfigError extends Error {}

const ENV: Record<keyof AgentConfig, string> = {
  dataDir: "GUICHET_AGENT_DATA_DIR",
  applianceUrl: "GUICHET_AGENT_APPLIANCE",
  mqttUrl: "GUICHET_AGENT_MQTT_URL",
  enrolToken: "GUICHET_AGENT_ENROL_TOKEN",
  uiHost: "GUICHET_AGENT_UI_HOST",
  uiPort: "GUICHET_AGENT_UI_PORT",
  wipeDirs: "GUICHET_AGENT_WIPE_DIRS",
  browserProfile: "GUICHET_AGENT_BROWSER_PROFILE",
  rebootCommand: "GUICHET_AGENT_REBOOT_CMD",
  shutdownCommand: "GUICHET_AGENT_SHUTDOWN_CMD",
  notifyCommand: "GUICHET_AGENT_NOTIFY_CMD",
  rebootAfterSession: "GUICHET_AGENT_PXE",
  heartbeatSeconds: "GUICHET_AGENT_HEARTBEAT_SECONDS",
  keepaliveSeconds: "GUICHET_AGENT_KEEPALIVE_SECONDS",
  inventoryHours: "GUICHET_AGENT_INVENTORY_HOURS",
  hostname: "GUICHET_AGENT_HOSTNAME",
  inputDir: "GUICHET_AGENT_INPUT_DIR",
};

const windows = process.platform === "win32";

/** Defaults for a Linux kiosk; Windows gets its own power commands. */
export const AGENT_DEFAULTS: AgentConfig = {
  dataDir: windows ? "C:\\ProgramData\\Guichet" : "/var/lib/guichet-agent",
  applianceUrl: null,
  mqttUrl: null,
  enrolToken: null,
  uiHost: "127.0.0.1",
  uiPort: 8090,
  wipeDirs: [],
  browserProfile: null,
  rebootCommand: windows ? "shutdown /r /t 0" : "systemctl reboot",
  shutdownCommand: windows ? "shutdown /s /t 0" : "systemctl poweroff",
  notifyCommand: null,
  rebootAfterSession: false,
  heartbeatSeconds: 5,
  keepaliveSeconds: 5,
  inventoryHours: 24,
  hostname: null,
  inputDir: windows ? null : "/dev/input",
};

/** Every setting with its variable and default (printed by --help). */
export function describeAgentConfig() {
  return (Object.keys(ENV) as (keyof AgentConfig)[]).map((k) => ({ key: k, env: ENV[k], default: JSON.stringify(AGENT_DEFAULTS[k]) }));
}

function int(k: keyof AgentConfig, raw: string, min: number, max: number) {
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < min || Number(raw) > max) throw new AgentConfigError(`${ENV[k]}="${raw}" : un entier entre ${min} et ${max} est attendu.`);
  return Number(raw);
}

function url(k: keyof AgentConfig, raw: string, schemes: string[]) {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AgentConfigError(`${ENV[k]}="${raw}" : adresse invalide (ex. ${schemes[0]}//guichet.mairie.local:${schemes[0]!.startsWith("http") ? "8080" : "1883"}).`);
  }
  if (!schemes.includes(u.protocol)) throw new AgentConfigError(`${ENV[k]}="${raw}" : le schéma doit être ${schemes.join(" ou ")}.`);
  return raw.replace(/\/+$/, "");
}

/** Reads env, then `--key=value` flags (same names in kebab-case, e.g. --data-dir); throws AgentConfigError. */
export function loadAgentConfig(env: Record<string, string | undefined> = process.env, argv: string[] = process.argv.slice(2)): AgentConfig {
  const flags: Record<string, string> = {};
  for (const a of argv) {
    const m = /^--([a-z-]+)=(.*)$/.exec(a);
    if (m) flags[m[1]!] = m[2]!;
  }
  const get = (k: keyof AgentConfig) => flags[k.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())] ?? env[ENV[k]];
  const c: AgentConfig = { ...AGENT_DEFAULTS, wipeDirs: [] };
  const s = (k: "dataDir" | "uiHost" | "rebootCommand" | "shutdownCommand") => {
    const v = get(k);
    if (v !== undefined) {
      if (!v.trim()) throw new AgentConfigError(`${ENV[k]} ne peut pas être vide.`);
      c[k] = v;
    }
  };
  s("dataDir");
  s("uiHost");
  s("rebootCommand");
  s("shutdownCommand");
  c.dataDir = resolve(c.dataDir);
  const app = get("applianceUrl");
  if (app) c.applianceUrl = url("applianceUrl", app, ["http:", "https:"]);
  const mq = get("mqttUrl");
  if (mq) c.mqttUrl = url("mqttUrl", mq, ["mqtt:", "mqtts:", "ws:", "wss:"]);
  c.enrolToken = get("enrolToken")?.trim() || null;
  const port = get("uiPort");
  if (port) c.uiPort = int("uiPort", port, 0, 65535);
  const wipe = get("wipeDirs");
  // The path separator of the platform, like PATH (":" on Linux, ";" on Windows).
  if (wipe) c.wipeDirs = wipe.split(windows ? ";" : ":").map((d) => d.trim()).filter(Boolean).map((d) => resolve(d));
  for (const d of c.wipeDirs) if (d === "/" || /^[A-Za-z]:\\?$/.test(d)) throw new AgentConfigError(`${ENV.wipeDirs} : « ${d} » est la racine du disque, refusé.`);
  const prof = get("browserProfile");
  if (prof) c.browserProfile = resolve(prof);
  c.notifyCommand = get("notifyCommand")?.trim() || null;
  const pxe = get("rebootAfterSession");
  if (pxe) c.rebootAfterSession = ["1", "true", "oui", "yes"].includes(pxe.trim().toLowerCase());
  const hb = get("heartbeatSeconds");
  if (hb) c.heartbeatSeconds = int("heartbeatSeconds", hb, 1, 300);
  const ka = get("keepaliveSeconds");
  if (ka) c.keepaliveSeconds = int("keepaliveSeconds", ka, 2, 600);
  const inv = get("inventoryHours");
  if (inv) c.inventoryHours = int("inventoryHours", inv, 1, 24 * 30);
  c.hostname = get("hostname")?.trim() || null;
  const input = get("inputDir");
  if (input !== undefined) {
    if (!input.trim()) throw new AgentConfigError(`${ENV.inputDir} ne peut pas être vide.`);
    c.inputDir = resolve(input);
  }
  return c;
}
