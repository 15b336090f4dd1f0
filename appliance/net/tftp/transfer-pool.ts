/**
 * A bounded pool of transfer workers: each runs one transfer at a time as a blocking send/recv loop, so a
 * lockstep block costs two syscalls and no event-loop wakeup. When the pool is full or unavailable (no FFI,
 * worker not bundled), the server keeps the event-loop path.
 */
import { closeSync } from "node:fs";
import type { TransferEnd, TransferParams } from "./read-transfer";

/** A transfer handed to a worker; the worker owns (and closes) `fd` from then on. */
export interface WorkerJob {
  fd: number;
  size: number;
  /** Local IPv4 address to send from. */
  host: string;
  address: string;
  port: number;
  params: TransferParams;
  /** Longest busy poll for an ACK before sleeping (0: always sleep); see BlockingUdp. */
  spinMicros: number;
  /** One Int32 set to 1 to ask the worker to stop. */
  stop: SharedArrayBuffer;
}

/** Messages from a worker. */
export type WorkerReply = { kind: "ready"; ffi: boolean } | { kind: "end"; end: TransferEnd };

interface Slot {
  worker: Worker;
  stop: Int32Array;
  job: { fd: number; resolve: (e: TransferEnd) => void } | null;
}

/** How long a worker may take to load before the pool gives up on workers. */
const READY_TIMEOUT_MS = 5000;
/** How long stop() waits for running transfers to tell their clients before killing the workers. */
const STOP_GRACE_MS = 1000;

/** Worker threads running transfers; `start()` proves one can load and call libc, or leaves the pool disabled. */
export class TransferPool {
  private idle: Slot[] = [];
  private busy = new Set<Slot>();
  private enabled = false;
  /** Transfers run in workers since start. */
  served = 0;

  constructor(
    readonly max: number,
    private url = new URL("./transfer-worker.ts", import.meta.url).href,
  ) {}

  /** Starts one worker and waits for it; resolves to whether the pool will serve transfers. */
  async start(): Promise<{ ok: boolean; reason?: string }> {
    if (this.max <= 0) return { ok: false, reason: "désactivé" };
    try {
      this.idle.push(await this.spawn());
      this.enabled = true;
      return { ok: true };
    } catch (e) {
      return { ok: false, reason: (e as Error).message };
    }
  }

  /** Workers busy right now. */
  get active() {
    return this.busy.size;
  }

  private spawn(): Promise<Slot> {
    return new Promise((resolve, reject) => {
      let worker: Worker;
      try {
        worker = new Worker(this.url);
      } catch (e) {
        return reject(e);
      }
      const slot: Slot = { worker, stop: new Int32Array(new SharedArrayBuffer(4)), job: null };
      const timer = setTimeout(() => fail(new Error("le worker ne répond pas")), READY_TIMEOUT_MS);
      const fail = (e: Error) => {
        clearTimeout(timer);
        worker.terminate();
        reject(e);
      };
      worker.onerror = (ev) => fail(new Error(ev.message || "worker introuvable"));
      worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
        if (ev.data.kind !== "ready") return;
        clearTimeout(timer);
        if (!ev.data.ffi) return fail(new Error("bun:ffi ou libc indisponible"));
        worker.onmessage = (m: MessageEvent<WorkerReply>) => m.data.kind === "end" && this.finished(slot, m.data.end);
        worker.onerror = (m) => this.crashed(slot, m.message);
        (worker as unknown as { unref(): void }).unref();
        resolve(slot);
      };
    });
  }

  /** Runs the job in a free worker, or returns null (the caller uses the event-loop path and keeps `fd`). */
  run(job: Omit<WorkerJob, "stop">): Promise<TransferEnd> | null {
    if (!this.enabled || this.busy.size >= this.max) return null;
    const ready = this.idle.pop();
    const slotP = ready ? Promise.resolve(ready) : this.spawn();
    // Count the worker as busy while it loads, so that the bound holds.
    const placeholder = {} as Slot;
    this.busy.add(placeholder);
    return slotP.then(
      (slot) =>
        new Promise<TransferEnd>((resolve) => {
          this.busy.delete(placeholder);
          this.busy.add(slot);
          Atomics.store(slot.stop, 0, this.enabled ? 0 : 1);
          slot.job = { fd: job.fd, resolve };
          this.served++;
          slot.worker.postMessage({ ...job, stop: slot.stop.buffer as SharedArrayBuffer } satisfies WorkerJob);
        }),
      (e: Error) => {
        this.busy.delete(placeholder);
        closeSync(job.fd);
        return { ok: false, reason: `worker indisponible (${e.message})` } as TransferEnd;
      },
    );
  }

  private finished(slot: Slot, end: TransferEnd) {
    const job = slot.job;
    slot.job = null;
    this.busy.delete(slot);
    if (this.enabled) this.idle.push(slot);
    else slot.worker.terminate();
    job?.resolve(end);
  }

  /**
   * A worker died or would not stop: the slot is not reused. Its file descriptor is left to it: closing it here
   * while its thread may still be inside read() could close a number that another open() has reused meanwhile.
   */
  private crashed(slot: Slot, message: string) {
    const job = slot.job;
    slot.job = null;
    this.busy.delete(slot);
    this.idle = this.idle.filter((s) => s !== slot);
    slot.worker.terminate();
    job?.resolve({ ok: false, reason: `worker arrêté (${message})` });
  }

  /** Asks every running transfer to stop (each tells its client), waits a little, then ends all workers. */
  async stop() {
    this.enabled = false;
    for (const s of this.busy) if (s.stop) Atomics.store(s.stop, 0, 1);
    const t0 = performance.now();
    while (this.busy.size && performance.now() - t0 < STOP_GRACE_MS) await Bun.sleep(10);
    for (const s of this.busy) if (s.job) this.crashed(s, "arret du serveur");
    for (const s of this.idle) s.worker.terminate();
    this.idle = [];
    this.busy.clear();
  }
}
