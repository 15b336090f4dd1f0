/** A small fixed-window limiter per key (client address): slows password guessing across accounts. */
import { TooMany } from "../errors";

export class RateLimiter {
  private windows = new Map<string, { start: number; count: number }>();
  constructor(
    private max: number,
    private windowMs: number,
    private now: () => number = Date.now,
  ) {}
  /** Counts one attempt; throws TooMany past the limit. */
  hit(key: string) {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      w = { start: t, count: 0 };
      this.windows.set(key, w);
      if (this.windows.size > 10_000) this.prune(t);
    }
    w.count++;
    if (w.count > this.max) {
      const wait = Math.ceil((w.start + this.windowMs - t) / 1000);
      throw new TooMany(`Trop de tentatives depuis cette adresse : réessayez dans ${wait} secondes.`, wait);
    }
  }
  private prune(t: number) {
    for (const [k, w] of this.windows) if (t - w.start >= this.windowMs) this.windows.delete(k);
  }
  reset() {
    this.windows.clear();
  }
}

/** 30 login-type attempts per minute per address. */
export const loginLimiter = new RateLimiter(30, 60_000);
