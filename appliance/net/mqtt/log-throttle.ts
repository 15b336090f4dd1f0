/** Rate-limited warnings: a misbehaving kiosk (or 2,000 of them) must not flood the journal. */
import type { Logger } from "../../core/log";

/** Logs the first warning per key, then at most one per window with the count of those suppressed. */
export class LogThrottle {
  private seen = new Map<string, { at: number; suppressed: number }>();
  constructor(
    private log: Logger,
    private windowMs: number,
    private now: () => number = Date.now,
  ) {}

  warn(key: string, msg: string, data: Record<string, unknown> = {}) {
    const t = this.now();
    const s = this.seen.get(key);
    if (s && t - s.at < this.windowMs) {
      s.suppressed++;
      return;
    }
    this.log.warn(msg, s?.suppressed ? { ...data, ignorés: s.suppressed } : data);
    this.seen.set(key, { at: t, suppressed: 0 });
    // Bounded memory even when keys are attacker-chosen (addresses).
    if (this.seen.size > 5000) for (const [k, v] of this.seen) if (t - v.at >= this.windowMs) this.seen.delete(k);
    if (this.seen.size > 10_000) this.seen.clear();
  }
}
