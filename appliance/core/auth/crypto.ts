/** Secrets: argon2id password hashes, random tokens stored only as SHA-256. */
import { timingSafeEqual } from "node:crypto";
import { Invalid } from "../errors";

/**
 * argon2id at OWASP's first recommended setting (19 MiB, 2 passes, 1 lane) rather than Bun's default 64 MiB: every
 * hash or verify holds its memory while it runs, and on the appliance a login or two during a burst of kiosk
 * (re)connections took the process past its 200 MB budget (a hash + a verify alone peaked at 159 MB). Existing
 * hashes keep their own parameters (they are in the hash) and still verify.
 */
const ARGON2 = { algorithm: "argon2id", memoryCost: 19456, timeCost: 2 } as const;

/** Hashes a password with argon2id (Bun.password). */
export function hashPassword(pw: string) {
  return Bun.password.hash(pw, ARGON2);
}

export function verifyPassword(pw: string, hash: string) {
  return Bun.password.verify(pw, hash).catch(() => false);
}

/** Throws Invalid with a French reason when a new password is too weak. */
export function checkPasswordPolicy(pw: string, field = "password") {
  if (typeof pw !== "string" || pw.length < 10)
    throw new Invalid("Le mot de passe doit contenir au moins 10 caractères.", { [field]: "10 caractères minimum." });
  if (pw.length > 256) throw new Invalid("Le mot de passe est trop long (256 caractères maximum).", { [field]: "256 caractères maximum." });
  if (/^(.)\1+$/.test(pw)) throw new Invalid("Le mot de passe est trop simple.", { [field]: "Mot de passe trop simple." });
}

/** A random URL-safe token of `bytes` bytes of entropy. */
export function randomToken(bytes = 32) {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

/** The form a token is stored in: never the token itself. */
export function sha256(s: string) {
  return new Bun.CryptoHasher("sha256").update(s).digest("hex");
}

/** Constant-time string comparison for tokens. */
export function safeEqual(a: string, b: string) {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) return false;
  return timingSafeEqual(ab, bb);
}
