// The Linux idle source on a folder of FIFOs standing in for /dev/input (no /dev/uinput here): real
// `struct input_event` records written into them, read by the same code that reads the kernel's devices.
import { afterAll, afterEach, describe, expect, test } from "bun:test";
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EvdevIdle, INPUT_EVENT_SIZE } from "../idle/evdev";
import { bitSet, classifyDevice, isHumanInput } from "../idle/classify";
import type { AgentLog } from "../log";

const EV = { SYN: 0, KEY: 1, REL: 2, ABS: 3, MSC: 4, LED: 17 };

/** One input_event as the kernel lays it out on x86-64. */
function event(type: number, code: number, value: number) {
  const b = Buffer.alloc(INPUT_EVENT_SIZE);
  const now = Date.now();
  b.writeBigInt64LE(BigInt(Math.floor(now / 1000)), 0);
  b.writeBigInt64LE(BigInt((now % 1000) * 1000), 8);
  b.writeUInt16LE(type, 16);
  b.writeUInt16LE(code, 18);
  b.writeInt32LE(value, 20);
  return b;
}
/** A key press as a keyboard sends it: scan code, key down, report. */
const keyPress = () => Buffer.concat([event(EV.MSC, 4, 0x1e), event(EV.KEY, 30, 1), event(EV.SYN, 0, 0)]);

/** Writes into a FIFO the source has open (non-blocking: a test must never hang on a pipe). */
function write(path: string, data: Buffer) {
  const fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, data);
  } finally {
    closeSync(fd);
  }
}

function fifo(path: string) {
  const r = Bun.spawnSync(["mkfifo", path]);
  if (r.exitCode !== 0) throw new Error(`mkfifo ${path} : ${r.stderr}`);
}

const lines: string[] = [];
const log: AgentLog = { info: (m) => lines.push(`INFO ${m}`), warn: (m) => lines.push(`WARN ${m}`), error: (m) => lines.push(`ERROR ${m}`) };
const sources: EvdevIdle[] = [];
function source(dir: string, sysfs: string | null = null) {
  const s = new EvdevIdle({ dir, sysfs, log, pollMs: 50 });
  sources.push(s);
  s.start();
  return s;
}
afterEach(() => {
  for (const s of sources.splice(0)) s.stop();
  lines.length = 0;
});
const dirs: string[] = [];
const tmp = () => {
  dirs.push(mkdtempSync(join(tmpdir(), "guichet-idle-")));
  return dirs.at(-1)!;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
/** Waits for the next polls to have run. */
const polls = () => Bun.sleep(150);

describe("inactivité lue sur les périphériques d'entrée", () => {
  test("sans aucun périphérique : inconnue (null), jamais « inactif depuis toujours »", async () => {
    const dir = tmp();
    expect(source(join(dir, "absent")).idleSeconds()).toBeNull();
    expect(lines.some((l) => l.startsWith("WARN") && l.includes("illisible"))).toBe(true);
    const empty = source(dir);
    writeFileSync(join(dir, "event0"), "un fichier ordinaire n'est pas un périphérique");
    await polls();
    expect(empty.idleSeconds()).toBeNull();
  });

  test("une frappe remet l'inactivité à zéro ; sans rien, elle grandit", async () => {
    const dir = tmp();
    fifo(join(dir, "event0"));
    const s = source(dir);
    expect(s.watched()).toEqual(["event0"]);
    expect(s.idleSeconds()).toBe(0);
    await Bun.sleep(2100);
    expect(s.idleSeconds()).toBeGreaterThanOrEqual(2);
    write(join(dir, "event0"), keyPress());
    await polls();
    expect(s.idleSeconds()).toBe(0);
    await Bun.sleep(1100);
    expect(s.idleSeconds()).toBeGreaterThanOrEqual(1);
  });

  test("mouvement de souris et toucher comptent ; voyants, rapports, scan codes et répétition d'une touche coincée non", async () => {
    const dir = tmp();
    fifo(join(dir, "event3"));
    const s = source(dir);
    await Bun.sleep(1100);
    // The compositor switching Num Lock's LED, a bare report, a scan code, a key held down (auto-repeat): nobody is there.
    write(join(dir, "event3"), Buffer.concat([event(EV.LED, 0, 1), event(EV.SYN, 0, 0), event(EV.MSC, 4, 0x45), event(EV.KEY, 30, 2), event(EV.SYN, 0, 0)]));
    await polls();
    expect(s.idleSeconds()).toBeGreaterThanOrEqual(1);
    write(join(dir, "event3"), Buffer.concat([event(EV.REL, 0, 5), event(EV.SYN, 0, 0)]));
    await polls();
    expect(s.idleSeconds()).toBe(0);
    await Bun.sleep(1100);
    write(join(dir, "event3"), Buffer.concat([event(EV.ABS, 0x35, 400), event(EV.SYN, 0, 0)]));
    await polls();
    expect(s.idleSeconds()).toBe(0);
  });

  test("un événement coupé en deux lectures est reconstitué", async () => {
    const dir = tmp();
    fifo(join(dir, "event0"));
    const s = source(dir);
    await Bun.sleep(1100);
    const e = event(EV.KEY, 57, 1);
    write(join(dir, "event0"), e.subarray(0, 10));
    await polls();
    expect(s.idleSeconds()).toBeGreaterThanOrEqual(1); // half an event: nothing yet
    write(join(dir, "event0"), e.subarray(10));
    await polls();
    expect(s.idleSeconds()).toBe(0);
  });

  test("périphérique débranché, rebranché, remplacé sous le même nom : la mesure continue", async () => {
    const dir = tmp();
    fifo(join(dir, "event0"));
    fifo(join(dir, "event1"));
    const s = source(dir);
    expect(s.watched()).toEqual(["event0", "event1"]);
    rmSync(join(dir, "event1")); // the USB mouse unplugged
    await polls();
    expect(s.watched()).toEqual(["event0"]);
    await Bun.sleep(1100);
    expect(s.idleSeconds()).toBeGreaterThanOrEqual(1);
    write(join(dir, "event0"), keyPress()); // the keyboard still counts
    await polls();
    expect(s.idleSeconds()).toBe(0);

    rmSync(join(dir, "event0")); // nothing left: unknown again
    await polls();
    expect(s.idleSeconds()).toBeNull();
    fifo(join(dir, "event0")); // replugged under the same name (a new node): read again, and plugging is activity
    await polls();
    expect(s.watched()).toEqual(["event0"]);
    expect(s.idleSeconds()).toBe(0);
    await Bun.sleep(1100);
    write(join(dir, "event0"), keyPress());
    await polls();
    expect(s.idleSeconds()).toBe(0);

    // Replaced while open: the old node is gone, a new one has the name; events on the new one count.
    rmSync(join(dir, "event0"));
    fifo(join(dir, "event0"));
    await polls();
    await Bun.sleep(1100);
    expect(s.idleSeconds()).toBeGreaterThanOrEqual(1);
    write(join(dir, "event0"), keyPress());
    await polls();
    expect(s.idleSeconds()).toBe(0);
  });

  test("un périphérique qui ne s'ouvre pas est signalé une fois et ne bloque pas les autres", async () => {
    const dir = tmp();
    // A device node whose driver is absent: open() fails (ENXIO), as for a device gone mid-open.
    const mk = Bun.spawnSync(["mknod", join(dir, "event7"), "c", "240", "0"]);
    expect(mk.exitCode).toBe(0);
    const alone = source(dir);
    expect(alone.idleSeconds()).toBeNull();
    fifo(join(dir, "event0"));
    await polls();
    expect(alone.watched()).toEqual(["event0"]);
    expect(alone.idleSeconds()).toBe(0);
    expect(lines.filter((l) => l.startsWith("WARN") && l.includes("event7")).length).toBe(1);
  });
});

describe("claviers, souris et écrans tactiles d'après sysfs", () => {
  // Capability bitmaps as Linux prints them for real devices (most significant word first).
  const DEVICES = {
    keyboard: { ev: "120013", key: "402000000 3803078f800d001 feffffdfffefffff fffffffffffffffe", properties: "0" },
    mouse: { ev: "17", key: "70000 0 0 0 0", properties: "0" },
    touch: { ev: "b", key: "400 0 0 0 0 0", properties: "2" },
    power: { ev: "3", key: "10000000000000 0", properties: "0" },
    lid: { ev: "21", key: "0", properties: "0" },
    accelerometer: { ev: "9", key: "0", properties: "40" },
  };

  test("bitmaps", () => {
    expect(bitSet("10000000000000 0", 116)).toBe(true); // KEY_POWER
    expect(bitSet("10000000000000 0", 115)).toBe(false);
    expect(bitSet("70000 0 0 0 0", 0x110)).toBe(true); // BTN_LEFT
    expect(bitSet("0", 300)).toBe(false);
  });

  test.each(Object.entries(DEVICES))("%s", (name, caps) => {
    expect(isHumanInput(caps)).toBe(["keyboard", "mouse", "touch"].includes(name));
  });

  test("le bouton d'alimentation et l'accéléromètre ne prolongent pas une session abandonnée", async () => {
    const dir = tmp();
    const sysfs = tmp();
    for (const [i, name] of ["keyboard", "power", "accelerometer"].entries()) {
      const caps = DEVICES[name as keyof typeof DEVICES];
      mkdirSync(join(sysfs, `event${i}`, "device", "capabilities"), { recursive: true });
      writeFileSync(join(sysfs, `event${i}`, "device", "capabilities", "ev"), caps.ev + "\n");
      writeFileSync(join(sysfs, `event${i}`, "device", "capabilities", "key"), caps.key + "\n");
      writeFileSync(join(sysfs, `event${i}`, "device", "properties"), caps.properties + "\n");
      fifo(join(dir, `event${i}`));
    }
    expect(classifyDevice(sysfs, "event0")).toBe(true);
    expect(classifyDevice(sysfs, "event1")).toBe(false);
    expect(classifyDevice(sysfs, "event9")).toBeNull(); // not described: counted
    const s = source(dir, sysfs);
    expect(s.watched()).toEqual(["event0"]);
    rmSync(join(dir, "event0"));
    await polls();
    expect(s.idleSeconds()).toBeNull(); // a power button alone is no way to tell whether someone is there
  });
});
