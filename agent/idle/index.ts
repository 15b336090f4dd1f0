/** The kiosk's idle source for this platform: kernel input devices on Linux, GetLastInputInfo on Windows. */
import type { AgentLog } from "../log";
import { EvdevIdle } from "./evdev";
import { UNKNOWN_IDLE, type IdleSource } from "./source";
import { WindowsIdle } from "./windows";

export type { IdleSource } from "./source";

/** The Linux devices folder the agent reads by default (sysfs describes its devices). */
export const DEFAULT_INPUT_DIR = "/dev/input";

/** Picks the source; `inputDir` other than /dev/input (tests: a folder of FIFOs) is read without sysfs. */
export function createIdleSource(inputDir: string | null, log: AgentLog): IdleSource {
  if (process.platform === "win32") return new WindowsIdle(log);
  if (process.platform === "linux" && inputDir) return new EvdevIdle({ dir: inputDir, sysfs: inputDir === DEFAULT_INPUT_DIR ? "/sys/class/input" : null, log });
  return UNKNOWN_IDLE;
}
