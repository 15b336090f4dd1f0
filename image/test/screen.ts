// The VM's screen as a PNG: qemu's QMP `screendump` writes PPM (P6); PNG is what people and tools open.
import { deflateSync } from "node:zlib";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Uint8Array) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Width, height and pixels of a binary PPM (P6, maxval 255). */
function parsePpm(ppm: Uint8Array) {
  const text = Buffer.from(ppm.subarray(0, 64)).toString("latin1");
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(text);
  if (!m) throw new Error("PPM P6 (maxval 255) attendu");
  return { w: Number(m[1]), h: Number(m[2]), pixels: ppm.subarray(m[0].length) };
}

/**
 * Size, number of distinct colours (a text console has a handful, a rendered web page many) and how
 * much of the screen is drawn: the box around every pixel that is not the most common colour, as a
 * fraction of width and height (a page still in a small window covers a corner only).
 */
export function screenStats(ppm: Uint8Array) {
  const { w, h, pixels } = parsePpm(ppm);
  const counts = new Map<number, number>();
  for (let i = 0; i + 2 < pixels.length; i += 3) {
    const c = (pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!;
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let dominant = 0;
  let most = -1;
  for (const [c, n] of counts) if (n > most) [dominant, most] = [c, n];
  let [x0, y0, x1, y1] = [w, h, -1, -1];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      if (((pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!) === dominant) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  const drawn = x1 < 0 ? { width: 0, height: 0 } : { width: (x1 - x0 + 1) / w, height: (y1 - y0 + 1) / h };
  return { width: w, height: h, colours: counts.size, drawn };
}

/** Converts a binary PPM (P6, maxval 255) to an RGB PNG. */
export function ppmToPng(ppm: Uint8Array): Buffer {
  const { w, h, pixels } = parsePpm(ppm);
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) Buffer.from(pixels.subarray(y * w * 3, (y + 1) * w * 3)).copy(raw, y * (w * 3 + 1) + 1);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", new Uint8Array())]);
}
