/** The agent's log: one line per event on stderr (journald / Windows service log), never a secret. */
import pkg from "../package.json";

/** Reported in status messages and inventories. */
export const AGENT_VERSION = pkg.version;

export interface AgentLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Logger writing `<time> <LEVEL> <message>` lines. */
export function agentLog(sink: (line: string) => void = (l) => process.stderr.write(l + "\n")): AgentLog {
  const line = (lvl: string, msg: string) => sink(`${new Date().toISOString()} ${lvl} ${msg}`);
  return { info: (m) => line("INFO", m), warn: (m) => line("WARN", m), error: (m) => line("ERROR", m) };
}
