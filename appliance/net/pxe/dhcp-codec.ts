/** A small BOOTP/DHCP codec (RFC 2131/2132, 3396 long options, option overload): enough for proxy-DHCP. */

export const DHCP_MAGIC = 0x63825363;
/** BOOTP's fixed header is 236 bytes, then the 4-byte magic cookie. */
const HEADER = 236;
/** RFC 1542: relay agents and old PXE ROMs drop BOOTP replies shorter than this. */
export const BOOTP_MIN_SIZE = 300;

export const MSG = { DISCOVER: 1, OFFER: 2, REQUEST: 3, DECLINE: 4, ACK: 5, NAK: 6, RELEASE: 7, INFORM: 8 } as const;

export const OPT = {
  PAD: 0,
  HOSTNAME: 12,
  VENDOR_SPECIFIC: 43,
  REQUESTED_IP: 50,
  OVERLOAD: 52,
  MESSAGE_TYPE: 53,
  SERVER_ID: 54,
  PARAM_REQUEST: 55,
  MAX_SIZE: 57,
  VENDOR_CLASS: 60,
  CLIENT_ID: 61,
  TFTP_SERVER: 66,
  BOOTFILE: 67,
  USER_CLASS: 77,
  CLIENT_ARCH: 93,
  CLIENT_NDI: 94,
  CLIENT_UUID: 97,
  IPXE_ENCAP: 175,
  END: 255,
} as const;

/** A decoded packet; `options` keeps the order seen on the wire (repeated codes concatenated, RFC 3396). */
export interface DhcpPacket {
  op: number;
  htype: number;
  hlen: number;
  hops: number;
  xid: number;
  secs: number;
  flags: number;
  ciaddr: string;
  yiaddr: string;
  siaddr: string;
  giaddr: string;
  /** The 16-byte client hardware address field as sent (only the first `hlen` bytes matter). */
  chaddr: Uint8Array;
  sname: string;
  file: string;
  options: Map<number, Uint8Array>;
}

/** Thrown for bytes that are not a well-formed DHCP packet; the daemon drops them. */
export class DhcpDecodeError extends Error {}

function ipAt(b: Uint8Array, o: number) {
  return `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
}

/** Dotted quad → 4 bytes; throws on anything else. */
export function ipBytes(ip: string): number[] {
  const parts = ip.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) throw new DhcpDecodeError(`adresse IPv4 invalide : ${ip}`);
  return parts.map(Number);
}

/** A NUL-terminated string field (sname/file). */
function cstr(b: Uint8Array) {
  const end = b.indexOf(0);
  return new TextDecoder().decode(end < 0 ? b : b.subarray(0, end));
}

/** Walks an option area; a PAD is one byte with no length (the `dhcp` npm package got this wrong). */
function readOptions(area: Uint8Array, into: Map<number, Uint8Array>) {
  let i = 0;
  while (i < area.length) {
    const code = area[i]!;
    if (code === OPT.PAD) {
      i++;
      continue;
    }
    if (code === OPT.END) return;
    if (i + 1 >= area.length) throw new DhcpDecodeError(`option ${code} tronquée`);
    const len = area[i + 1]!;
    if (i + 2 + len > area.length) throw new DhcpDecodeError(`option ${code} dépasse la fin du paquet`);
    const value = area.subarray(i + 2, i + 2 + len);
    const prev = into.get(code);
    // RFC 3396: an option split in several instances is their concatenation.
    into.set(code, prev ? concat(prev, value) : value.slice());
    i += 2 + len;
  }
}

function concat(a: Uint8Array, b: Uint8Array) {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Parses a BOOTP/DHCP datagram; throws DhcpDecodeError when it is not one. */
export function decodeDhcp(buf: Uint8Array): DhcpPacket {
  if (buf.length < HEADER + 4) throw new DhcpDecodeError(`paquet trop court (${buf.length} octets)`);
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (v.getUint32(HEADER) !== DHCP_MAGIC) throw new DhcpDecodeError("cookie magique DHCP absent");
  const options = new Map<number, Uint8Array>();
  readOptions(buf.subarray(HEADER + 4), options);
  const fileField = buf.subarray(108, 236);
  const snameField = buf.subarray(44, 108);
  const overload = options.get(OPT.OVERLOAD)?.[0] ?? 0;
  // Option 52: the file (1), sname (2) or both (3) fields carry more options instead of text.
  if (overload & 1) readOptions(fileField, options);
  if (overload & 2) readOptions(snameField, options);
  const hlen = buf[2]!;
  if (hlen > 16) throw new DhcpDecodeError(`longueur d'adresse matérielle invalide (${hlen})`);
  return {
    op: buf[0]!,
    htype: buf[1]!,
    hlen,
    hops: buf[3]!,
    xid: v.getUint32(4),
    secs: v.getUint16(8),
    flags: v.getUint16(10),
    ciaddr: ipAt(buf, 12),
    yiaddr: ipAt(buf, 16),
    siaddr: ipAt(buf, 20),
    giaddr: ipAt(buf, 24),
    chaddr: buf.slice(28, 44),
    sname: overload & 2 ? "" : cstr(snameField),
    file: overload & 1 ? "" : cstr(fileField),
    options,
  };
}

/** Serialises a packet: options in map order, values over 255 bytes split (RFC 3396), END, padded to 300 bytes. */
export function encodeDhcp(p: DhcpPacket): Uint8Array {
  const opts: number[] = [];
  for (const [code, value] of p.options) {
    if (code === OPT.PAD || code === OPT.END) continue;
    if (value.length === 0) opts.push(code, 0);
    for (let o = 0; o < value.length; o += 255) {
      const chunk = value.subarray(o, Math.min(o + 255, value.length));
      opts.push(code, chunk.length, ...chunk);
    }
  }
  opts.push(OPT.END);
  const size = Math.max(BOOTP_MIN_SIZE, HEADER + 4 + opts.length);
  const buf = new Uint8Array(size);
  const v = new DataView(buf.buffer);
  buf[0] = p.op;
  buf[1] = p.htype;
  buf[2] = p.hlen;
  buf[3] = p.hops;
  v.setUint32(4, p.xid);
  v.setUint16(8, p.secs);
  v.setUint16(10, p.flags);
  buf.set(ipBytes(p.ciaddr), 12);
  buf.set(ipBytes(p.yiaddr), 16);
  buf.set(ipBytes(p.siaddr), 20);
  buf.set(ipBytes(p.giaddr), 24);
  buf.set(p.chaddr.subarray(0, 16), 28);
  const enc = new TextEncoder();
  const sname = enc.encode(p.sname);
  const file = enc.encode(p.file);
  if (sname.length > 63) throw new DhcpDecodeError("champ sname trop long (63 octets au plus)");
  if (file.length > 127) throw new DhcpDecodeError("champ file trop long (127 octets au plus)");
  buf.set(sname, 44);
  buf.set(file, 108);
  v.setUint32(HEADER, DHCP_MAGIC);
  buf.set(opts, HEADER + 4);
  return buf;
}

/** The client's MAC as lower-case aa:bb:cc:dd:ee:ff (Ethernet only). */
export function macOf(p: DhcpPacket): string {
  return [...p.chaddr.subarray(0, p.hlen)].map((b) => b.toString(16).padStart(2, "0")).join(":");
}

/** DHCP message type (option 53), or null for plain BOOTP. */
export function messageType(p: DhcpPacket): number | null {
  return p.options.get(OPT.MESSAGE_TYPE)?.[0] ?? null;
}

/** An option as text (vendor class, user class…). */
export function optionText(p: DhcpPacket, code: number): string | null {
  const v = p.options.get(code);
  return v ? new TextDecoder().decode(v) : null;
}

/** Client system architectures (option 93, a list of 16-bit codes; the first is the one in use). */
export function clientArches(p: DhcpPacket): number[] {
  const v = p.options.get(OPT.CLIENT_ARCH);
  if (!v) return [];
  const out: number[] = [];
  for (let i = 0; i + 1 < v.length; i += 2) out.push((v[i]! << 8) | v[i + 1]!);
  return out;
}

/**
 * Client machine UUID (option 97: type 0 then the 16 SMBIOS bytes) as 8-4-4-4-12 hex, or null. The first
 * three fields are little-endian on the wire (SMBIOS 2.6+), so they are swapped to read as the machine's
 * own UUID (what the firmware setup, dmidecode, qemu -uuid and inventories show).
 */
export function clientUuid(p: DhcpPacket): string | null {
  const v = p.options.get(OPT.CLIENT_UUID);
  if (!v || v.length !== 17 || v[0] !== 0) return null;
  const b = [...v.subarray(1)].map((x) => x.toString(16).padStart(2, "0"));
  const f = (idx: number[]) => idx.map((i) => b[i]).join("");
  return `${f([3, 2, 1, 0])}-${f([5, 4])}-${f([7, 6])}-${f([8, 9])}-${f([10, 11, 12, 13, 14, 15])}`;
}

/** User class (option 77) instances: RFC 3004 length-prefixed, or one raw string as iPXE sends it. */
export function userClasses(p: DhcpPacket): string[] {
  const v = p.options.get(OPT.USER_CLASS);
  if (!v || !v.length) return [];
  const dec = new TextDecoder();
  const out: string[] = [];
  let i = 0;
  while (i < v.length) {
    const len = v[i]!;
    if (len === 0 || i + 1 + len > v.length) return [dec.decode(v)];
    out.push(dec.decode(v.subarray(i + 1, i + 1 + len)));
    i += 1 + len;
  }
  return out;
}
