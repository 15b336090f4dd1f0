/**
 * Which kernel input devices are a person's keyboard, mouse or touch screen, from their capabilities in sysfs
 * (`/sys/class/input/eventN/device/capabilities/*`, the bitmaps udev's input_id reads). A power button, a lid
 * switch, a headphone jack or an accelerometer also emit events: counting them as activity could keep an
 * abandoned session open (an accelerometer reports all the time), so they are left out.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const EV_KEY = 1;
const EV_REL = 2;
const EV_ABS = 3;
const INPUT_PROP_ACCELEROMETER = 6;
const BTN_LEFT = 0x110;
const BTN_TOUCH = 0x14a;

/**
 * A sysfs bitmap as the kernel prints it: hexadecimal words (64-bit on x86-64), most significant first,
 * separated by spaces. Returns whether `bit` is set.
 */
export function bitSet(bitmap: string, bit: number): boolean {
  const words = bitmap.trim().split(/\s+/).reverse();
  const word = words[Math.floor(bit / 64)];
  if (!word || !/^[0-9a-f]+$/i.test(word)) return false;
  return ((BigInt("0x" + word) >> BigInt(bit % 64)) & 1n) === 1n;
}

function anyBit(bitmap: string, from: number, to: number) {
  for (let b = from; b <= to; b++) if (bitSet(bitmap, b)) return true;
  return false;
}

/** The capability files of one device (missing files read as empty bitmaps). */
export interface Capabilities {
  ev: string;
  key: string;
  properties: string;
}

/**
 * Whether a device is human input: a pointer (relative axes), a touch screen or tablet (absolute axes, not an
 * accelerometer), or a keyboard (keys of the main block, KEY_ESC to KEY_F12) or buttons of a mouse / touch.
 */
export function isHumanInput(c: Capabilities): boolean {
  if (bitSet(c.properties, INPUT_PROP_ACCELEROMETER)) return false;
  if (bitSet(c.ev, EV_REL)) return true;
  if (bitSet(c.ev, EV_ABS)) return true;
  if (!bitSet(c.ev, EV_KEY)) return false;
  return anyBit(c.key, 1, 88) || bitSet(c.key, BTN_LEFT) || bitSet(c.key, BTN_TOUCH);
}

/**
 * Reads `<sysfs>/<name>/device/capabilities` and classifies the device; null when sysfs does not describe it
 * (then the caller counts it: better a session that lives too long than one cut under a patron's hands).
 */
export function classifyDevice(sysfs: string, name: string): boolean | null {
  const base = join(sysfs, name, "device");
  const read = (p: string) => {
    try {
      return readFileSync(join(base, p), "utf8");
    } catch {
      return null;
    }
  };
  const ev = read("capabilities/ev");
  if (ev === null) return null;
  return isHumanInput({ ev, key: read("capabilities/key") ?? "0", properties: read("properties") ?? "0" });
}
