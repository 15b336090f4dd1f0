/** DATA packets of one transfer, built from a read-ahead cache into reusable buffers; shared by both transfer paths. */
import { closeSync, readSync } from "node:fs";
import { OP } from "./tftp-packet";

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

/** Bytes read from the file at once. */
const READ_AHEAD = 1 << 20;

/** Builds DATA block n (1-based, before wrapping) of a source. */
export class BlockPackets {
  /** Number of the last block: a file that is an exact multiple of blksize ends with an empty block. */
  readonly lastBlock: number;
  /** Read-ahead: whole blocks of the file, so that lockstep transfers do one read per ~1 MiB, not per block. */
  private cache: Uint8Array;
  private cacheFirst = 1;
  private cacheBlocks = 0;
  /** One reusable packet per window slot: the kernel copies a datagram when it is sent. */
  private ring: Uint8Array[] = [];

  constructor(
    private src: Source,
    private blksize: number,
    private windowsize: number,
    private rolloverTo: 0 | 1,
  ) {
    this.lastBlock = Math.floor(src.size / blksize) + 1;
    const perChunk = Math.max(windowsize, Math.ceil(READ_AHEAD / blksize));
    this.cache = new Uint8Array(Math.min(perChunk * blksize, Math.max(src.size, 1)));
  }

  /** The 16-bit number block n carries on the wire: after 65535 it restarts at 0 or 1 (`rollover`). */
  wire(block: number) {
    if (block <= 0xffff) return block;
    return this.rolloverTo === 0 ? block & 0xffff : ((block - 1) % 0xffff) + 1;
  }

  /** The DATA packet of block n, valid until the same window slot is built again. */
  packet(block: number): Uint8Array {
    const bs = this.blksize;
    const pos = (block - 1) * bs;
    const len = Math.max(0, Math.min(bs, this.src.size - pos));
    const slot = (block - 1) % this.windowsize;
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

  /** Which block in (acked, sentUpTo] an ACK's 16-bit number names, or 0 for an old or duplicate ACK. */
  acknowledged(n: number, acked: number, sentUpTo: number) {
    for (let b = acked + 1; b <= sentUpTo; b++) if (this.wire(b) === n) return b;
    return 0;
  }
}
