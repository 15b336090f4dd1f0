/** Walking upstream responses without decoding them: where each record, its TTL and its data sit (for the cache). */
import { skipName, TYPE } from "./wire";

function u16(b: Uint8Array, o: number) {
  return (b[o]! << 8) | b[o + 1]!;
}

/** One record of a response, located (not decoded). */
export interface RecordRef {
  type: number;
  /** 0 answer, 1 authority, 2 additional. */
  section: number;
  ttlOffset: number;
  rdata: number;
  rdlen: number;
}

/** Walks a response: every record's type, section, TTL and data position; where OPT sits (-1 if none). */
export function scanResponse(b: Uint8Array): { records: RecordRef[]; ttlOffsets: number[]; optStart: number; optEnd: number } | null {
  if (b.length < 12) return null;
  const qd = u16(b, 4);
  const an = u16(b, 6);
  const ns = u16(b, 8);
  const total = an + ns + u16(b, 10);
  let o = 12;
  for (let i = 0; i < qd; i++) {
    o = skipName(b, o);
    if (o < 0 || o + 4 > b.length) return null;
    o += 4;
  }
  const records: RecordRef[] = [];
  const ttlOffsets: number[] = [];
  let optStart = -1;
  let optEnd = -1;
  for (let i = 0; i < total; i++) {
    const n = skipName(b, o);
    if (n < 0 || n + 10 > b.length) return null;
    const type = u16(b, n);
    const rdlen = u16(b, n + 8);
    const end = n + 10 + rdlen;
    if (end > b.length) return null;
    if (type === TYPE.OPT) {
      optStart = o;
      optEnd = end;
    } else {
      ttlOffsets.push(n + 4);
      records.push({ type, section: i < an ? 0 : i < an + ns ? 1 : 2, ttlOffset: n + 4, rdata: n + 10, rdlen });
    }
    o = end;
  }
  return { records, ttlOffsets, optStart, optEnd };
}

/** Reads a (possibly compressed) name as lower-case dotted text; null when malformed. */
export function readName(b: Uint8Array, off: number): string | null {
  const labels: string[] = [];
  let o = off;
  for (let guard = 0; guard < 128; guard++) {
    if (o >= b.length) return null;
    const len = b[o]!;
    if (len === 0) return labels.join(".");
    if ((len & 0xc0) === 0xc0) {
      if (o + 1 >= b.length) return null;
      o = ((len & 0x3f) << 8) | b[o + 1]!;
      continue;
    }
    if (o + 1 + len > b.length) return null;
    let l = "";
    for (let i = o + 1; i <= o + len; i++) {
      const c = b[i]!;
      l += String.fromCharCode(c >= 65 && c <= 90 ? c + 32 : c);
    }
    labels.push(l);
    o += 1 + len;
  }
  return null;
}

/** Text form of an A or AAAA record's data. */
export function ipText(b: Uint8Array, off: number, len: number): string {
  if (len === 4) return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
  const parts: string[] = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[off + i]! << 8) | b[off + i + 1]!).toString(16));
  return parts.join(":").replace(/(^|:)0(:0)+(:|$)/, "::");
}

/** Big-endian 32-bit read. */
export function get32(b: Uint8Array, o: number) {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}
