// Inactivity on real kernel input devices: the PXE kiosk image (console session) boots in qemu with a USB
// keyboard and tablet, its agent (root, as in the image) reads /dev/input/event*, the patron types the ticket
// code on the keyboard (QMP key presses), moves the pointer once, then walks away; one minute later the
// appliance (on this machine, reached over qemu's user network) ends the session for inactivity and the kiosk
// applies the logout. Minutes under software emulation: `npm run test:boot` only.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildKioskImage } from "../../image/test/build";
import { freePort, Vm } from "../../image/test/qemu";
import { guestCode, prepareEpn, startApplianceWithBroker } from "../../appliance/net/mqtt/test/processes";
import type { ApplianceProcess, HttpClient } from "../../scripts/test/appliance-process";

const MIN = 60_000;
let dir: string;
let app: ApplianceProcess | null = null;
let vm: Vm | null = null;
const figures: string[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "guichet-idle-boot-"));
});
afterAll(async () => {
  if (vm) await vm.kill();
  await app?.stop();
  console.log(["== inactivité sur les périphériques d'entrée du poste (qemu)", ...figures.map((f) => `   ${f}`)].join("\n"));
  rmSync(dir, { recursive: true, force: true });
});

/** Types text on the VM's keyboard, one QMP key press per character (lower case: codes are case-insensitive). */
async function type(v: Vm, text: string) {
  for (const ch of text) {
    const key = ch === "\n" ? "ret" : ch === "-" ? "minus" : ch.toLowerCase();
    await v.qmp("send-key", { keys: [{ type: "qcode", data: key }] });
  }
}

async function tile(staff: HttpClient) {
  return ((await staff.get("/api/epn/workstations")).body as any[]).find((w) => w.name === "vm-poste");
}

test("le poste démarré en PXE lit clavier et tablette USB : session terminée pour inactivité", async () => {
  const image = await buildKioskImage(dir, "console");
  figures.push(`image construite en ${image.seconds.toFixed(0)} s`);
  app = await startApplianceWithBroker(join(dir, "appliance"), undefined, undefined, { GUICHET_HTTP_HOST: "127.0.0.1" });
  const port = new URL(app.url).port;
  const { staff, token } = await prepareEpn(app.url);
  expect((await staff.patch("/api/epn/settings", { inactivityMinutes: 1 })).status).toBe(200);
  const forwards = { https: await freePort(), http: await freePort(), dns: await freePort() };
  // 10.0.2.2 is this machine's loopback as seen from qemu's user network. The token on the command line is
  // acceptable for a test only (that line is public on a real network).
  vm = Vm.start({
    kernel: image.kernel,
    initrd: image.initrd,
    append: `console=ttyS0,115200n8 initrd=initrd guichet.url=http://10.0.2.2:${port} guichet.agent.enrol_token=${token} guichet.agent.hostname=vm-poste`,
    memMiB: 768,
    smp: 2,
    usbInput: true,
    dir,
    name: "poste-inactif",
    forwards,
  });
  const v = vm;
  const ws = await v.until("poste enrôlé et en ligne", async () => ((await tile(staff))?.online ? await tile(staff) : null), 8 * MIN, 2000);
  figures.push(`poste en ligne ${v.elapsed().toFixed(0)} s après le lancement de qemu`);

  // The patron types the ticket code on the USB keyboard of the console lock screen.
  await type(v, (await guestCode(staff, 30)) + "\n");
  const running = await v.until("session ouverte par le code tapé", async () => ((await tile(staff))?.state === "in_use" ? await tile(staff) : null), 2 * MIN, 500);
  const opened = Date.now();
  const sessionId = running.session.id as string;

  // Ten seconds later the pointer moves on the USB tablet (absolute axes: a touch screen's kind of device).
  await Bun.sleep(10_000);
  await v.qmp("input-send-event", { events: [{ type: "abs", data: { axis: "x", value: 12000 } }, { type: "abs", data: { axis: "y", value: 9000 } }] });
  const lastInput = Date.now();

  // A minute after the code was typed it is still running: the tablet's movement counted.
  await Bun.sleep(Math.max(0, opened + 64_000 - Date.now()));
  expect((await tile(staff)).state).toBe("in_use");

  // Ended: no session on the tile. Its state may already be "offline" rather than "free": a PXE-booted kiosk
  // reboots right after the wipe, sometimes within one poll.
  await v.until("session terminée", async () => {
    const t = await tile(staff);
    return !!t && !t.session;
  }, MIN, 500);
  const endedAfter = (Date.now() - lastInput) / 1000;
  figures.push(`session terminée ${endedAfter.toFixed(1)} s après la dernière action (délai : 60 s)`);
  expect(endedAfter).toBeGreaterThanOrEqual(59);
  expect(endedAfter).toBeLessThan(75);
  const events = (await staff.get(`/api/epn/sessions/${sessionId}/events`)).body as any[];
  expect(events.find((e) => e.type === "ended")?.data.reason).toBe("inactivity");
  // The kiosk applied the logout (it acknowledges after its wipe and lock screen).
  await v.until("déconnexion acquittée", async () => ((await staff.get(`/api/epn/workstations/${ws.id}/commands`)).body as any[]).some((c) => c.type === "logout" && c.status === "acked" && c.sessionId === sessionId), 30_000, 500);
}, 20 * MIN);
