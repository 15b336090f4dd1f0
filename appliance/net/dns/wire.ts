/**
 * The few byte-level DNS operations on the hot path: read a query's header, question and EDNS OPT
 * (RFC 1035 §4.1, RFC 6891) and build small replies. Full encode/decode of rich answers goes through
 * `dns-packet`; this file exists because queries come from strangers (every field
 * is bounds-checked) and because copying the client's question bytes keeps its 0x20 case as sent.
 */

export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const RCODE_NAMES = ["NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED"];
export const TYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, OPT: 41, HTTPS: 65, ANY: 255 } as const;
/** Largest UDP answer we send (DNS flag day 2020 value), whatever a client advertises. */
export const MAX_UDP = 1232;

export interface Edns {
  udpSize: number;
  do: boolean;
  version: number;
}

/** A well-formed standard query. */
export interface Query {
  id: number;
  flags: number;
  /** Lower-case, dotted, without the final dot ("" for the root); odd bytes escaped as \DDD. */
  name: string;
  /** Same as `name` with the client's case kept (for encoders that rebuild the question). */
  nameOrig: string;
  /** True when a label holds bytes outside letters, digits, "-" and "_": never matched against lists. */
  odd: boolean;
  qtype: number;
  qclass: number;
  /** Offset just after the question: bytes [12, qEnd) are copied into replies. */
  qEnd: number;
  edns: Edns | null;
  raw: Uint8Array;
}

/** Why a packet is not a query we answer normally: drop silently, or reply with an error code. */
export type Rejection = { drop: true } | { drop: false; id: number; flags: number; rcode: number; q: Query | null; badVersion?: boolean };

function u16(b: Uint8Array, o: number) {
  return (b[o]! << 8) | b[o + 1]!;
}

/** Reads a name at `off`; returns the offset after it, or -1 when it runs past the end or loops. */
export function skipName(b: Uint8Array, off: number): number {
  let o = off;
  for (let guard = 0; guard < 128; guard++) {
    if (o >= b.length) return -1;
    const len = b[o]!;
    if (len === 0) return o + 1;
    if ((len & 0xc0) === 0xc0) return o + 2 <= b.length ? o + 2 : -1;
    if (len & 0xc0) return -1;
    o += 1 + len;
  }
  return -1;
}

/** Scratch for the common-case name decode; `latin1Slice` is Bun/Node's fastest bytes → string path. */
const SCRATCH = Buffer.alloc(256) as Buffer & { latin1Slice(start: number, end: number): string };

/** Slow path for names with odd bytes: each such byte written \DDD so that names stay unambiguous. */
function escapedName(b: Uint8Array, start: number): { name: string; orig: string } {
  const labels: string[] = [];
  const origs: string[] = [];
  for (let o = start; b[o]! !== 0; o += 1 + b[o]!) {
    let l = "";
    let lo = "";
    for (let i = o + 1; i <= o + b[o]!; i++) {
      const c = b[i]!;
      const plain = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
      if (plain) (l += String.fromCharCode(c)), (lo += String.fromCharCode(c));
      else if (c >= 65 && c <= 90) (l += String.fromCharCode(c + 32)), (lo += String.fromCharCode(c));
      else {
        const esc = "\\" + String(c).padStart(3, "0");
        l += esc;
        lo += esc;
      }
    }
    labels.push(l);
    origs.push(lo);
  }
  return { name: labels.join("."), orig: origs.join(".") };
}

/** Parses a query; anything malformed becomes a Rejection (FORMERR when a reply can be addressed). */
export function parseQuery(b: Uint8Array): Query | Rejection {
  if (b.length < 12) return { drop: true };
  const id = u16(b, 0);
  const flags = u16(b, 2);
  // A response sent to us (QR=1) is never answered: that is how reflection loops start.
  if (flags & 0x8000) return { drop: true };
  const opcode = (flags >> 11) & 0xf;
  const qd = u16(b, 4);
  const an = u16(b, 6);
  const ns = u16(b, 8);
  const ar = u16(b, 10);
  if (opcode !== 0) return { drop: false, id, flags, rcode: RCODE.NOTIMP, q: null };
  if (qd !== 1 || an !== 0 || ns !== 0) return { drop: false, id, flags, rcode: RCODE.FORMERR, q: null };
  // Question name: labels only (a query has nothing earlier to point to). First pass: structure and bytes.
  let o = 12;
  let odd = false;
  let upper = false;
  for (;;) {
    if (o >= b.length) return { drop: false, id, flags, rcode: RCODE.FORMERR, q: null };
    const len = b[o]!;
    if (len === 0) break;
    if (len > 63 || o + 1 + len > b.length || o + 1 + len - 12 > 254) return { drop: false, id, flags, rcode: RCODE.FORMERR, q: null };
    for (let i = o + 1; i <= o + len; i++) {
      const c = b[i]!;
      if ((c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95) continue;
      if (c >= 65 && c <= 90) upper = true;
      else odd = true;
    }
    o += 1 + len;
  }
  const nameEnd = o;
  o++;
  let name: string;
  let orig: string;
  if (!odd) {
    // Second pass, the common case: the wire bytes with length bytes turned into dots, one string.
    const n = nameEnd - 13;
    if (n <= 0) name = orig = "";
    else {
      for (let i = 0, p = 12; i < n; i++) {
        const c = b[13 + i]!;
        SCRATCH[i] = 13 + i === p + 1 + b[p]! ? ((p += 1 + b[p]!), 46) : c;
      }
      orig = SCRATCH.latin1Slice(0, n);
      name = upper ? orig.toLowerCase() : orig;
    }
  } else {
    ({ name, orig } = escapedName(b, 12));
  }
  if (o + 4 > b.length) return { drop: false, id, flags, rcode: RCODE.FORMERR, q: null };
  const qtype = u16(b, o);
  const qclass = u16(b, o + 2);
  const qEnd = o + 4;
  const q: Query = { id, flags, name, nameOrig: orig, odd, qtype, qclass, qEnd, edns: null, raw: b };
  // Additional section: at most one OPT pseudo-record (RFC 6891 §6.1.1); other records are ignored.
  o = qEnd;
  for (let i = 0; i < ar; i++) {
    const n = skipName(b, o);
    if (n < 0 || n + 10 > b.length) return { drop: false, id, flags, rcode: RCODE.FORMERR, q };
    const type = u16(b, n);
    const rdlen = u16(b, n + 8);
    if (n + 10 + rdlen > b.length) return { drop: false, id, flags, rcode: RCODE.FORMERR, q };
    if (type === TYPE.OPT) {
      if (q.edns || b[o] !== 0) return { drop: false, id, flags, rcode: RCODE.FORMERR, q };
      const version = b[n + 5]!;
      // Absurd sizes are clamped: below 512 means 512 (RFC 6891 §6.2.3), above ours means ours.
      const udpSize = Math.min(Math.max(u16(b, n + 2), 512), MAX_UDP);
      q.edns = { udpSize, do: (b[n + 6]! & 0x80) !== 0, version };
    }
    o = n + 10 + rdlen;
  }
  if (q.edns && q.edns.version !== 0) return { drop: false, id, flags, rcode: 0, q, badVersion: true };
  return q;
}

export function isRejection(x: Query | Rejection): x is Rejection {
  return (x as Rejection).drop !== undefined;
}

const OPTS = [buildOpt(false, 0), buildOpt(true, 0)];

/** Our OPT record: root name, our UDP size, the DO bit echoed (RFC 3225), optional extended rcode. Read-only. */
export function optRecord(doBit: boolean, extRcode = 0): Uint8Array {
  return extRcode ? buildOpt(doBit, extRcode) : OPTS[doBit ? 1 : 0]!;
}

function buildOpt(doBit: boolean, extRcode: number): Uint8Array {
  const r = new Uint8Array(11);
  r[2] = TYPE.OPT;
  r[3] = MAX_UDP >> 8;
  r[4] = MAX_UDP & 0xff;
  r[5] = extRcode;
  r[7] = doBit ? 0x80 : 0;
  return r;
}

/** Response flags: QR, RD and CD copied from the query, RA set, the given rcode (+AA). */
export function replyFlags(queryFlags: number, rcode: number, aa = false) {
  return 0x8000 | (aa ? 0x0400 : 0) | (queryFlags & 0x0100) | 0x0080 | (queryFlags & 0x0010) | (rcode & 0xf);
}

/**
 * Builds a reply: header, the client's question bytes, the given raw records (already counted per
 * section), and our OPT when the client used EDNS.
 */
export function buildReply(q: Query, rcode: number, records: { an?: Uint8Array[]; ns?: Uint8Array[] } = {}, aa = false): Uint8Array {
  const an = records.an ?? [];
  const ns = records.ns ?? [];
  const opt = q.edns ? optRecord(q.edns.do) : null;
  let len = q.qEnd + (opt ? opt.length : 0);
  for (const r of an) len += r.length;
  for (const r of ns) len += r.length;
  const out = new Uint8Array(len);
  copyHead(out, q.raw, q.qEnd);
  writeHeader(out, q.id, replyFlags(q.flags, rcode, aa), 1, an.length, ns.length, opt ? 1 : 0);
  let o = q.qEnd;
  for (const r of an) o = copyBytes(out, r, o);
  for (const r of ns) o = copyBytes(out, r, o);
  if (opt) copyBytes(out, opt, o);
  return out;
}

/** buildReply for the common one-record case (blocked names, negative answers): no arrays to build. */
export function buildReply1(q: Query, rcode: number, record: Uint8Array, inAnswer: boolean, aa = false): Uint8Array {
  const opt = q.edns ? optRecord(q.edns.do) : null;
  const out = new Uint8Array(q.qEnd + record.length + (opt ? opt.length : 0));
  copyHead(out, q.raw, q.qEnd);
  writeHeader(out, q.id, replyFlags(q.flags, rcode, aa), 1, inAnswer ? 1 : 0, inAnswer ? 0 : 1, opt ? 1 : 0);
  const o = copyBytes(out, record, q.qEnd);
  if (opt) copyBytes(out, opt, o);
  return out;
}

/**
 * Copies `src` into `out` at `o` and returns the offset after it. Small arrays (records, headers) are copied
 * byte by byte: TypedArray.set is a native call that costs more than the copy itself below ~100 bytes.
 */
export function copyBytes(out: Uint8Array, src: Uint8Array, o: number): number {
  const n = src.length;
  if (n > 128) out.set(src, o);
  else for (let i = 0; i < n; i++) out[o + i] = src[i]!;
  return o + n;
}

/** Error reply for a rejected packet: the question when we could read it, our OPT when it had one. */
export function buildError(r: Exclude<Rejection, { drop: true }>): Uint8Array {
  if (r.q) {
    if (!r.badVersion) return buildReply(r.q, r.rcode);
    // BADVERS = 16: the upper 8 bits travel in the OPT record (RFC 6891 §6.1.3).
    const opt = optRecord(r.q.edns?.do ?? false, 1);
    const out = new Uint8Array(r.q.qEnd + opt.length);
    out.set(r.q.raw.subarray(0, r.q.qEnd), 0);
    writeHeader(out, r.id, replyFlags(r.flags, 0), 1, 0, 0, 1);
    out.set(opt, r.q.qEnd);
    return out;
  }
  const out = new Uint8Array(12);
  writeHeader(out, r.id, replyFlags(r.flags, r.rcode) | (r.flags & 0x7800), 0, 0, 0, 0);
  return out;
}

/** Big-endian 32-bit write without touching `.buffer`. */
export function put32(b: Uint8Array, o: number, v: number) {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}

/** Copies b[0, n) into out at 0 (a loop beats subarray+set for the ~30 bytes of a header and question). */
export function copyHead(out: Uint8Array, b: Uint8Array, n: number) {
  for (let i = 0; i < n; i++) out[i] = b[i]!;
}

export function writeHeader(out: Uint8Array, id: number, flags: number, qd: number, an: number, ns: number, ar: number) {
  out[0] = id >> 8;
  out[1] = id & 0xff;
  out[2] = flags >> 8;
  out[3] = flags & 0xff;
  out[4] = qd >> 8;
  out[5] = qd & 0xff;
  out[6] = an >> 8;
  out[7] = an & 0xff;
  out[8] = ns >> 8;
  out[9] = ns & 0xff;
  out[10] = ar >> 8;
  out[11] = ar & 0xff;
}
