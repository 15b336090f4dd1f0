/** Boot configuration: read once from GUICHET_* env vars and an optional JSON file, validated. */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";

export interface Config {
  /** Folder holding the SQLite file, backups, certificates and netboot assets. */
  dataDir: string;
  httpHost: string;
  httpPort: number;
  /** HTTPS port, used when tlsCert + tlsKey are set; httpPort then only redirects to it. */
  httpsPort: number;
  /** PEM certificate and key files; both set switch HTTPS on (the appliance image generates them on first boot). */
  tlsCert: string | null;
  tlsKey: string | null;
  /** 0 switches the daemon off. */
  dnsPort: number;
  tftpPort: number;
  mqttPort: number;
  /** Interface name for proxy-DHCP, or null (off). */
  pxe: string | null;
  /** IPv4 address proxy-DHCP announces, needed only when the PXE interface has several. */
  pxeAddress: string | null;
  /** smtp://user:pass@host:port, or null: mails stay queued. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Base URL put in e-mail links; derived from the request when empty. */
  publicUrl: string | null;
  logLevel: "debug" | "info" | "warn" | "error";
}

/** A wrong boot setting: the message names the key and what is allowed. */
export class ConfigError extends Error {}

type Source = Record<string, string | undefined>;

const KEYS = {
  dataDir: "GUICHET_DATA_DIR",
  httpHost: "GUICHET_HTTP_HOST",
  httpPort: "GUICHET_HTTP_PORT",
  httpsPort: "GUICHET_HTTPS_PORT",
  tlsCert: "GUICHET_TLS_CERT",
  tlsKey: "GUICHET_TLS_KEY",
  dnsPort: "GUICHET_DNS_PORT",
  tftpPort: "GUICHET_TFTP_PORT",
  mqttPort: "GUICHET_MQTT_PORT",
  pxe: "GUICHET_PXE",
  pxeAddress: "GUICHET_PXE_ADDRESS",
  smtpUrl: "GUICHET_SMTP_URL",
  mailFrom: "GUICHET_MAIL_FROM",
  publicUrl: "GUICHET_PUBLIC_URL",
  logLevel: "GUICHET_LOG_LEVEL",
} as const;

/** Defaults for a developer machine: no root needed, nothing privileged. */
export const DEV_DEFAULTS: Config = {
  dataDir: "./data",
  httpHost: "0.0.0.0",
  httpPort: 8080,
  httpsPort: 8443,
  tlsCert: null,
  tlsKey: null,
  dnsPort: 5353,
  tftpPort: 6969,
  mqttPort: 1883,
  pxe: null,
  pxeAddress: null,
  smtpUrl: null,
  mailFrom: "Guichet <guichet@localhost>",
  publicUrl: null,
  logLevel: "info",
};

/** Every key, its env name and its default: printed by `guichet --help` and documented in README. */
export function describeConfig(): { key: string; env: string; default: string }[] {
  return Object.entries(KEYS).map(([key, env]) => ({
    key,
    env,
    default: String((DEV_DEFAULTS as any)[key] ?? ""),
  }));
}

function port(key: keyof typeof KEYS, raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(`${KEYS[key]}="${raw}" : un numéro de port entre 0 et 65535 est attendu (0 désactive le service).`);
  const n = Number(raw);
  if (n > 65535) throw new ConfigError(`${KEYS[key]}=${raw} : un numéro de port entre 0 et 65535 est attendu.`);
  return n;
}

/** Reads env (and GUICHET_CONFIG, a JSON file with the same keys in camelCase); throws ConfigError. */
export function loadConfig(env: Source = process.env): Config {
  const fromFile: Source = {};
  const file = env.GUICHET_CONFIG;
  if (file) {
    if (!existsSync(file)) throw new ConfigError(`GUICHET_CONFIG=${file} : fichier introuvable.`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (e) {
      throw new ConfigError(`GUICHET_CONFIG=${file} : JSON invalide (${(e as Error).message}).`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new ConfigError(`GUICHET_CONFIG=${file} : un objet JSON est attendu.`);
    for (const [k, v] of Object.entries(parsed)) {
      if (!(k in KEYS)) throw new ConfigError(`GUICHET_CONFIG=${file} : clé inconnue « ${k} » (clés permises : ${Object.keys(KEYS).join(", ")}).`);
      fromFile[KEYS[k as keyof typeof KEYS]] = v === null ? "" : String(v);
    }
  }
  const get = (k: keyof typeof KEYS) => env[KEYS[k]] ?? fromFile[KEYS[k]];
  const c: Config = { ...DEV_DEFAULTS };
  const dataDir = get("dataDir");
  if (dataDir !== undefined) {
    if (!dataDir.trim()) throw new ConfigError(`${KEYS.dataDir} ne peut pas être vide.`);
    c.dataDir = dataDir;
  }
  c.dataDir = resolve(c.dataDir);
  const host = get("httpHost");
  if (host !== undefined) c.httpHost = host;
  for (const k of ["httpPort", "httpsPort", "dnsPort", "tftpPort", "mqttPort"] as const) {
    const raw = get(k);
    if (raw !== undefined && raw !== "") (c as any)[k] = port(k, raw);
  }
  // HTTPS needs both files; one without the other is a mistake worth stopping for.
  const cert = get("tlsCert")?.trim() || null;
  const key = get("tlsKey")?.trim() || null;
  if (cert || key) {
    if (!cert) throw new ConfigError(`${KEYS.tlsCert} manquant : ${KEYS.tlsKey} est donné, le certificat (fichier PEM) doit l'être aussi.`);
    if (!key) throw new ConfigError(`${KEYS.tlsKey} manquant : ${KEYS.tlsCert} est donné, la clé privée (fichier PEM) doit l'être aussi.`);
    for (const [k, f] of [["tlsCert", cert], ["tlsKey", key]] as const) {
      if (!existsSync(f)) throw new ConfigError(`${KEYS[k]}=${f} : fichier introuvable.`);
    }
    c.tlsCert = resolve(cert);
    c.tlsKey = resolve(key);
  }
  const pxe = get("pxe");
  if (pxe !== undefined) {
    const v = pxe.trim();
    if (v === "" || v === "off" || v === "0" || v === "false") c.pxe = null;
    else if (/^[a-zA-Z0-9_.:-]{1,15}$/.test(v)) c.pxe = v;
    else throw new ConfigError(`${KEYS.pxe}="${pxe}" : nom d'interface réseau attendu (ex. eth0), ou « off ».`);
  }
  const pxeAddress = get("pxeAddress")?.trim();
  if (pxeAddress) {
    if (!/^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(pxeAddress)) throw new ConfigError(`${KEYS.pxeAddress}="${pxeAddress}" : adresse IPv4 attendue (ex. 192.168.1.10).`);
    c.pxeAddress = pxeAddress;
  }
  const smtp = get("smtpUrl");
  if (smtp) {
    let u: URL;
    try {
      u = new URL(smtp);
    } catch {
      throw new ConfigError(`${KEYS.smtpUrl} : URL invalide, attendu smtp://utilisateur:motdepasse@hôte:port ou smtps://…`);
    }
    if (u.protocol !== "smtp:" && u.protocol !== "smtps:") throw new ConfigError(`${KEYS.smtpUrl} : le schéma doit être smtp:// ou smtps://.`);
    c.smtpUrl = smtp;
  }
  const from = get("mailFrom");
  if (from) c.mailFrom = from;
  const pub = get("publicUrl");
  if (pub) {
    try {
      new URL(pub);
    } catch {
      throw new ConfigError(`${KEYS.publicUrl}="${pub}" : URL invalide (ex. https://guichet.mairie.fr).`);
    }
    c.publicUrl = pub.replace(/\/+$/, "");
  }
  const lvl = get("logLevel");
  if (lvl) {
    if (!["debug", "info", "warn", "error"].includes(lvl)) throw new ConfigError(`${KEYS.logLevel}="${lvl}" : valeurs permises debug, info, warn, error.`);
    c.logLevel = lvl as Config["logLevel"];
  }
  return c;
}
