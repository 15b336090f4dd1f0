/** Worker entry: runs one read transfer at a time as a blocking loop over a libc UDP socket (see transfer-pool.ts). */
import { closeSync } from "node:fs";
import { BlockingUdp, loadLibc } from "./libc-udp";
import { runBlockingTransfer } from "./blocking-transfer";
import { fileSource } from "./block-packets";
import type { TransferEnd } from "./read-transfer";
import type { WorkerJob, WorkerReply } from "./transfer-pool";

declare const self: Worker;

/** How long one `recv` blocks at most: the bound on how late a stop request is seen. */
const SLICE_MS = 100;

const libc = loadLibc();

function run(job: WorkerJob): TransferEnd {
  const stop = new Int32Array(job.stop);
  let sock: BlockingUdp;
  try {
    sock = BlockingUdp.open(libc!, job.host, job.address, job.port, Math.min(SLICE_MS, job.params.timeoutMs), job.spinMicros / 1000);
  } catch (e) {
    closeSync(job.fd);
    return { ok: false, reason: `socket de transfert impossible (${(e as Error).message})` };
  }
  const src = fileSource(job.fd, job.size);
  try {
    return runBlockingTransfer(sock, src, job.params, () => Atomics.load(stop, 0) !== 0);
  } catch (e) {
    return { ok: false, reason: `erreur interne : ${(e as Error).message}` };
  } finally {
    sock.close();
    src.close();
  }
}

self.onmessage = (ev: MessageEvent<WorkerJob>) => {
  const reply: WorkerReply = { kind: "end", end: run(ev.data) };
  self.postMessage(reply);
};

const hello: WorkerReply = { kind: "ready", ffi: libc !== null };
self.postMessage(hello);
