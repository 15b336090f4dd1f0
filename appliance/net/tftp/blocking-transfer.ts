/**
 * One read transfer as a blocking loop (tftpd-hpa's shape), for transfer workers: send the window, block in
 * `recv` for the ACK, repeat. Same protocol as ReadTransfer: OACK, windows (RFC 7440), retransmits, rollover.
 */
import { blockOf, ERR, errorPacket, oackPacket, OP, opcode, parseError } from "./tftp-packet";
import { BlockPackets, type Source } from "./block-packets";
import { FAILED, TIMEOUT } from "./libc-udp";
import type { TransferEnd, TransferParams } from "./read-transfer";

/** What the loop needs from the socket; `recv` waits at most a short slice so that a stop request is seen. */
export interface BlockingSocket {
  send(buf: Uint8Array, length: number): boolean;
  /** Sends `count` datagrams at once (a window). */
  sendMany(packets: readonly Uint8Array[], count: number): boolean;
  /** Length received, `TIMEOUT` or `FAILED`. */
  recv(buf: Uint8Array): number;
  error(): string;
}

/** Runs the transfer to its end; `stopped()` is polled between packets and after each receive slice. */
export function runBlockingTransfer(sock: BlockingSocket, src: Source, p: TransferParams, stopped: () => boolean): TransferEnd {
  const blocks = new BlockPackets(src, p.blksize, p.windowsize, p.rolloverTo);
  const last = blocks.lastBlock;
  const rbuf = new Uint8Array(1024);
  const window: Uint8Array[] = [];
  const fail = (reason: string, code: number | null): TransferEnd => {
    if (code !== null) {
      const e = errorPacket(code, reason);
      sock.send(e, e.length);
    }
    return { ok: false, reason };
  };
  const lost = () => fail(`client injoignable (${sock.error()})`, null);

  let acked = 0;
  let sentUpTo = 0;
  let tries = 0;
  let oackPending = p.oack !== null;
  const oack = p.oack ? oackPacket(p.oack) : null;
  let deadline = 0;

  /** Sends the OACK or blocks acked+1 … acked+windowsize; false when the client is unreachable. */
  const transmit = (): boolean => {
    deadline = performance.now() + p.timeoutMs;
    if (oackPending) return sock.send(oack!, oack!.length);
    const end = Math.min(acked + p.windowsize, last);
    sentUpTo = end;
    if (end === acked + 1) {
      const pkt = blocks.packet(end);
      return sock.send(pkt, pkt.length);
    }
    let count = 0;
    for (let b = acked + 1; b <= end; b++) window[count++] = blocks.packet(b);
    return sock.sendMany(window, count);
  };

  if (!transmit()) return lost();
  for (;;) {
    if (stopped()) return fail("arret du serveur", ERR.UNDEFINED);
    const n = sock.recv(rbuf);
    if (n === FAILED) return lost();
    if (n !== TIMEOUT) {
      const pkt = rbuf.subarray(0, n);
      const op = opcode(pkt);
      if (op === OP.ERROR) {
        // Option probe (tsize) then abort is how PXE ROMs learn a file's size: a normal end.
        const e = parseError(pkt);
        return fail(`abandon par le client (${e.code}${e.message ? " : " + e.message : ""})`, null);
      }
      if (op !== OP.ACK) return fail(`opcode ${op} inattendu`, ERR.ILLEGAL_OP);
      const k = oackPending ? (blockOf(pkt) === 0 ? -1 : 0) : blocks.acknowledged(blockOf(pkt), acked, sentUpTo);
      if (k === -1) {
        oackPending = false;
        tries = 0;
        if (!transmit()) return lost();
        continue;
      }
      if (k > 0) {
        acked = k;
        tries = 0;
        if (k === last) return { ok: true, bytes: src.size };
        // A full window acknowledged, or a gap seen by the client: either way resume after block k.
        if (!transmit()) return lost();
        continue;
      }
      // An old or duplicate ACK is ignored (no Sorcerer's Apprentice), but it must not postpone the timeout.
    }
    if (performance.now() < deadline) continue;
    if (++tries > p.retries) return fail("délai dépassé : le client ne répond plus", ERR.UNDEFINED);
    if (!transmit()) return lost();
  }
}
