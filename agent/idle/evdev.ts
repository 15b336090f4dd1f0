/**
 * Idle time on Linux from the kernel's input devices (`/dev/input/event*`): the time of the last key, pointer
 * or touch event from any keyboard, mouse or touch screen, whatever the compositor (cage, X, a text console).
 * Devices are only read, never grabbed (no EVIOCGRAB): the compositor and the browser get every event as before.
 * Each poll lists the folder again, so a USB device plugged, unplugged or replugged under the same name is seen;
 * a device that cannot be opened is retried later; with no device at all the idle time is unknown (null).
 * Key codes are looked at for their type only and never kept: what the patron types stays private.
 */
import { closeSync, constants, openSync, readdirSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import type { AgentLog } from "../log";
import { classifyDevice } from "./classify";
import type { IdleSource } from "./source";

/** `struct input_event` on 64-bit Linux: struct timeval (16 bytes), type (u16), code (u16), value (s32). */
export const INPUT_EVENT_SIZE = 24;
const EV_KEY = 1;
const EV_REL = 2;
const EV_ABS = 3;
/** Read at most this much per device and poll: far more than the kernel's per-reader buffer holds. */
const MAX_READS = 64;
/** A device that could not be opened or read is tried again after this long. */
const RETRY_MS = 10_000;

interface Device {
  fd: number;
  /** Identity of the node when opened: a different device replugged under the same name is reopened. */
  ino: number;
  rdev: number;
  /** Bytes of an event cut by a short read (a FIFO may deliver part of one). */
  rest: Buffer | null;
}

/** Where to read: the devices' folder, sysfs to tell keyboards from power buttons (null: count every device). */
export interface EvdevOptions {
  dir: string;
  sysfs: string | null;
  log: AgentLog;
  /** How often devices are read and the folder listed again; the idle time is this precise. */
  pollMs?: number;
}

const mono = () => performance.now();

/** Reads every human input device in `dir` without grabbing it; see the file comment. */
export class EvdevIdle implements IdleSource {
  private devices = new Map<string, Device>();
  /** Devices that are not a person's input (power button, accelerometer), by name → node identity. */
  private ignored = new Map<string, string>();
  /** Devices that could not be opened, by name → when to try again. */
  private retryAt = new Map<string, number>();
  private warned = new Set<string>();
  private lastInput = mono();
  private timer: ReturnType<typeof setInterval> | null = null;
  private buf = Buffer.alloc(INPUT_EVENT_SIZE * 170);

  constructor(private opts: EvdevOptions) {}

  start() {
    this.lastInput = mono();
    this.poll();
    this.timer = setInterval(() => this.poll(), this.opts.pollMs ?? 1000);
  }

  stop() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    for (const name of [...this.devices.keys()]) this.drop(name);
  }

  /** Seconds since the last input; null while no input device can be read. */
  idleSeconds(): number | null {
    if (!this.devices.size) return null;
    return Math.max(0, Math.floor((mono() - this.lastInput) / 1000));
  }

  /** Names of the devices being read (for the log and tests). */
  watched(): string[] {
    return [...this.devices.keys()].sort();
  }

  /** Lists the folder (devices come and go), then reads what each device has. */
  poll() {
    const before = this.watched().join(", ");
    this.scan();
    const after = this.watched().join(", ");
    // A keyboard plugged into a kiosk that had none: someone is there, and the idle time starts now.
    if (!before && after) this.lastInput = mono();
    for (const [name, d] of this.devices) if (this.drain(name, d)) this.lastInput = mono();
    if (before !== after) this.opts.log.info(after ? `activité du poste lue sur ${after}` : `aucun clavier, souris ni écran tactile lisible dans ${this.opts.dir} : inactivité inconnue`);
  }

  private scan() {
    let names: string[];
    try {
      names = readdirSync(this.opts.dir).filter((n) => n.startsWith("event"));
    } catch (e) {
      this.warnOnce(this.opts.dir, `dossier des périphériques d'entrée illisible (${this.opts.dir}) : ${(e as NodeJS.ErrnoException).code ?? e}`);
      names = [];
    }
    const present = new Set(names);
    for (const name of [...this.devices.keys()]) if (!present.has(name)) this.drop(name);
    for (const m of [this.ignored, this.retryAt]) for (const name of [...m.keys()]) if (!present.has(name)) m.delete(name);
    const now = mono();
    for (const name of names) {
      const path = join(this.opts.dir, name);
      let st;
      try {
        st = statSync(path);
      } catch {
        continue; // removed between the listing and now
      }
      if (!st.isCharacterDevice() && !st.isFIFO()) continue;
      const id = `${st.ino}:${st.rdev}`;
      const open = this.devices.get(name);
      if (open) {
        if (`${open.ino}:${open.rdev}` === id) continue;
        this.drop(name); // another device under the same name (USB replug): read the new one
      }
      if (this.ignored.get(name) === id) continue;
      if ((this.retryAt.get(name) ?? 0) > now) continue;
      if (this.opts.sysfs && classifyDevice(this.opts.sysfs, name) === false) {
        this.ignored.set(name, id);
        continue;
      }
      try {
        // O_NONBLOCK: a read with nothing to give returns EAGAIN at once instead of waiting for a key.
        const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
        this.devices.set(name, { fd, ino: st.ino, rdev: st.rdev, rest: null });
        this.retryAt.delete(name);
        this.warned.delete(path);
      } catch (e) {
        this.retryAt.set(name, now + RETRY_MS);
        this.warnOnce(path, `périphérique d'entrée ${path} illisible (${(e as NodeJS.ErrnoException).code ?? e}) : l'agent doit tourner en root ou dans le groupe input`);
      }
    }
  }

  /** Reads everything waiting on a device; true when a key, pointer or touch event was among it. */
  private drain(name: string, d: Device): boolean {
    let active = false;
    for (let i = 0; i < MAX_READS; i++) {
      let n: number;
      try {
        n = readSync(d.fd, this.buf, 0, this.buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "EAGAIN" || code === "EWOULDBLOCK") break;
        // ENODEV: unplugged; the node goes away and a replug shows up under a name of its own.
        this.drop(name);
        this.retryAt.set(name, mono() + RETRY_MS);
        break;
      }
      if (n <= 0) break; // a FIFO without writer (tests): nothing now
      const data = d.rest ? Buffer.concat([d.rest, this.buf.subarray(0, n)]) : this.buf.subarray(0, n);
      const whole = data.length - (data.length % INPUT_EVENT_SIZE);
      for (let off = 0; off < whole; off += INPUT_EVENT_SIZE) {
        const type = data.readUInt16LE(off + 16);
        // SYN, MSC, LED (the compositor setting Caps Lock), SW (lid, jack) are not a person at the keyboard; nor is
        // a key's auto-repeat (value 2): a book left on the keyboard must not hold the session open.
        if (type === EV_REL || type === EV_ABS || (type === EV_KEY && data.readInt32LE(off + 20) !== 2)) active = true;
      }
      d.rest = whole < data.length ? Buffer.from(data.subarray(whole)) : null;
      if (n < this.buf.length) break;
    }
    return active;
  }

  private drop(name: string) {
    const d = this.devices.get(name);
    if (!d) return;
    this.devices.delete(name);
    try {
      closeSync(d.fd);
    } catch {
      // already gone with the device
    }
  }

  private warnOnce(key: string, msg: string) {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.opts.log.warn(msg);
  }
}
