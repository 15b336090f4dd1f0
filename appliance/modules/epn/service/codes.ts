/** Access codes: easy to type, unguessable, for a patron or guests, with a validity window and an allowance. */
import { and, desc, eq, isNull, sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { changed, withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { epnCodes, epnPatrons } from "../schema";
import { livePatron } from "./patrons";
import { addDays, localDay, zonedTime } from "./local-time";
import { getSettings } from "./settings";
import { patronName } from "./room-view";

/** 32 symbols without 0/O and 1/I: a power of two, so each random byte maps without bias. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
/** 8 symbols = 40 bits; with the per-workstation and per-address limits, guessing is hopeless. */
export const CODE_LENGTH = 8;

/** A fresh random code (crypto random), stored without separator. */
export function generateCode() {
  const bytes = crypto.getRandomValues(new Uint8Array(CODE_LENGTH));
  let s = "";
  for (const b of bytes) s += CODE_ALPHABET[b & 31];
  return s;
}

/** "ABCD2345" → "ABCD-2345", the form printed on tickets. */
export function formatCode(code: string) {
  return code.slice(0, 4) + "-" + code.slice(4);
}

/** What the patron typed → the stored form, or null when it cannot be a code (wrong length or symbols). */
export function normalizeCode(input: string): string | null {
  const s = input.toUpperCase().replace(/[\s\-_.]/g, "");
  if (s.length !== CODE_LENGTH) return null;
  for (const ch of s) if (!CODE_ALPHABET.includes(ch)) return null;
  return s;
}

type CodeRow = typeof epnCodes.$inferSelect;

/** Why a code can or cannot open a session right now. */
export type CodeStatus = "active" | "not_yet" | "expired" | "used" | "exhausted" | "revoked";

export function codeStatus(c: CodeRow, now: Date): CodeStatus {
  const t = now.toISOString();
  if (c.revokedAt) return "revoked";
  if (t < c.validFrom) return "not_yet";
  if (t >= c.validUntil) return "expired";
  if (!c.multiUse && c.uses > 0) return "used";
  if (c.allowanceMinutes !== null && c.usedSeconds >= c.allowanceMinutes * 60) return "exhausted";
  return "active";
}

/** What staff ask for: one code for a patron, or a batch of guest passes. */
export interface CodeRequest {
  patronId?: string | null;
  count?: number;
  label?: string | null;
  validFrom?: string | null;
  validUntil?: string | null;
  allowanceMinutes?: number | null;
  multiUse?: boolean;
}

function parseInstant(v: string, field: string) {
  const t = Date.parse(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(t)) throw new Invalid("Date invalide : format AAAA-MM-JJ ou AAAA-MM-JJTHH:MM attendu.", { [field]: "Date invalide." });
  return new Date(t);
}

/** Creates codes; a guest code defaults to single use with the guest allowance, a patron's to multi use. */
export function createCodes(ctx: Ctx, input: CodeRequest) {
  const s = getSettings(ctx);
  const now = ctx.clock.now();
  const count = input.count ?? 1;
  const guest = !input.patronId;
  if (!Number.isInteger(count) || count < 1 || count > 500) throw new Invalid("Nombre de codes entre 1 et 500.", { count: "Entre 1 et 500." });
  if (!guest && count !== 1) throw new Invalid("Un seul code à la fois pour un usager.", { count: "1 pour un usager." });
  const from = input.validFrom ? parseInstant(input.validFrom, "validFrom") : now;
  // By default a code lasts until the end of the local day, codeValidityDays days ahead.
  const until = input.validUntil
    ? /^\d{4}-\d{2}-\d{2}$/.test(input.validUntil)
      ? zonedTime(input.validUntil, "24:00", s.timezone)
      : parseInstant(input.validUntil, "validUntil")
    : zonedTime(addDays(localDay(from, s.timezone), s.codeValidityDays - 1), "24:00", s.timezone);
  if (until <= from) throw new Invalid("La fin de validité doit suivre son début.", { validUntil: "Doit suivre le début." });
  if (until <= now) throw new Invalid("Ce code serait déjà expiré.", { validUntil: "Date passée." });
  const allowance = input.allowanceMinutes === undefined ? (guest ? s.guestAllowanceMinutes : null) : input.allowanceMinutes;
  if (allowance !== null && (!Number.isInteger(allowance) || allowance < 1 || allowance > 10_000)) throw new Invalid("Crédit de temps entre 1 et 10 000 minutes.", { allowanceMinutes: "Entre 1 et 10 000 minutes." });
  const label = input.label?.trim() || null;
  if (label && label.length > 80) throw new Invalid("Libellé trop long (80 caractères maximum).", { label: "80 caractères maximum." });
  const multiUse = input.multiUse ?? !guest;
  return withTransaction(ctx.db, (tx) => {
    if (input.patronId) {
      const p = livePatron(ctx, tx, input.patronId);
      if (!p.consentVersion) throw new Conflict("Cet usager n'a pas donné son consentement RGPD : recueillez-le avant de lui remettre un code.");
    }
    const batchId = count > 1 ? Bun.randomUUIDv7() : null;
    const stamp = now.toISOString();
    const out: CodeRow[] = [];
    for (let i = 0; i < count; i++) {
      const row = {
        id: Bun.randomUUIDv7(), orgId: ctx.org, code: generateCode(), patronId: input.patronId ?? null, batchId, label,
        validFrom: from.toISOString(), validUntil: until.toISOString(), allowanceMinutes: allowance, usedSeconds: 0,
        multiUse: multiUse ? 1 : 0, uses: 0, revokedAt: null, createdBy: ctx.actor.label, createdAt: stamp, updatedAt: stamp,
      };
      // A collision in 2^40 is unlikely but harmless: draw again.
      while (!changed(tx.insert(epnCodes).values(row).onConflictDoNothing().run())) row.code = generateCode();
      out.push(row);
    }
    audit(tx, ctx, {
      action: "epn.codes.created",
      entity: "epn_code",
      entityId: batchId ?? out[0]!.id,
      data: { count, patronId: input.patronId ?? null, validUntil: until.toISOString(), allowanceMinutes: allowance, multiUse },
    });
    return { batchId, codes: out.map((c) => presentCode(c, now, null)) };
  });
}

/** A code as the API returns it: formatted, with its status and time left on its allowance. */
export function presentCode(c: CodeRow, now: Date, patron: string | null) {
  return {
    id: c.id, code: formatCode(c.code), patronId: c.patronId, patronName: patron, batchId: c.batchId, label: c.label,
    validFrom: c.validFrom, validUntil: c.validUntil, allowanceMinutes: c.allowanceMinutes, usedMinutes: Math.floor(c.usedSeconds / 60),
    multiUse: !!c.multiUse, uses: c.uses, status: codeStatus(c, now), createdAt: c.createdAt, createdBy: c.createdBy,
  };
}

/** Codes of the organisation, newest first, by patron, batch or status. */
export function listCodes(ctx: Ctx, q: { patronId?: string; batchId?: string; active?: boolean; limit?: number; offset?: number }) {
  const conds: SQL[] = [eq(epnCodes.orgId, ctx.org)];
  if (q.patronId) conds.push(eq(epnCodes.patronId, q.patronId));
  if (q.batchId) conds.push(eq(epnCodes.batchId, q.batchId));
  if (q.active) conds.push(isNull(epnCodes.revokedAt), sql`${epnCodes.validUntil} > ${ctx.clock.now().toISOString()}`);
  const limit = Math.min(Math.max(q.limit ?? 100, 1), 500);
  const now = ctx.clock.now();
  const rows = ctx.db
    .select({ c: epnCodes, firstName: epnPatrons.firstName, lastName: epnPatrons.lastName })
    .from(epnCodes)
    .leftJoin(epnPatrons, eq(epnPatrons.id, epnCodes.patronId))
    .where(and(...conds))
    .orderBy(desc(epnCodes.createdAt))
    .limit(limit)
    .offset(Math.max(q.offset ?? 0, 0))
    .all();
  return rows.map((r) => presentCode(r.c, now, patronName(r)));
}

/** A code of this organisation, or NotFound. */
export function codeInOrg(ctx: Pick<Ctx, "org">, db: Db, id: string) {
  const c = db.select().from(epnCodes).where(and(eq(epnCodes.id, id), eq(epnCodes.orgId, ctx.org))).get();
  if (!c) throw new NotFound("Code introuvable.");
  return c;
}

/** Revokes a code: it can no longer open a session (a running session is not cut). */
export function revokeCode(ctx: Ctx, id: string) {
  return withTransaction(ctx.db, (tx) => {
    const c = codeInOrg(ctx, tx, id);
    if (c.revokedAt) throw new Conflict("Ce code est déjà révoqué.");
    const now = ctx.clock.now().toISOString();
    tx.update(epnCodes).set({ revokedAt: now, updatedAt: now }).where(eq(epnCodes.id, id)).run();
    audit(tx, ctx, { action: "epn.code.revoked", entity: "epn_code", entityId: id, data: { hint: c.code.slice(-2) } });
    return presentCode({ ...c, revokedAt: now }, ctx.clock.now(), null);
  });
}
