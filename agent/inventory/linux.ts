/** Linux inventory sources: /proc, /sys (DMI, network), /etc/os-release, statfs and dpkg-query. */
import { existsSync, readFileSync, readdirSync, statfsSync } from "node:fs";
import type { Inventory } from "../protocol";

type Content = Inventory["content"];

/** A file's trimmed text, or undefined when absent or unreadable (DMI serials need root). */
export function readText(path: string): string | undefined {
  try {
    const v = readFileSync(path, "utf8").trim();
    return v || undefined;
  } catch {
    return undefined;
  }
}

/** `KEY=value` lines (os-release) or `key : value` lines (cpuinfo, meminfo) as a map. */
export function keyValues(text: string, sep: "=" | ":"): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split("\n")) {
    const i = line.indexOf(sep);
    if (i < 0) continue;
    m.set(line.slice(0, i).trim(), line.slice(i + 1).trim().replace(/^"(.*)"$/, "$1"));
  }
  return m;
}

const DMI = "/sys/class/dmi/id/";
const dmi = (f: string) => readText(DMI + f);

// SMBIOS chassis type numbers → the words GLPI shows.
const CHASSIS: Record<string, string> = { "3": "Desktop", "4": "Low Profile Desktop", "6": "Mini Tower", "7": "Tower", "8": "Portable", "9": "Laptop", "10": "Notebook", "13": "All in One", "15": "Space-saving", "30": "Tablet", "31": "Convertible", "35": "Mini PC", "36": "Stick PC", "1": "Other" };

/** "MM/DD/YYYY" (DMI) → "YYYY-MM-DD" (GLPI). */
export function dmiDate(d: string | undefined) {
  const m = d && /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(d);
  return m ? `${m[3]}-${m[1]}-${m[2]}` : undefined;
}

function vmsystem(cpuinfo: string): string {
  const vendor = `${dmi("sys_vendor") ?? ""} ${dmi("product_name") ?? ""}`;
  if (/QEMU|KVM/i.test(vendor)) return "QEMU";
  if (/VMware/i.test(vendor)) return "VMware";
  if (/VirtualBox|innotek/i.test(vendor)) return "VirtualBox";
  if (/Microsoft Corporation/i.test(vendor) && /Virtual/i.test(vendor)) return "Hyper-V";
  if (existsSync("/.dockerenv")) return "Docker";
  return /\bhypervisor\b/.test(cpuinfo) ? "Virtual Machine" : "Physical";
}

function cpus(cpuinfo: string): NonNullable<Content["cpus"]> {
  const blocks = cpuinfo.split(/\n\s*\n/).filter((b) => b.includes("processor"));
  const byPackage = new Map<string, Map<string, string>>();
  for (const b of blocks) {
    const kv = keyValues(b, ":");
    byPackage.set(kv.get("physical id") ?? "0", kv);
  }
  return [...byPackage.values()].map((kv) => {
    const vendor = kv.get("vendor_id") ?? "";
    return {
      name: kv.get("model name"),
      manufacturer: vendor === "GenuineIntel" ? "Intel" : vendor === "AuthenticAMD" ? "AMD" : vendor || undefined,
      core: kv.has("cpu cores") ? Number(kv.get("cpu cores")) : undefined,
      thread: kv.has("siblings") ? Number(kv.get("siblings")) : blocks.length,
      speed: kv.has("cpu MHz") ? Math.round(Number(kv.get("cpu MHz"))) : undefined,
    };
  });
}

const REAL_FS = new Set(["ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "exfat", "ntfs", "ntfs3", "f2fs", "zfs", "jfs", "reiserfs"]);

function drives(): NonNullable<Content["drives"]> {
  const out: NonNullable<Content["drives"]> = [];
  for (const line of (readText("/proc/mounts") ?? "").split("\n")) {
    const [dev, mount, fs] = line.split(" ");
    if (!dev || !mount || !fs || !REAL_FS.has(fs)) continue;
    const path = mount.replace(/\\040/g, " ");
    try {
      const s = statfsSync(path);
      out.push({ volumn: dev, type: path, filesystem: fs, total: Math.round((s.blocks * s.bsize) / 1048576), free: Math.round((s.bavail * s.bsize) / 1048576) });
    } catch {
      // an unreadable mount point is skipped
    }
  }
  return out;
}

/** Interface facts from /sys: up/down, kind, whether it is virtual (no device behind it). */
export function sysNet(name: string) {
  const base = `/sys/class/net/${name}`;
  const state = readText(`${base}/operstate`);
  return {
    status: state === "up" || state === "down" || state === "dormant" || state === "lowerlayerdown" || state === "notpresent" || state === "testing" ? state : name === "lo" ? "up" : "unknown",
    type: name === "lo" ? "loopback" : existsSync(`${base}/wireless`) ? "wifi" : existsSync(`${base}/bridge`) ? "bridge" : "ethernet",
    virtualdev: !existsSync(`${base}/device`),
  };
}

/** Installed Debian packages (name, version, arch, size in bytes, maintainer, summary). */
async function softwares(): Promise<NonNullable<Content["softwares"]>> {
  if (!Bun.which("dpkg-query")) return [];
  const p = Bun.spawn(["dpkg-query", "-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\t${Installed-Size}\t${Maintainer}\t${binary:Summary}\n"], { stdout: "pipe", stderr: "ignore" });
  const text = await new Response(p.stdout).text();
  await p.exited;
  const out: NonNullable<Content["softwares"]> = [];
  for (const line of text.split("\n")) {
    const [status, name, version, arch, size, maint, summary] = line.split("\t");
    if (!name || !status?.startsWith("ii")) continue; // only installed packages, not removed-with-config
    out.push({ name, version: version || undefined, arch: arch || undefined, filesize: size && /^\d+$/.test(size) ? Number(size) * 1024 : undefined, publisher: maint?.slice(0, 300) || undefined, comments: summary?.slice(0, 1000) || undefined, from: "deb" });
  }
  return out;
}

/** Everything but networks and OS identity (shared with other platforms). */
export async function linuxSections(): Promise<Partial<Content>> {
  const cpuinfo = readText("/proc/cpuinfo") ?? "";
  const mem = keyValues(readText("/proc/meminfo") ?? "", ":");
  const mb = (k: string) => (mem.has(k) ? Math.round(parseInt(mem.get(k)!, 10) / 1024) : undefined);
  const osr = keyValues(readText("/etc/os-release") ?? "", "=");
  const up = Number((readText("/proc/uptime") ?? "0").split(" ")[0]);
  const boot = new Date(Date.now() - up * 1000);
  return {
    hardware: { uuid: dmi("product_uuid"), memory: mb("MemTotal"), swap: mb("SwapTotal"), vmsystem: vmsystem(cpuinfo), chassis_type: CHASSIS[dmi("chassis_type") ?? ""] },
    bios: { bdate: dmiDate(dmi("bios_date")), bmanufacturer: dmi("bios_vendor"), bversion: dmi("bios_version"), smanufacturer: dmi("sys_vendor"), smodel: dmi("product_name"), ssn: dmi("product_serial"), mmanufacturer: dmi("board_vendor"), mmodel: dmi("board_name"), msn: dmi("board_serial") },
    operatingsystem: { name: osr.get("NAME"), version: osr.get("VERSION") ?? osr.get("VERSION_ID"), full_name: osr.get("PRETTY_NAME"), boot_time: `${boot.toISOString().slice(0, 10)} ${boot.toISOString().slice(11, 19)}` },
    cpus: cpus(cpuinfo),
    drives: drives(),
    softwares: await softwares(),
  };
}

/** Interface names present in /sys (includes those without an address). */
export function linuxInterfaces() {
  try {
    return readdirSync("/sys/class/net");
  } catch {
    return [];
  }
}
