// The PXE kiosk image, booted as the appliance's netboot hands it out (kernel + initramfs, settings on
// the command line): the agent starts, and the screen shows its lock screen full screen in Chromium
// under cage. Without the browser packages the image falls back to the console lock screen, which
// this test then checks instead. Minutes under software emulation: `npm run test:boot` only.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildKioskImage, ROOT } from "./build";
import { freePort, Vm } from "./qemu";
import { ppmToPng, screenStats } from "./screen";

const MIN = 60_000;
const ARTIFACTS = join(ROOT, ".test-artifacts", "image");
let dir: string;
let vm: Vm | null = null;
const figures: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guichet-kiosk-"));
});

afterAll(async () => {
  if (vm) await vm.kill();
  console.log(["== image du poste public (PXE)", ...figures.map((f) => `   ${f}`)].join("\n"));
  rmSync(dir, { recursive: true, force: true });
});

describe("image PXE du poste public", () => {
  test("démarre, lance l'agent et affiche l'écran de verrouillage", async () => {
    const image = await buildKioskImage(dir);
    figures.push(`session : ${image.session}, construction ${image.seconds.toFixed(0)} s`);
    figures.push(...image.log.split("\n").filter((l) => /Mio/.test(l)).map((l) => l.trim()));
    const forwards = { https: await freePort(), http: await freePort(), dns: await freePort() };
    vm = Vm.start({
      kernel: image.kernel,
      initrd: image.initrd,
      // The command line the appliance's iPXE script writes; no appliance there: the lock screen must still say so.
      append: "console=ttyS0,115200n8 initrd=initrd guichet.url=http://10.0.2.2:9",
      // The initramfs is unpacked in RAM; Chromium needs its share too.
      memMiB: image.session === "browser" ? 2048 : 768,
      smp: 2,
      vga: "virtio",
      usbInput: true,
      dir,
      name: "poste",
      forwards,
    });
    const v = vm;
    await v.until("agent démarré", async () => v.serial().includes("démarrage du poste public Guichet"), 5 * MIN, 1000);
    if (image.session === "browser") {
      await v.until("session graphique lancée", async () => v.serial().includes("session graphique : cage + Chromium"), 5 * MIN, 1000);
      // The KMS scanout replaces the 720×400 text console; the page has many colours, covers the whole
      // screen (not a window in a corner, as in the first frames) and two dumps 5 s apart agree.
      let previous = "";
      const shown = await v.until("page rendue en plein écran", async () => {
        const dump = await v.screendump();
        const s = screenStats(dump);
        const same = previous === (previous = Bun.hash(dump).toString());
        return same && s.width > 720 && s.colours > 200 && s.drawn.width > 0.9 && s.drawn.height > 0.9 && s;
      }, 6 * MIN, 5000);
      figures.push(`écran de verrouillage affiché ${v.elapsed().toFixed(0)} s après le lancement de qemu (${shown.width}×${shown.height}, ${shown.colours} couleurs)`);
      // Still the browser a little later: no fall back to the text lock screen.
      await Bun.sleep(10_000);
      expect(v.serial()).not.toContain("session graphique en échec");
    } else {
      // A text console (a handful of colours) with lines drawn on it, once the agent answers.
      const shown = await v.until("écran de verrouillage texte", async () => {
        const s = screenStats(await v.screendump());
        return v.serial().includes("DHCP") && s.colours <= 16 && s.drawn.width > 0.3 && s;
      }, 4 * MIN, 5000);
      figures.push(`écran de verrouillage texte (${shown.width}×${shown.height})`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, `poste-${image.session}.screen.png`), ppmToPng(await v.screendump()));
    writeFileSync(join(ARTIFACTS, `poste-${image.session}.serial.log`), v.serial());
    expect(v.running).toBe(true);
  }, 15 * MIN);
});
