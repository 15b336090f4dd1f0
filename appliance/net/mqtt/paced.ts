/** Tasks waiting at once that mean a burst (hundreds of kiosks dropping or arriving together). */
const BURST = 256;

/**
 * A first-in-first-out queue for the database work kiosks cause when they connect and drop (EPN heartbeat, offline
 * marking). Alone a task runs at once (next tick); when 2,000 kiosks drop together (switch reboot, network cut) the
 * queue runs in slices of 10 ms with 40 ms pauses, which lets the garbage collector run in between: measured on
 * the appliance, the memory peak of such a mass disconnection went from 220–230 MB to 175–185 MB, for about
 * 3 s more before the last tile shows "offline". One queue for both kinds keeps a kiosk's offline-then-online order.
 * Most of that peak was later traced to EPN's offline mark compiling a new SQLite statement per kiosk (native memory
 * freed only by the collector, ~11 KB each): it is now prepared once, and each task is one UPDATE and one tile read.
 */
export class Paced {
  private queue: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private sliceMs = 10,
    private pauseMs = 40,
  ) {}

  /** Queues a task; it must not throw (the caller wraps it). */
  run(task: () => void) {
    this.queue.push(task);
    // A burst begins: ask for an asynchronous collection now (JavaScriptCore, and mimalloc for the closed sockets'
    // native memory), so what the load left in the old generation is reclaimed before the burst's own garbage piles
    // on top. Measured with 2,000 agents dropping after 20 s of load: the peak rose 18 MB above its level before the
    // burst without it, 10 MB with it (medians of 3 runs; a hint once the burst is over did not help).
    if (this.queue.length === BURST) Bun.gc(false);
    this.timer ??= setTimeout(() => this.drain(), 0);
  }

  /** Tasks not run yet. */
  get pending() {
    return this.queue.length;
  }

  /** Drops what is left (the service is stopping: the database may close next). */
  clear() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.queue = [];
  }

  private drain() {
    const end = performance.now() + this.sliceMs;
    let i = 0;
    while (i < this.queue.length && performance.now() < end) this.queue[i++]!();
    this.queue.splice(0, i);
    this.timer = this.queue.length ? setTimeout(() => this.drain(), this.pauseMs) : null;
  }
}
