/**
 * Idle time on Windows: `GetLastInputInfo` (user32) through bun:ffi. Windows answers for the session the agent
 * runs in, so it is right only when the agent runs in the patron's own session (started at logon by the task
 * scheduler); a service runs in session 0, which never has input: there the idle time is reported unknown.
 */
import { dlopen, FFIType } from "bun:ffi";
import type { AgentLog } from "../log";
import type { IdleSource } from "./source";

type Api = { lastInput(info: Uint32Array): number; tickCount(): number };

/** Reads the session's last input time from user32; see the file comment for when it is unknown. */
export class WindowsIdle implements IdleSource {
  private api: Api | null = null;

  constructor(private log: AgentLog) {}

  start() {
    try {
      const user32 = dlopen("user32.dll", { GetLastInputInfo: { args: [FFIType.ptr], returns: FFIType.i32 } });
      const kernel32 = dlopen("kernel32.dll", {
        GetTickCount: { args: [], returns: FFIType.u32 },
        GetCurrentProcessId: { args: [], returns: FFIType.u32 },
        ProcessIdToSessionId: { args: [FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
      });
      const sid = new Uint32Array(1);
      if (kernel32.symbols.ProcessIdToSessionId(kernel32.symbols.GetCurrentProcessId(), sid) && sid[0] === 0) {
        this.log.warn("l'agent tourne comme service (session 0) : il ne voit pas l'activité de l'usager, les sessions ne s'arrêtent pas pour inactivité");
        return;
      }
      this.api = { lastInput: (info) => user32.symbols.GetLastInputInfo(info), tickCount: () => kernel32.symbols.GetTickCount() };
    } catch (e) {
      this.log.warn(`mesure de l'inactivité indisponible : ${(e as Error).message}`);
    }
  }

  stop() {}

  idleSeconds(): number | null {
    if (!this.api) return null;
    // LASTINPUTINFO { UINT cbSize; DWORD dwTime }: dwTime is a GetTickCount() value (ms, wraps after 49.7 days).
    const info = new Uint32Array([8, 0]);
    if (!this.api.lastInput(info)) return null;
    return Math.floor(((this.api.tickCount() - info[1]!) >>> 0) / 1000);
  }
}
