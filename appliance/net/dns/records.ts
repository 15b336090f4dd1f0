/**
 * Resource records the resolver writes itself (blocked answers, local names, negative answers): raw wire
 * bytes, built once and reused where they do not depend on the query.
 */
import { copyBytes, put32, TYPE } from "./wire";

/** A record whose owner is the question name (compression pointer to offset 12). */
export function rrAtQuestion(type: number, ttl: number, rdata: Uint8Array): Uint8Array {
  const r = new Uint8Array(12 + rdata.length);
  r[0] = 0xc0;
  r[1] = 12;
  r[3] = type;
  r[5] = 1; // class IN
  // Byte by byte: a DataView would force the typed array's buffer into existence (slow in JSC).
  put32(r, 6, ttl);
  r[10] = rdata.length >> 8;
  r[11] = rdata.length & 0xff;
  copyBytes(r, rdata, 12);
  return r;
}

const soaCache = new Map<number, Uint8Array>();

/** A short SOA for our own negative answers (RFC 2308 §3: lets clients cache NXDOMAIN for `ttl`). */
export function soaForNegative(ttl: number): Uint8Array {
  let r = soaCache.get(ttl);
  if (!r) {
    if (soaCache.size > 100) soaCache.clear();
    soaCache.set(ttl, (r = buildSoa(ttl)));
  }
  return r;
}

function buildSoa(ttl: number): Uint8Array {
  // owner ".", mname "guichet.lan.", rname "hostmaster.guichet.lan.", serial 1, refresh/retry/expire, minimum = ttl.
  const mname = encodeName("guichet.lan");
  const rname = encodeName("hostmaster.guichet.lan");
  const rdata = new Uint8Array(mname.length + rname.length + 20);
  rdata.set(mname, 0);
  rdata.set(rname, mname.length);
  const dv = new DataView(rdata.buffer);
  const o = mname.length + rname.length;
  dv.setUint32(o, 1);
  dv.setUint32(o + 4, 3600);
  dv.setUint32(o + 8, 600);
  dv.setUint32(o + 12, 86400);
  dv.setUint32(o + 16, ttl);
  const r = new Uint8Array(11 + rdata.length);
  r[0] = 0; // root owner
  r[2] = TYPE.SOA;
  r[4] = 1;
  new DataView(r.buffer).setUint32(5, ttl);
  r[9] = rdata.length >> 8;
  r[10] = rdata.length & 0xff;
  r.set(rdata, 11);
  return r;
}

/** Uncompressed wire form of a dotted name. */
export function encodeName(name: string): Uint8Array {
  const labels = name ? name.split(".") : [];
  const out = new Uint8Array(labels.reduce((n, l) => n + l.length + 1, 1));
  let o = 0;
  for (const l of labels) {
    out[o++] = l.length;
    for (let i = 0; i < l.length; i++) out[o++] = l.charCodeAt(i);
  }
  return out;
}

