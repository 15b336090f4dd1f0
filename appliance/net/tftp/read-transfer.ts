/** One read transfer on its own UDP port (its TID): OACK, then windows of DATA blocks (RFC 7440), retransmits, rollover. */
import { closeSync, readSync } from "node:fs";
import { blockOf, ERR, errorPacket, oackPacket, OP, opcode, parseError } from "./tftp-packet";

/** Where the bytes come from: an open file (octet) or a converted copy in memory (netascii). */
export interface Source {
  size: number;
  read(into: Uint8Array, offset: number, length: number, position: number): number;
  close(): void;
}

/** Reads straight from a file descriptor (no copy of the file in memory). */
export function fileSource(fd: number, size: number): Source {
  return {
    size,
    read: (into, offset, length, position) => (length === 0 ? 0 : readSync(fd, into, offset, length, position)),
    close: () => closeSync(fd),
  };
}

/** An in-memory source (netascii conversion output). */
export function bufferSource(data: Uint8Array): Source {
  return {
    size: data.length,
    read(into, offset, length, position) {
      const chunk = data.subarray(position, position + length);
      into.set(chunk, offset);
      return chunk.length;
    },
    close() {},
  };
}

/** The socket side a transfer needs (a Bun UDP socket connected to the client). */
export interface TransferSocket {
  send(data: Uint8Array): boolean;
  sendMany(packets: readonly Uint8Array[]): number;
  close(): void;
}

export interface TransferParams {
  blksize: number;
  windowsize: number;
  timeoutMs: number;
  retries: number;
  /** Block number after 65535: 0 (the common default) or 1 (the `rollover` option). */
  rolloverTo: 0 | 1;
  /** Options to confirm first, or null to start with DATA block 1. */
  oack: Map<string, string> | null;
}

/** Bytes read from the file at once. */
const READ_AHEAD = 1 << 20;

export type TransferEnd = { ok: true; bytes: number } | { ok: false; reason: string };

/** Drives one transfer; `onEnd` is called exactly once. */
export class ReadTransfer {
  private acked = 0;
  private sentUpTo = 0;
  private readonly lastBlock: number;
  private tries = 0;
  private timer: Timer | null = null;
  private done = false;
  private pending: Uint8Array[] = [];
  private oackConfirmed: boolean;
  /** When the current wait expires; the timer is armed once and re-armed only when it fires early. */
  private deadline = 0;
  /** Read-ahead: whole blocks of the file, so that lockstep transfers do one read per ~1 MiB, not per block. */
  private cache: Uint8Array;
  private cacheFirst = 1;
  private cacheBlocks = 0;
  /** One reusable packet per window slot: the kernel copies a datagram when it is sent. */
  private ring: Uint8Array[] = [];

  constructor(
    private sock: TransferSocket,
    private src: Source,
    private p: TransferParams,
    private onEnd: (e: TransferEnd) => void,
  ) {
    // A file that is an exact multiple of blksize ends with an empty block.
    this.lastBlock = Math.floor(src.size / p.blksize) + 1;
    this.oackConfirmed = !p.oack;
    const perChunk = Math.max(p.windowsize, Math.ceil(READ_AHEAD / p.blksize));
    this.cache = new Uint8Array(Math.min(perChunk * p.blksize, Math.max(src.size, 1)));
  }

  /** Sends the OACK or the first window. */
  begin() {
    if (this.p.oack) this.sendOack();
    else this.sendWindow();
  }

  private wire(block: number) {
    if (block <= 0xffff) return block;
    return this.p.rolloverTo === 0 ? block & 0xffff : ((block - 1) % 0xffff) + 1;
  }

  private arm() {
    // Re-arming a timer for every block costs more than the block itself: move a deadline instead.
    this.deadline = performance.now() + this.p.timeoutMs;
    if (!this.timer) this.timer = setTimeout(() => this.onTimer(), this.p.timeoutMs);
  }

  private onTimer() {
    this.timer = null;
    if (this.done) return;
    const left = this.deadline - performance.now();
    if (left > 1) {
      this.timer = setTimeout(() => this.onTimer(), left);
      return;
    }
    this.onTimeout();
  }

  private sendOack() {
    if (!this.trySend(() => this.sock.send(oackPacket(this.p.oack!)))) return;
    this.arm();
  }

  /** Runs a send; a client gone meanwhile (a pending ICMP error makes the next send throw) ends the transfer. */
  private trySend<T>(send: () => T): boolean {
    try {
      send();
      return true;
    } catch (e) {
      this.lost((e as Error).message);
      return false;
    }
  }

  private packet(block: number) {
    const bs = this.p.blksize;
    const pos = (block - 1) * bs;
    const len = Math.max(0, Math.min(bs, this.src.size - pos));
    const slot = (block - 1) % this.p.windowsize;
    let buf = this.ring[slot];
    if (!buf) {
      buf = this.ring[slot] = new Uint8Array(4 + bs);
      buf[1] = OP.DATA;
    }
    const out = len === bs ? buf : buf.subarray(0, 4 + len);
    const w = this.wire(block);
    out[2] = w >> 8;
    out[3] = w & 0xff;
    if (len) {
      if (block < this.cacheFirst || block >= this.cacheFirst + this.cacheBlocks) {
        const n = this.src.read(this.cache, 0, Math.min(this.cache.length, this.src.size - pos), pos);
        this.cacheFirst = block;
        this.cacheBlocks = Math.ceil(n / bs);
      }
      const off = (block - this.cacheFirst) * bs;
      out.set(this.cache.subarray(off, off + len), 4);
    }
    return out;
  }

  /** Sends blocks acked+1 … acked+windowsize (or up to the last one). */
  private sendWindow() {
    const end = Math.min(this.acked + this.p.windowsize, this.lastBlock);
    const packets: Uint8Array[] = [];
    for (let b = this.acked + 1; b <= end; b++) packets.push(this.packet(b));
    this.sentUpTo = end;
    this.flush(packets);
    this.arm();
  }

  private flush(packets: Uint8Array[]) {
    if (packets.length === 1) {
      this.trySend(() => this.sock.send(packets[0]!) || (this.pending = packets));
      return;
    }
    let n = 0;
    if (!this.trySend(() => (n = this.sock.sendMany(packets)))) return;
    // The kernel buffer was full: the rest goes out on `drain` (a newer window replaces them, never the reverse).
    this.pending = n < packets.length ? packets.slice(n) : [];
  }

  /** The socket can take more packets. */
  drain() {
    if (this.done || !this.pending.length) return;
    const rest = this.pending;
    this.pending = [];
    this.flush(rest);
  }

  /** A datagram from the client's TID. */
  receive(buf: Uint8Array) {
    if (this.done) return;
    const op = opcode(buf);
    if (op === OP.ERROR) {
      // Option probe (tsize) then abort is how PXE ROMs learn a file's size: a normal end.
      const e = parseError(buf);
      this.finish({ ok: false, reason: `abandon par le client (${e.code}${e.message ? " : " + e.message : ""})` }, false);
      return;
    }
    if (op !== OP.ACK) {
      this.finish({ ok: false, reason: `opcode ${op} inattendu` }, true, ERR.ILLEGAL_OP);
      return;
    }
    const n = blockOf(buf);
    if (!this.oackConfirmed) {
      if (n !== 0) return;
      this.oackConfirmed = true;
      this.tries = 0;
      this.sendWindow();
      return;
    }
    // Find which sent block this ACK names (block numbers wrap); older or duplicate ACKs are ignored
    // so that a late duplicate never doubles the traffic (Sorcerer's Apprentice).
    let k = 0;
    for (let b = this.acked + 1; b <= this.sentUpTo; b++) {
      if (this.wire(b) === n) {
        k = b;
        break;
      }
    }
    if (!k) return;
    this.acked = k;
    this.tries = 0;
    if (k === this.lastBlock) {
      this.finish({ ok: true, bytes: this.src.size }, false);
      return;
    }
    // A full window acknowledged, or a gap seen by the client: either way resume after block k.
    this.sendWindow();
  }

  private onTimeout() {
    if (this.done) return;
    if (++this.tries > this.p.retries) {
      this.finish({ ok: false, reason: "délai dépassé : le client ne répond plus" }, true, ERR.UNDEFINED);
      return;
    }
    if (!this.oackConfirmed) this.sendOack();
    else this.sendWindow();
  }

  /** The client's port is closed (ICMP error): it is gone, nothing to tell it. */
  lost(reason: string) {
    this.finish({ ok: false, reason: `client injoignable (${reason})` }, false);
  }

  /** Stops the transfer (server shutdown). */
  abort(reason: string) {
    this.finish({ ok: false, reason }, true, ERR.UNDEFINED);
  }

  private finish(e: TransferEnd, notify: boolean, code: number = ERR.UNDEFINED) {
    if (this.done) return;
    this.done = true;
    if (this.timer) clearTimeout(this.timer);
    if (notify && !e.ok) {
      try {
        this.sock.send(errorPacket(code, e.reason));
      } catch {
        // socket already gone
      }
    }
    this.src.close();
    this.sock.close();
    this.onEnd(e);
  }
}
