/** A tiny boot image for the PXE tests: Debian's kernel + a busybox initramfs that prints a marker on ttyS0 and powers off. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Marker line the initramfs prints; the test waits for it on the serial console. */
export const MARKER = "GUICHET-NETBOOT-OK";

/** The newest Debian kernel in /boot (package linux-image-amd64). */
export function findKernel(): string {
  const files = existsSync("/boot") ? readdirSync("/boot").filter((f) => /^vmlinuz-/.test(f)).sort() : [];
  if (!files.length) throw new Error("Aucun noyau dans /boot : installez le paquet Debian linux-image-amd64 (voir scripts/debian-packages.txt).");
  return join("/boot", files[files.length - 1]!);
}

interface Entry {
  name: string;
  mode: number;
  data?: Uint8Array;
  rdev?: [number, number];
}

/** Writes a "newc" cpio archive (what the kernel unpacks as initramfs); device nodes need no root this way. */
export function newcArchive(entries: Entry[]): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  const enc = new TextEncoder();
  let ino = 1;
  const pad4 = (n: number) => (4 - (n % 4)) % 4;
  const push = (e: Entry) => {
    const data = e.data ?? new Uint8Array(0);
    const name = enc.encode(e.name + "\0");
    const hex = (n: number) => n.toString(16).padStart(8, "0");
    const fields = [ino++, e.mode, 0, 0, 1, 0, data.length, 0, 0, e.rdev?.[0] ?? 0, e.rdev?.[1] ?? 0, name.length, 0];
    const header = enc.encode("070701" + fields.map(hex).join(""));
    chunks.push(header, name, new Uint8Array(pad4(header.length + name.length)), data, new Uint8Array(pad4(data.length)));
  };
  for (const e of entries) push(e);
  push({ name: "TRAILER!!!", mode: 0 });
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total + pad4(total));
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

const INIT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
arg() { /bin/busybox sed -n "s/.*$1=\\([^ ]*\\).*/\\1/p" /proc/cmdline; }
echo "${MARKER} marker=$(arg guichet.marker) url=$(arg guichet.url)"
/bin/busybox poweroff -f
`;

/** gzip-compressed initramfs whose /init prints `MARKER marker=<guichet.marker> url=<guichet.url>` then powers off. */
export function buildInitramfs(busybox = "/bin/busybox"): Uint8Array {
  if (!existsSync(busybox)) throw new Error("busybox statique absent : installez le paquet Debian busybox-static.");
  const dir = 0o040755;
  const cpio = newcArchive([
    { name: "bin", mode: dir },
    { name: "dev", mode: dir },
    { name: "proc", mode: dir },
    { name: "dev/console", mode: 0o020600, rdev: [5, 1] },
    { name: "bin/busybox", mode: 0o100755, data: readFileSync(busybox) },
    { name: "init", mode: 0o100755, data: new TextEncoder().encode(INIT) },
  ]);
  return Bun.gzipSync(new Uint8Array(cpio));
}
