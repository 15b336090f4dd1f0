/**
 * The kiosk's inventory in the GLPI agent format. Linux reads /proc, /sys and dpkg; Windows reports only what
 * Node's `os` module knows (hardware basics, OS, CPUs, networks): no BIOS, drives or installed software yet.
 */
import { arch, cpus, hostname as osHostname, networkInterfaces, release, totalmem, version } from "node:os";
import { encode, type Inventory } from "../protocol";
import { AGENT_VERSION } from "../log";
import { linuxInterfaces, linuxSections, sysNet } from "./linux";

type Content = Inventory["content"];
type Network = NonNullable<Content["networks"]>[number];

/** The interface the kiosk most likely talks through: first non-internal IPv4 with a MAC. */
export function primaryInterface(): { name: string; ip: string; mac: string } | null {
  for (const [name, addrs] of Object.entries(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === "IPv4" && !a.internal && a.mac !== "00:00:00:00:00:00") return { name, ip: a.address, mac: a.mac };
  }
  return null;
}

function networks(linux: boolean): Network[] {
  const out: Network[] = [];
  const ifs = networkInterfaces();
  const names = new Set([...Object.keys(ifs), ...(linux ? linuxInterfaces() : [])]);
  for (const name of names) {
    const extra = linux ? sysNet(name) : { status: "up", type: name.toLowerCase().includes("loopback") ? "loopback" : "ethernet", virtualdev: undefined };
    const addrs = ifs[name] ?? [];
    // GLPI lists one entry per address (IPv4 and IPv6 apart), and the bare interface when it has none.
    if (!addrs.length) out.push({ description: name, status: extra.status, type: extra.type, virtualdev: extra.virtualdev });
    for (const a of addrs) {
      const base = { description: name, mac: a.mac, status: extra.status, type: extra.type, virtualdev: extra.virtualdev ?? a.internal };
      out.push(a.family === "IPv4" ? { ...base, ipaddress: a.address, ipmask: a.netmask } : { ...base, ipaddress6: a.address });
    }
  }
  return out;
}

function tzOffset(d: Date) {
  const m = -d.getTimezoneOffset();
  const sign = m >= 0 ? "+" : "-";
  const a = Math.abs(m);
  return `${sign}${String(Math.floor(a / 60)).padStart(2, "0")}${String(a % 60).padStart(2, "0")}`;
}

/** Collects the inventory; `deviceid` follows GLPI's "<hostname>-<date>" convention with a stable suffix. */
export async function collectInventory(name: string = osHostname()): Promise<Inventory> {
  const linux = process.platform === "linux";
  const l = linux ? await linuxSections() : {};
  const c = cpus();
  const now = new Date();
  const content: Content = {
    versionclient: `Guichet-Agent_v${AGENT_VERSION}`,
    hardware: { name, memory: Math.round(totalmem() / 1048576), ...l.hardware },
    ...(l.bios ? { bios: l.bios } : {}),
    operatingsystem: {
      name: linux ? "Linux" : process.platform === "win32" ? "Windows" : process.platform,
      arch: arch() === "x64" ? "x86_64" : arch(),
      kernel_name: process.platform === "win32" ? "MSWin32" : process.platform,
      kernel_version: release(),
      full_name: version(),
      fqdn: name,
      timezone: { name: Intl.DateTimeFormat().resolvedOptions().timeZone, offset: tzOffset(now) },
      ...l.operatingsystem,
    },
    cpus: l.cpus ?? (c.length ? [{ name: c[0]!.model, thread: c.length, speed: c[0]!.speed }] : []),
    networks: networks(linux),
    ...(l.drives ? { drives: l.drives } : {}),
    softwares: l.softwares ?? [],
  };
  const inv: Inventory = { v: 1, deviceid: `${name}-guichet`, itemtype: "Computer", action: "inventory", content };
  encode("inventory", inv); // throws if a source produced something our schema (and so GLPI's) would refuse
  return inv;
}
