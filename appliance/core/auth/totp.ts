/** TOTP (RFC 6238, SHA-1, 30 s, 6 digits) as every authenticator app implements it. */
import { createHmac } from "node:crypto";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(buf: Uint8Array) {
  let bits = 0, value = 0, out = "";
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(s: string) {
  const clean = s.toUpperCase().replace(/=+$/, "").replace(/\s/g, "");
  let bits = 0, value = 0;
  const out: number[] = [];
  for (const ch of clean) {
    const i = ALPHABET.indexOf(ch);
    if (i < 0) throw new Error("base32 invalide");
    value = (value << 5) | i;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** A new 160-bit secret, base32-encoded. */
export function newTotpSecret() {
  return base32Encode(crypto.getRandomValues(new Uint8Array(20)));
}

/** The code for a given time step counter (RFC 4226 HOTP). */
export function hotp(secret: Buffer, counter: number, digits = 6) {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", secret).update(msg).digest();
  const off = mac[mac.length - 1]! & 0xf;
  const bin = ((mac[off]! & 0x7f) << 24) | (mac[off + 1]! << 16) | (mac[off + 2]! << 8) | mac[off + 3]!;
  return String(bin % 10 ** digits).padStart(digits, "0");
}

/** The current TOTP code for a base32 secret. */
export function totpAt(secretB32: string, when: Date, step = 30) {
  return hotp(base32Decode(secretB32), Math.floor(when.getTime() / 1000 / step));
}

/** Accepts the code of the current step or one step either side (clock drift). */
export function verifyTotp(secretB32: string, code: string, when: Date) {
  if (!/^\d{6}$/.test(code)) return false;
  const secret = base32Decode(secretB32);
  const t = Math.floor(when.getTime() / 1000 / 30);
  return [t - 1, t, t + 1].some((c) => hotp(secret, c) === code);
}

/** otpauth:// URI that authenticator apps scan. */
export function otpauthUri(secretB32: string, account: string, issuer = "Guichet") {
  return `otpauth://totp/${encodeURIComponent(issuer)}:${encodeURIComponent(account)}?secret=${secretB32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}
