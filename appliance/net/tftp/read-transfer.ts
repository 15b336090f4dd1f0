/** One read transfer on its own UDP port (its TID): OACK, then windows of DATA blocks (RFC 7440), retransmits, rollover. */
import { blockOf, ERR, errorPacket, oackPacket, OP, opcode, parseError } from "./tftp-packet";
import { BlockPackets, type Source } from "./block-packets";

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
  private blocks: BlockPackets;

  constructor(
    private sock: TransferSocket,
    private src: Source,
    private p: TransferParams,
    private onEnd: (e: TransferEnd) => void,
  ) {
    this.blocks = new BlockPackets(src, p.blksize, p.windowsize, p.rolloverTo);
    this.lastBlock = this.blocks.lastBlock;
    this.oackConfirmed = !p.oack;
  }

  /** Sends the OACK or the first window. */
  begin() {
    if (this.p.oack) this.sendOack();
    else this.sendWindow();
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

  /** Sends blocks acked+1 … acked+windowsize (or up to the last one). */
  private sendWindow() {
    const first = this.acked + 1;
    const end = Math.min(this.acked + this.p.windowsize, this.lastBlock);
    this.sentUpTo = end;
    if (end === first) this.sendOne(this.blocks.packet(first));
    else {
      const packets: Uint8Array[] = [];
      for (let b = first; b <= end; b++) packets.push(this.blocks.packet(b));
      this.flush(packets);
    }
    if (!this.done) this.arm();
  }

  /** Lockstep: one packet, no array nor closure per block. */
  private sendOne(packet: Uint8Array) {
    try {
      if (this.sock.send(packet)) {
        if (this.pending.length) this.pending = [];
      } else this.pending = [packet];
    } catch (e) {
      this.lost((e as Error).message);
    }
  }

  private flush(packets: Uint8Array[]) {
    if (packets.length === 1) return this.sendOne(packets[0]!);
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
    const k = this.blocks.acknowledged(n, this.acked, this.sentUpTo);
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
