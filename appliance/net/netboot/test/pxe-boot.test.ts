/**
 * End to end: a real PXE boot on a LAN of network namespaces. The router runs Debian's dnsmasq (addresses and
 * RAs only); Guichet runs with proxy-DHCP + TFTP + HTTP; qemu boots from the network, BIOS (qemu's iPXE ROM →
 * script over HTTP) then UEFI (OVMF's own PXE → ipxe.efi over TFTP → script over HTTP), and its serial console
 * must show the marker of the image Guichet chose for it. Needs root and /dev/net/tun (CI runs as root).
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createLan, missingTools, startRouterDhcp, watch, type Lan } from "./lan";
import { buildInitramfs, findKernel, MARKER } from "./test-image";
import { seedNetboot, withDataDir } from "./seed";

const dir = mkdtempSync("/tmp/guichet-pxe-");
const dataDir = join(dir, "data");
const BIOS_MAC = "52:54:00:6e:b0:01";
const UEFI_MAC = "52:54:00:6e:e0:02";
const BIOS_UUID = "4c4c4544-0048-3410-8039-b4c04f334b32";
let lan: Lan | null = null;
let guichet: ReturnType<typeof watch>;

function qemu(firmware: "bios" | "uefi") {
  const args = ["qemu-system-x86_64", "-cpu", "max", "-m", "512", "-smp", "1", "-display", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot", "-boot", "n"];
  args.push("-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no");
  // BIOS: qemu's e1000 ROM is iPXE. UEFI: virtio-net without ROM, so OVMF's own PXE client runs and
  // must chainload ipxe.efi over our TFTP first.
  if (firmware === "bios") args.push("-uuid", BIOS_UUID, "-device", `e1000,netdev=n0,mac=${BIOS_MAC}`);
  else args.push("-bios", "/usr/share/ovmf/OVMF.fd", "-device", `virtio-net-pci,netdev=n0,mac=${UEFI_MAC},romfile=`);
  const proc = Bun.spawn(["ip", "netns", "exec", lan!.client, ...args], { stdout: "pipe", stderr: "pipe" });
  lan!.procs.push(proc);
  return { proc, out: watch(proc, `qemu ${firmware}`) };
}

beforeAll(async () => {
  const missing = missingTools();
  if (missing.length) throw new Error(`Outils manquants pour le test de démarrage PXE : ${missing.join(", ")} (scripts/debian-packages.txt).`);
  if (process.getuid?.() !== 0) throw new Error("Le test de démarrage PXE crée des espaces de noms réseau : lancez-le en root (comme la CI).");
  const kernel = new Uint8Array(await Bun.file(findKernel()).arrayBuffer());
  const initrd = buildInitramfs();
  await withDataDir(dataDir, async (deps) => {
    const base = "console=ttyS0 panic=-1 quiet";
    const all = await seedNetboot(deps, { kernel, initrd, cmdline: `${base} guichet.marker=tous-les-postes` }, "Kiosque");
    const youth = await all.addImage("Kiosque jeunesse", { kernel, initrd, cmdline: `${base} guichet.marker=salle-jeunesse` });
    all.setDefault("", all.imageId);
    all.setDefault("Salle jeunesse", youth);
    all.addHost(UEFI_MAC, "EPN-07", "Salle jeunesse");
  });
  lan = createLan();
  await startRouterDhcp(lan, join(dir, "leases")).until(/started, version/, 15_000);
  const g = Bun.spawn(["ip", "netns", "exec", lan.guichet, process.execPath, "appliance/main.ts"], {
    cwd: join(import.meta.dir, "../../../.."),
    env: { ...process.env, GUICHET_DATA_DIR: dataDir, GUICHET_HTTP_PORT: "8080", GUICHET_TFTP_PORT: "69", GUICHET_PXE: "eth0", GUICHET_DNS_PORT: "0", GUICHET_MQTT_PORT: "0", GUICHET_LOG_LEVEL: "debug" },
    stdout: "pipe",
    stderr: "pipe",
  });
  lan.procs.push(g);
  guichet = watch(g, "guichet");
  await guichet.until(/service pxe démarré/, 60_000);
}, 120_000);

let failed = false;
afterAll(() => {
  lan?.destroy();
  // Keep the logs of a failed run for whoever reads the CI output; otherwise leave nothing behind.
  if (failed && guichet) {
    rmSync(join(dir, "data"), { recursive: true, force: true });
    writeFileSync(join(dir, "guichet.log"), guichet.text);
    console.error(`Journal de Guichet gardé dans ${join(dir, "guichet.log")}`);
  } else rmSync(dir, { recursive: true, force: true });
});

/** Marks the run failed when `fn` throws, so afterAll keeps the logs. */
async function tracked(fn: () => Promise<void>) {
  try {
    await fn();
  } catch (e) {
    failed = true;
    throw e;
  }
}

test("BIOS : un PC inconnu démarre l'image par défaut et devient candidat à l'enrôlement", () => tracked(async () => {
  const { out } = qemu("bios");
  // Up to the end of the line: the serial output arrives in pieces.
  const m = await out.until(new RegExp(`${MARKER} marker=(\\S+) url=(\\S+)\\r?\\n`), 150_000);
  expect(m[1]).toBe("tous-les-postes");
  // The kernel command line names the appliance's own address, not the router's.
  expect(m[2]).toBe("http://10.66.0.2:8080");
  expect(guichet.text).toContain(`"mac":"${BIOS_MAC}","arch":0,"ipxe":true`);
  const db = new Database(join(dataDir, "guichet.sqlite"), { readonly: true });
  const cand = db.query("SELECT mac, arch, uuid, ipxe FROM netboot_candidates WHERE mac = ?").get(BIOS_MAC) as { mac: string; arch: number; uuid: string; ipxe: number } | null;
  db.close();
  expect(cand).toEqual({ mac: BIOS_MAC, arch: 0, uuid: BIOS_UUID, ipxe: 1 });
}), 180_000);

test("UEFI (OVMF) : PXE d'EDK2 → ipxe.efi par TFTP → script HTTP → image du groupe du poste", () => tracked(async () => {
  const { out } = qemu("uefi");
  const m = await out.until(new RegExp(`${MARKER} marker=(\\S+) url=\\S+\\r?\\n`), 240_000);
  expect(m[1]).toBe("salle-jeunesse");
  // The first stage really went through proxy-DHCP (arch 7, not iPXE) and our TFTP.
  expect(guichet.text).toMatch(new RegExp(`"mac":"${UEFI_MAC}","arch":7,"ipxe":false,"fichier":"ipxe.efi"`));
  expect(guichet.text).toMatch(/TFTP terminé .*"fichier":"ipxe.efi","ok":true/);
  const db = new Database(join(dataDir, "guichet.sqlite"), { readonly: true });
  const host = db.query("SELECT last_boot_at, last_arch FROM netboot_hosts WHERE mac = ?").get(UEFI_MAC) as { last_boot_at: string | null; last_arch: number };
  db.close();
  expect(host.last_boot_at).not.toBeNull();
  expect(host.last_arch).toBe(7);
}), 300_000);
