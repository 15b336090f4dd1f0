/** Minimal structured logger; redacts anything that looks like a secret before printing. */
export type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, data?: Record<string, unknown>): void;
  info(msg: string, data?: Record<string, unknown>): void;
  warn(msg: string, data?: Record<string, unknown>): void;
  error(msg: string, data?: Record<string, unknown>): void;
}

const SECRET_KEY = /pass(word)?|secret|token|cookie|authorization|totp|code/i;

/** Replaces values of secret-looking keys and credentials in URLs. */
export function redact(data: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!data) return data;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) {
    if (SECRET_KEY.test(k)) out[k] = "[masqué]";
    else if (typeof v === "string") out[k] = v.replace(/(\w+:\/\/)[^/@\s]+@/g, "$1[masqué]@");
    else out[k] = v;
  }
  return out;
}

/** Logger writing one JSON-ish line per event to stderr (journal-friendly). */
export function createLogger(level: Level = "info", sink: (line: string) => void = (l) => process.stderr.write(l + "\n")): Logger {
  const emit = (lvl: Level, msg: string, data?: Record<string, unknown>) => {
    if (ORDER[lvl] < ORDER[level]) return;
    const extra = redact(data);
    sink(`${new Date().toISOString()} ${lvl.toUpperCase()} ${msg}${extra ? " " + JSON.stringify(extra) : ""}`);
  };
  return {
    debug: (m, d) => emit("debug", m, d),
    info: (m, d) => emit("info", m, d),
    warn: (m, d) => emit("warn", m, d),
    error: (m, d) => emit("error", m, d),
  };
}

/** A logger that keeps nothing: for tests that don't look at logs. */
export const silentLogger: Logger = createLogger("error", () => {});
