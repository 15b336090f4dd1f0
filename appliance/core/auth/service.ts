/** Account operations: login with lock-out and 2FA, sessions, password change and reset. */
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { authSessions, passwordResets, users } from "../db/schema";
import type { Deps } from "../context";
import { changed, withTransaction } from "../db/client";
import { audit } from "../audit/service";
import { Invalid, NotFound, TooMany, Unauthorized } from "../errors";
import { checkPasswordPolicy, hashPassword, randomToken, sha256, verifyPassword } from "./crypto";
import { verifyTotp } from "./totp";
import { SESSION_IDLE_MS } from "./principal";
import { queueMail } from "../mail/outbox";

/** After this many wrong passwords in a row the account is locked for LOCK_MS. */
export const MAX_FAILURES = 5;
export const LOCK_MS = 15 * 60_000;
const RESET_TTL_MS = 3600_000;

export interface Origin {
  ip: string | null;
  userAgent: string | null;
}

// A precomputed hash so that an unknown e-mail costs as much time as a wrong password.
let dummyHash: Promise<string> | null = null;

function anon(userId: string | null, label: string, ip: string | null) {
  return { actor: { userId: userId ?? "system", label, role: "member" as const, moduleRoles: [], via: "session" as const }, ip, org: null };
}

/** Creates a server-side session; returns the raw cookie token (stored only hashed). */
export function createSession(deps: Deps, userId: string, o: Origin, mfaPending: boolean) {
  const token = randomToken();
  const now = deps.clock.now();
  const id = Bun.randomUUIDv7();
  deps.db
    .insert(authSessions)
    .values({ id, tokenHash: sha256(token), userId, csrfToken: randomToken(24), mfaPending: mfaPending ? 1 : 0, ip: o.ip, userAgent: o.userAgent?.slice(0, 300) ?? null, createdAt: now.toISOString(), lastSeenAt: now.toISOString(), expiresAt: new Date(now.getTime() + SESSION_IDLE_MS).toISOString() })
    .run();
  return { id, token };
}

/** Checks e-mail + password; counts failures and locks the account after MAX_FAILURES. */
export async function login(deps: Deps, input: { email: string; password: string }, o: Origin) {
  const email = input.email.trim().toLowerCase();
  const u = deps.db.select().from(users).where(eq(users.email, email)).get();
  const now = deps.clock.now();
  if (!u) {
    dummyHash ??= hashPassword("guichet-dummy-password");
    await verifyPassword(input.password, await dummyHash);
    throw new Unauthorized("E-mail ou mot de passe incorrect.", "bad_credentials");
  }
  if (u.lockedUntil && u.lockedUntil > now.toISOString()) {
    const min = Math.ceil((Date.parse(u.lockedUntil) - now.getTime()) / 60_000);
    throw new TooMany(`Compte verrouillé après ${MAX_FAILURES} essais infructueux : réessayez dans ${min} minute${min > 1 ? "s" : ""}.`, min * 60);
  }
  const ok = await verifyPassword(input.password, u.passwordHash);
  if (!ok) {
    const failures = u.failedLogins + 1;
    const locked = failures >= MAX_FAILURES;
    withTransaction(deps.db, (tx) => {
      tx.update(users)
        .set({ failedLogins: locked ? 0 : failures, lockedUntil: locked ? new Date(now.getTime() + LOCK_MS).toISOString() : u.lockedUntil })
        .where(eq(users.id, u.id))
        .run();
      audit(tx, { ...anon(u.id, u.email, o.ip), clock: deps.clock }, { action: locked ? "auth.locked" : "auth.login_failed", entity: "user", entityId: u.id });
    });
    if (locked) throw new TooMany(`Compte verrouillé après ${MAX_FAILURES} essais infructueux : réessayez dans ${LOCK_MS / 60_000} minutes.`, LOCK_MS / 1000);
    throw new Unauthorized("E-mail ou mot de passe incorrect.", "bad_credentials");
  }
  const mfa = !!u.totpSecret;
  return withTransaction(deps.db, (tx) => {
    tx.update(users).set({ failedLogins: 0, lockedUntil: null }).where(eq(users.id, u.id)).run();
    const s = createSession({ ...deps, db: tx }, u.id, o, mfa);
    if (!mfa) audit(tx, { ...anon(u.id, u.email, o.ip), clock: deps.clock }, { action: "auth.login", entity: "user", entityId: u.id });
    return { ...s, mfaRequired: mfa };
  });
}

/** Second step: a TOTP code or an unused recovery code clears the session's pending flag. */
export async function completeMfa(deps: Deps, sessionId: string, code: string, o: Origin) {
  const s = deps.db.select().from(authSessions).where(eq(authSessions.id, sessionId)).get();
  if (!s || !s.mfaPending) throw new Unauthorized();
  const u = deps.db.select().from(users).where(eq(users.id, s.userId)).get();
  if (!u?.totpSecret) throw new Unauthorized();
  if (u.lockedUntil && u.lockedUntil > deps.clock.now().toISOString()) throw new TooMany("Compte verrouillé après trop d'essais : réessayez plus tard.");
  const clean = code.replace(/\s/g, "");
  let usedRecovery: string[] | null = null;
  let ok = verifyTotp(u.totpSecret, clean, deps.clock.now());
  if (!ok && clean.length > 6) {
    const hashes = JSON.parse(u.recoveryCodes) as string[];
    const h = sha256(clean.toLowerCase());
    if (hashes.includes(h)) {
      usedRecovery = hashes.filter((x) => x !== h);
      ok = true;
    }
  }
  const ctx = { ...anon(u.id, u.email, o.ip), clock: deps.clock };
  withTransaction(deps.db, (tx) => {
    if (!ok) {
      const failures = u.failedLogins + 1;
      const locked = failures >= MAX_FAILURES;
      tx.update(users).set({ failedLogins: locked ? 0 : failures, lockedUntil: locked ? new Date(deps.clock.now().getTime() + LOCK_MS).toISOString() : null }).where(eq(users.id, u.id)).run();
      if (locked) tx.delete(authSessions).where(eq(authSessions.id, s.id)).run();
      audit(tx, ctx, { action: "auth.mfa_failed", entity: "user", entityId: u.id });
      return;
    }
    tx.update(authSessions).set({ mfaPending: 0 }).where(eq(authSessions.id, s.id)).run();
    tx.update(users).set({ failedLogins: 0, ...(usedRecovery ? { recoveryCodes: JSON.stringify(usedRecovery) } : {}) }).where(eq(users.id, u.id)).run();
    audit(tx, ctx, { action: usedRecovery ? "auth.login_recovery_code" : "auth.login", entity: "user", entityId: u.id });
  });
  if (!ok) throw new Unauthorized("Code incorrect.", "bad_code");
  return { recoveryCodesLeft: usedRecovery?.length };
}

export function logout(deps: Deps, sessionId: string) {
  deps.db.delete(authSessions).where(eq(authSessions.id, sessionId)).run();
}

/** The user's open sessions, newest first, flagging the current one. */
export function listSessions(deps: Deps, userId: string, currentId?: string) {
  return deps.db
    .select({ id: authSessions.id, ip: authSessions.ip, userAgent: authSessions.userAgent, createdAt: authSessions.createdAt, lastSeenAt: authSessions.lastSeenAt })
    .from(authSessions)
    .where(and(eq(authSessions.userId, userId), eq(authSessions.mfaPending, 0), gt(authSessions.expiresAt, deps.clock.now().toISOString())))
    .orderBy(desc(authSessions.lastSeenAt))
    .all()
    .map((s) => ({ ...s, current: s.id === currentId }));
}

/** Ends one of the user's own sessions (another user's session id is "not found"). */
export function revokeSession(deps: Deps, userId: string, id: string, ip: string | null) {
  withTransaction(deps.db, (tx) => {
    const r = tx.delete(authSessions).where(and(eq(authSessions.id, id), eq(authSessions.userId, userId))).run();
    if (!changed(r)) throw new NotFound("Session introuvable.");
    audit(tx, { ...anon(userId, userId, ip), clock: deps.clock }, { action: "auth.session_revoked", entity: "session", entityId: id });
  });
}

/** Changes the password after checking the current one; other sessions are closed. */
export async function changePassword(deps: Deps, userId: string, currentSession: string | undefined, input: { current: string; next: string }, ip: string | null) {
  const u = deps.db.select().from(users).where(eq(users.id, userId)).get();
  if (!u) throw new NotFound();
  if (!(await verifyPassword(input.current, u.passwordHash))) throw new Invalid("Mot de passe actuel incorrect.", { current: "Mot de passe incorrect." });
  checkPasswordPolicy(input.next, "next");
  const hash = await hashPassword(input.next);
  withTransaction(deps.db, (tx) => {
    tx.update(users).set({ passwordHash: hash, updatedAt: deps.clock.now().toISOString() }).where(eq(users.id, userId)).run();
    for (const s of tx.select({ id: authSessions.id }).from(authSessions).where(eq(authSessions.userId, userId)).all())
      if (s.id !== currentSession) tx.delete(authSessions).where(eq(authSessions.id, s.id)).run();
    audit(tx, { ...anon(userId, u.email, ip), clock: deps.clock }, { action: "auth.password_changed", entity: "user", entityId: userId });
  });
}

/** Sends a reset link if the e-mail is known; answers the same either way (no account probing). */
export function requestPasswordReset(deps: Deps, email: string, baseUrl: string, ip: string | null) {
  const u = deps.db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
  if (!u) return;
  const token = randomToken();
  const now = deps.clock.now();
  withTransaction(deps.db, (tx) => {
    tx.insert(passwordResets).values({ id: Bun.randomUUIDv7(), userId: u.id, tokenHash: sha256(token), expiresAt: new Date(now.getTime() + RESET_TTL_MS).toISOString(), createdAt: now.toISOString() }).run();
    queueMail(tx, deps.clock, {
      to: u.email,
      subject: "Guichet : réinitialisation de votre mot de passe",
      text: `Bonjour ${u.name},\n\nPour choisir un nouveau mot de passe, ouvrez ce lien (valable une heure) :\n${baseUrl}/#/reinitialiser/${token}\n\nSi vous n'êtes pas à l'origine de cette demande, ignorez ce message.\n\n— Guichet`,
    });
    audit(tx, { ...anon(u.id, u.email, ip), clock: deps.clock }, { action: "auth.password_reset_requested", entity: "user", entityId: u.id });
  });
}

/** Sets a new password from a valid, unused, unexpired reset link; closes every session. */
export async function resetPassword(deps: Deps, input: { token: string; password: string }, ip: string | null) {
  const now = deps.clock.now().toISOString();
  const r = deps.db
    .select()
    .from(passwordResets)
    .where(and(eq(passwordResets.tokenHash, sha256(input.token)), isNull(passwordResets.usedAt), gt(passwordResets.expiresAt, now)))
    .get();
  if (!r) throw new Invalid("Ce lien de réinitialisation est invalide ou a expiré : demandez-en un nouveau.");
  checkPasswordPolicy(input.password);
  const hash = await hashPassword(input.password);
  withTransaction(deps.db, (tx) => {
    tx.update(users).set({ passwordHash: hash, failedLogins: 0, lockedUntil: null, updatedAt: now }).where(eq(users.id, r.userId)).run();
    tx.update(passwordResets).set({ usedAt: now }).where(eq(passwordResets.id, r.id)).run();
    tx.delete(authSessions).where(eq(authSessions.userId, r.userId)).run();
    audit(tx, { ...anon(r.userId, r.userId, ip), clock: deps.clock }, { action: "auth.password_reset", entity: "user", entityId: r.userId });
  });
}
