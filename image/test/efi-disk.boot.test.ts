// The release disk image as a town hall installs it on a single-disk mini-PC: guichet-efi.img written
// to a larger NVMe disk, booted by UEFI firmware with Secure Boot enforced (Debian's signed shim,
// grub and kernel), an Intel NIC. First boot makes the data partition in the free space; writing the
// image again over the disk (an upgrade) keeps the data. No test hook: this is the shipped image.
// Minutes under software emulation: `npm run test:boot` only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { $ } from "bun";
import { buildReleaseImage, ROOT } from "./build";
import { HttpClient } from "../../scripts/test/appliance-process";
import { freePort, Vm, type Forwards } from "./qemu";

const MIN = 60_000;
const ARTIFACTS = join(ROOT, ".test-artifacts", "image");
const ADMIN = { name: "Bruno Petit", email: "bruno@mairie.test", password: "un mot de passe assez long" };
const ORG = { name: "Mairie de Sainte-Nvme", siret: "21470001600014" };

let dir: string;
let efi: string;
let disk: string;
let forwards: Forwards;
let vm: Vm | null = null;
const figures: string[] = [];

/** Boots the disk through OVMF with Secure Boot and waits for /api/health over HTTPS. */
async function boot(name: string) {
  vm = Vm.start({ disk, diskBus: "nvme", nic: "e1000e", uefi: "secure", dir, name, forwards });
  const api = new HttpClient(`https://127.0.0.1:${forwards.https}`, { selfSigned: true });
  try {
    await vm.until("GET /api/health en HTTPS", async () => (await api.get("/api/health")).status === 200, 6 * MIN, 1000);
  } catch (e) {
    await keep(vm, `échec-${name}`);
    throw e;
  }
  figures.push(`${name} : /api/health en ${vm.elapsed().toFixed(1)} s (UEFI Secure Boot, NVMe, e1000e)`);
  return { vm, api };
}

async function keep(v: Vm, label: string) {
  mkdirSync(ARTIFACTS, { recursive: true });
  writeFileSync(join(ARTIFACTS, `efi-${label}.serial.log`), v.serial());
  if (v.running) writeFileSync(join(ARTIFACTS, `efi-${label}.screen.png`), await v.screenshot());
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guichet-efi-"));
  disk = join(dir, "nvme.img");
});

afterAll(async () => {
  if (vm) await vm.kill();
  console.log(["== image disque EFI", ...figures.map((f) => `   ${f}`)].join("\n"));
  rmSync(dir, { recursive: true, force: true });
});

describe("image disque EFI sur un mini-PC à un seul disque", () => {
  test("construction de l'image de livraison", async () => {
    const r = await buildReleaseImage(dir, "efi");
    efi = r.efi;
    figures.push(...r.log.split("\n").filter((l) => /guichet-efi\.img|initramfs\.img/.test(l)).map((l) => l.trim()));
    // The image written to a 4 GiB disk, as `dd` does on the mini-PC.
    await $`cp ${efi} ${disk} && truncate -s 4G ${disk}`;
    forwards = { https: await freePort(), http: await freePort(), dns: await freePort() };
  }, 10 * MIN);

  test("premier démarrage : partition de données créée après l'image, installation", async () => {
    const { vm, api } = await boot("efi-premier");
    const table = await $`sgdisk -p ${disk}`.text();
    expect(table).toMatch(/\s1\s+2048\s+\d+\s+.*EF00\s+GUICHET-BOOT/);
    expect(table).toMatch(/\s2\s+2097152\s+\d+\s+.*8300\s+GUICHET-DATA/);
    expect((await api.get("/api/setup")).body.needed).toBe(true);
    const setup = await api.post("/api/setup", { organisation: ORG, admin: ADMIN });
    expect(setup.status).toBe(200);
    await keep(vm, "premier");
    await vm.powerButton(3 * MIN);
  }, 10 * MIN);

  test("image réécrite sur le disque (mise à jour) : les données sont toujours là", async () => {
    // dd over the start of the disk: a new GPT with only the boot partition, as a fresh image has.
    await $`dd if=${efi} of=${disk} bs=1M conv=notrunc status=none`;
    expect(await $`sgdisk -p ${disk}`.text()).not.toContain("GUICHET-DATA");
    const { vm, api } = await boot("efi-réécrit");
    expect((await api.get("/api/setup")).body.needed).toBe(false);
    const login = await api.post("/api/auth/login", { email: ADMIN.email, password: ADMIN.password });
    expect(login.status).toBe(200);
    const me = await api.refresh();
    expect(me.organisations.map((o: { name: string }) => o.name)).toContain(ORG.name);
    await keep(vm, "réécrit");
    await vm.powerButton(3 * MIN);
  }, 10 * MIN);
});
