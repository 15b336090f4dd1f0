/** TFTP wire format (RFC 1350) with option extension (RFC 2347): parse requests, build DATA/OACK/ERROR. */

export const OP = { RRQ: 1, WRQ: 2, DATA: 3, ACK: 4, ERROR: 5, OACK: 6 } as const;

/** RFC 1350 error codes, plus 8 from RFC 2347. */
export const ERR = { UNDEFINED: 0, NOT_FOUND: 1, ACCESS: 2, DISK_FULL: 3, ILLEGAL_OP: 4, UNKNOWN_TID: 5, EXISTS: 6, NO_USER: 7, OPTION_REFUSED: 8 } as const;

/** A read or write request: file name, transfer mode and options (names lower-cased). */
export interface TftpRequest {
  op: number;
  filename: string;
  mode: string;
  options: Map<string, string>;
}

/** A packet that cannot be a TFTP request; the server answers with error 4. */
export class TftpParseError extends Error {}

const latin1 = new TextDecoder("latin1");

/** Splits the NUL-terminated strings after the opcode. */
function strings(buf: Uint8Array, from: number): string[] {
  const out: string[] = [];
  let start = from;
  for (let i = from; i < buf.length; i++) {
    if (buf[i] === 0) {
      out.push(latin1.decode(buf.subarray(start, i)));
      start = i + 1;
    }
  }
  if (start !== buf.length) throw new TftpParseError("chaîne non terminée par NUL");
  return out;
}

/** Parses an RRQ/WRQ datagram. */
export function parseRequest(buf: Uint8Array): TftpRequest {
  if (buf.length < 4) throw new TftpParseError("paquet trop court");
  const op = (buf[0]! << 8) | buf[1]!;
  if (op !== OP.RRQ && op !== OP.WRQ) throw new TftpParseError(`opcode ${op} inattendu`);
  const s = strings(buf, 2);
  if (s.length < 2 || s.length % 2 !== 0) throw new TftpParseError("requête mal formée");
  const options = new Map<string, string>();
  for (let i = 2; i + 1 < s.length; i += 2) options.set(s[i]!.toLowerCase(), s[i + 1]!);
  return { op, filename: s[0]!, mode: s[1]!.toLowerCase(), options };
}

/** Opcode of any TFTP datagram (0 when too short). */
export function opcode(buf: Uint8Array) {
  return buf.length >= 2 ? (buf[0]! << 8) | buf[1]! : 0;
}

/** Block number of an ACK or DATA datagram. */
export function blockOf(buf: Uint8Array) {
  return buf.length >= 4 ? (buf[2]! << 8) | buf[3]! : -1;
}

/** An ERROR packet; the message is ASCII-only because many clients print it raw. */
export function errorPacket(code: number, message: string): Uint8Array {
  const ascii = message.normalize("NFD").replace(/[^\x20-\x7e]/g, "");
  const out = new Uint8Array(5 + ascii.length);
  out[1] = OP.ERROR;
  out[3] = code;
  for (let i = 0; i < ascii.length; i++) out[4 + i] = ascii.charCodeAt(i);
  return out;
}

/** Code and message of an ERROR packet. */
export function parseError(buf: Uint8Array) {
  return { code: blockOf(buf), message: latin1.decode(buf.subarray(4, Math.max(4, buf.length - 1))) };
}

/** An OACK listing the accepted options. */
export function oackPacket(options: Map<string, string>): Uint8Array {
  const parts: number[] = [0, OP.OACK];
  for (const [k, v] of options) {
    for (const c of k) parts.push(c.charCodeAt(0));
    parts.push(0);
    for (const c of v) parts.push(c.charCodeAt(0));
    parts.push(0);
  }
  return Uint8Array.from(parts);
}

/** A RRQ as a client sends it (used by tests and the benchmark's own checks). */
export function requestPacket(op: number, filename: string, mode = "octet", options: Record<string, string> = {}): Uint8Array {
  const parts: number[] = [0, op];
  for (const s of [filename, mode, ...Object.entries(options).flat()]) {
    for (const c of s) parts.push(c.charCodeAt(0) & 0xff);
    parts.push(0);
  }
  return Uint8Array.from(parts);
}
