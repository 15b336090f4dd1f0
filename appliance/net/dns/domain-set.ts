/**
 * A compact set of domains with a few flag bits each: open addressing over typed arrays keyed by a 64-bit
 * hash of the name. A million domains take ~18 MB (a JS Map of strings takes ~140 MB) and load in a fraction
 * of the time because big lists are hashed straight from the text, without making a string per line.
 * Two different names sharing all 64 bits is a ~1e-8 event for a million-name list: accepted.
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

export class DomainSet {
  private a: Uint32Array;
  private b: Uint32Array;
  private f: Uint8Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 1024;
    while (cap < capacity * 2) cap *= 2;
    this.a = new Uint32Array(cap);
    this.b = new Uint32Array(cap);
    this.f = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** ORs `bits` into the flags of the hashed name (adding it if new). */
  orHashed(h1: number, h2: number, bits: number) {
    if ((this.size + 1) * 2 > this.a.length) this.grow();
    let i = (h1 ^ (h2 >>> 7)) & this.mask;
    for (;;) {
      if (this.b[i] === 0) {
        this.a[i] = h1;
        this.b[i] = h2;
        this.f[i] = bits;
        this.size++;
        return;
      }
      if (this.a[i] === h1 && this.b[i] === h2) {
        this.f[i] = this.f[i]! | bits;
        return;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Flags of the hashed name, 0 when absent. */
  getHashed(h1: number, h2: number): number {
    let i = (h1 ^ (h2 >>> 7)) & this.mask;
    for (;;) {
      const b = this.b[i]!;
      if (b === 0) return 0;
      if (b === h2 && this.a[i] === h1) return this.f[i]!;
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
    const { a, b, f } = this;
    const cap = a.length * 2;
    this.a = new Uint32Array(cap);
    this.b = new Uint32Array(cap);
    this.f = new Uint8Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < a.length; i++) if (b[i] !== 0) this.orHashed(a[i]!, b[i]!, f[i]!);
  }

  /** Order-independent digest of the content (tests compare two compilations with it). */
  digest(): string {
    let x = 0;
    let y = 0;
    for (let i = 0; i < this.a.length; i++)
      if (this.b[i] !== 0) {
        x = (x + Math.imul(this.a[i]! ^ this.f[i]!, 2654435761)) >>> 0;
        y = (y ^ Math.imul(this.b[i]!, 40503)) >>> 0;
      }
    return `${this.size}:${x}:${y}`;
  }
}
