/** Loads the captured packets of ./fixtures and builds the few that qemu cannot produce. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DHCP_MAGIC } from "./dhcp-codec";

/** A captured DHCP payload by file name (without .bin). */
export function fixture(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(import.meta.dir, "fixtures", `${name}.bin`)));
}

/** Hand-made BOOTP request: header fields + raw option bytes (no END added: the caller decides). */
export function rawRequest(h: { op?: number; xid: number; mac: number[]; ciaddr?: number[]; giaddr?: number[]; flags?: number; file?: string }, options: number[]): Uint8Array {
  const buf = new Uint8Array(Math.max(300, 240 + options.length));
  const v = new DataView(buf.buffer);
  buf[0] = h.op ?? 1;
  buf[1] = 1;
  buf[2] = 6;
  v.setUint32(4, h.xid);
  v.setUint16(10, h.flags ?? 0);
  buf.set(h.ciaddr ?? [0, 0, 0, 0], 12);
  buf.set(h.giaddr ?? [0, 0, 0, 0], 24);
  buf.set(h.mac, 28);
  if (h.file) buf.set(new TextEncoder().encode(h.file), 108);
  v.setUint32(236, DHCP_MAGIC);
  buf.set(options, 240);
  return buf;
}

const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
/** An option as code, length, bytes. */
export const opt = (code: number, bytes: number[]) => [code, bytes.length, ...bytes];
export const optText = (code: number, s: string) => opt(code, ascii(s));

/** SMBIOS UUID 4c4c4544-0048-3410-8039-b4c04f334b32 as option 97 carries it (first three fields little-endian). */
const DELL_UUID_WIRE = [0x44, 0x45, 0x4c, 0x4c, 0x48, 0x00, 0x10, 0x34, 0x80, 0x39, 0xb4, 0xc0, 0x4f, 0x33, 0x4b, 0x32];

/** Intel-style BIOS PXE ROM (PXE 2.1, not iPXE) DISCOVER; a PAD byte sits between options 57 and 93 as some ROMs send it. */
export function intelBiosDiscover(): Uint8Array {
  const uuid = DELL_UUID_WIRE;
  return rawRequest({ xid: 0x1e2d3c4b, mac: [0x00, 0x1b, 0x21, 0x3a, 0x4b, 0x5c], flags: 0x8000 }, [
    ...opt(53, [1]),
    ...opt(57, [0x04, 0xec]),
    0,
    ...opt(93, [0, 0]),
    ...opt(94, [1, 2, 1]),
    ...opt(97, [0, ...uuid]),
    ...optText(60, "PXEClient:Arch:00000:UNDI:002001"),
    ...opt(55, [1, 2, 3, 5, 6, 11, 12, 13, 15, 16, 17, 18, 43, 54, 60, 67, 128, 129, 130, 131, 132, 133, 134, 135]),
    255,
  ]);
}

/** The same ROM asking the proxy on port 4011 (ciaddr set by then, PXE boot item in option 43). */
export function intelBiosProxyRequest(): Uint8Array {
  const uuid = DELL_UUID_WIRE;
  return rawRequest({ xid: 0x1e2d3c4c, mac: [0x00, 0x1b, 0x21, 0x3a, 0x4b, 0x5c], ciaddr: [10, 66, 0, 120] }, [
    ...opt(53, [3]),
    ...opt(57, [0x04, 0xec]),
    ...opt(93, [0, 0]),
    ...opt(94, [1, 2, 1]),
    ...opt(97, [0, ...uuid]),
    ...optText(60, "PXEClient:Arch:00000:UNDI:002001"),
    ...opt(43, [71, 4, 0x80, 0x00, 0x00, 0x00, 255]),
    255,
  ]);
}
