/**
 * A compact set of domains with a few flag bits each: open addressing over typed arrays keyed by a 64-bit
 * hash of the name. A million domains take 16 MB (a JS Map of strings takes ~140 MB) and load in a fraction
 * of the time because big lists are hashed straight from the text, without making a string per line.
 * 57 of the 64 bits are kept: a name outside a million-name list matches it by accident once in ~1e11
 * lookups; accepted.
 */

/** 64-bit hash of s[from, to) as two 32-bit halves; ASCII upper case hashes as lower case. */
export function hashRange(s: string, from: number, to: number, out: Uint32Array) {
  let h1 = 0x811c9dc5;
  let h2 = 0x9747b28c;
  for (let i = from; i < to; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  out[0] = h1 >>> 0;
  // Never 0: a zero pair marks an empty slot.
  out[1] = h2 >>> 0 || 1;
}

const H = new Uint32Array(2);
/** Flags live in the low bits of a slot's second word (6 bits are used: 3 kinds × block/allow). */
const FLAGS = 0x3f;
/** The second word keeps h2's upper bits; this bit set in every used slot tells it from an empty one. */
const USED = 0x40;

/**
 * Slot i is the pair (s[2i], s[2i+1]) = (h1, h2's upper 25 bits | USED | flags): one cache line per probe,
 * where three parallel arrays cost up to three misses on a table far bigger than the CPU caches.
 */
export class DomainSet {
  private s: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.s = new Uint32Array(cap * 2);
    this.mask = cap - 1;
  }

  /** ORs `bits` into the flags of the hashed name (adding it if new). */
  orHashed(h1: number, h2: number, bits: number) {
    if ((this.size + 1) * 4 > this.s.length) this.grow();
    const s = this.s;
    const key2 = ((h2 & ~0x7f) | USED) >>> 0;
    let i = (h1 ^ (h2 >>> 7)) & this.mask;
    for (;;) {
      const w = s[2 * i + 1]!;
      if (w === 0) {
        s[2 * i] = h1;
        s[2 * i + 1] = key2 | (bits & FLAGS);
        this.size++;
        return;
      }
      if ((w & ~FLAGS) >>> 0 === key2 && s[2 * i] === h1) {
        s[2 * i + 1] = w | (bits & FLAGS);
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Flags of the hashed name, 0 when absent. */
  getHashed(h1: number, h2: number): number {
    const s = this.s;
    const key2 = ((h2 & ~0x7f) | USED) >>> 0;
    let i = (h1 ^ (h2 >>> 7)) & this.mask;
    for (;;) {
      const w = s[2 * i + 1]!;
      if (w === 0) return 0;
      if ((w & ~FLAGS) >>> 0 === key2 && s[2 * i] === h1) return w & FLAGS;
      i = (i + 1) & this.mask;
    }
  }

  or(name: string, bits: number) {
    hashRange(name, 0, name.length, H);
    this.orHashed(H[0]!, H[1]!, bits);
  }

  get(name: string): number {
    hashRange(name, 0, name.length, H);
    return this.getHashed(H[0]!, H[1]!);
  }

  private grow() {
    const old = this.s;
    this.s = new Uint32Array(old.length * 2);
    this.mask = old.length - 1;
    this.size = 0;
    // Re-inserting with the stored upper bits of h2 gives the same slot key (the low 7 bits never matter).
    for (let i = 0; i < old.length; i += 2) if (old[i + 1] !== 0) this.orHashed(old[i]!, old[i + 1]! & ~0x7f, old[i + 1]! & FLAGS);
  }

  /** Order-independent digest of the content (tests compare two compilations with it). */
  digest(): string {
    let x = 0;
    let y = 0;
    for (let i = 0; i < this.s.length; i += 2)
      if (this.s[i + 1] !== 0) {
        x = (x + Math.imul(this.s[i]! ^ (this.s[i + 1]! & FLAGS), 2654435761)) >>> 0;
        y = (y ^ Math.imul(this.s[i + 1]! & ~FLAGS, 40503)) >>> 0;
      }
    return `${this.size}:${x}:${y}`;
  }
}
