/** Turning TOTP 2FA on and off for one's own account, with recovery codes. */
import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import { users } from "../db/schema";
import type { Deps } from "../context";
import { withTransaction } from "../db/client";
import { audit } from "../audit/service";
import { Conflict, Invalid, NotFound } from "../errors";
import { randomToken, sha256, verifyPassword } from "./crypto";
import { newTotpSecret, otpauthUri, verifyTotp } from "./totp";

function who(userId: string, label: string, ip: string | null) {
  return { actor: { userId, label, role: "member" as const, moduleRoles: [], via: "session" as const }, ip, org: null };
}

/** Starts enrolment: a pending secret, its otpauth URI and a QR code (SVG data URL) to scan. */
export async function startTotp(deps: Deps, userId: string) {
  const u = deps.db.select().from(users).where(eq(users.id, userId)).get();
  if (!u) throw new NotFound();
  if (u.totpSecret) throw new Conflict("La double authentification est déjà activée.");
  const secret = newTotpSecret();
  deps.db.update(users).set({ totpPendingSecret: secret }).where(eq(users.id, userId)).run();
  const uri = otpauthUri(secret, u.email);
  const svg = await QRCode.toString(uri, { type: "svg", margin: 1, errorCorrectionLevel: "M" });
  return { secret, uri, qrSvgDataUrl: "data:image/svg+xml;base64," + Buffer.from(svg).toString("base64") };
}

/** Confirms enrolment with a first code; returns ten one-time recovery codes, shown once. */
export async function enableTotp(deps: Deps, userId: string, code: string, ip: string | null) {
  const u = deps.db.select().from(users).where(eq(users.id, userId)).get();
  if (!u) throw new NotFound();
  if (u.totpSecret) throw new Conflict("La double authentification est déjà activée.");
  if (!u.totpPendingSecret) throw new Invalid("Commencez par afficher le QR code.");
  if (!verifyTotp(u.totpPendingSecret, code.replace(/\s/g, ""), deps.clock.now()))
    throw new Invalid("Code incorrect : vérifiez l'heure de votre téléphone et saisissez le code affiché.", { code: "Code incorrect." });
  const codes = Array.from({ length: 10 }, () => randomToken(8).toLowerCase().replace(/[^a-z0-9]/g, "").slice(0, 10).padEnd(10, "x"));
  // Recovery codes are random (≈50 bits), not chosen by people: a plain SHA-256 is enough and keeps login fast.
  const hashes = codes.map((c) => sha256(c));
  withTransaction(deps.db, (tx) => {
    tx.update(users).set({ totpSecret: u.totpPendingSecret, totpPendingSecret: null, recoveryCodes: JSON.stringify(hashes), updatedAt: deps.clock.now().toISOString() }).where(eq(users.id, userId)).run();
    audit(tx, { ...who(userId, u.email, ip), clock: deps.clock }, { action: "auth.totp_enabled", entity: "user", entityId: userId });
  });
  return { recoveryCodes: codes };
}

/** Turns 2FA off; needs the password so a stolen session alone cannot do it. */
export async function disableTotp(deps: Deps, userId: string, password: string, ip: string | null) {
  const u = deps.db.select().from(users).where(eq(users.id, userId)).get();
  if (!u) throw new NotFound();
  if (!u.totpSecret) throw new Conflict("La double authentification n'est pas activée.");
  if (!(await verifyPassword(password, u.passwordHash))) throw new Invalid("Mot de passe incorrect.", { password: "Mot de passe incorrect." });
  withTransaction(deps.db, (tx) => {
    tx.update(users).set({ totpSecret: null, totpPendingSecret: null, recoveryCodes: "[]", updatedAt: deps.clock.now().toISOString() }).where(eq(users.id, userId)).run();
    audit(tx, { ...who(userId, u.email, ip), clock: deps.clock }, { action: "auth.totp_disabled", entity: "user", entityId: userId });
  });
}
