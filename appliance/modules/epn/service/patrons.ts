/** Patrons: registration with GDPR consent, search, edit, and acceptance of the current texts. */
import { and, asc, desc, eq, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import type { Db } from "../../../core/db/client";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Conflict, Invalid, NotFound } from "../../../core/errors";
import { epnCodes, epnConsents, epnPatrons, epnReservations, epnSessions } from "../schema";
import { ageBand, CATEGORIES, isCategory, isSex, SEXES } from "./categories";
import { currentText, type TextKind } from "./texts";
import { localDay, localParts } from "./local-time";
import { getSettings } from "./settings";

/** What staff type in the patron form. */
export interface PatronFields {
  firstName?: string;
  lastName?: string;
  birthYear?: number | null;
  commune?: string | null;
  category?: string;
  sex?: string | null;
  email?: string | null;
  phone?: string | null;
  notes?: string | null;
}

/** A patron of this organisation (erased ones included), or NotFound. */
export function patronInOrg(ctx: Pick<Ctx, "org">, db: Db, id: string) {
  const p = db.select().from(epnPatrons).where(and(eq(epnPatrons.id, id), eq(epnPatrons.orgId, ctx.org))).get();
  if (!p) throw new NotFound("Usager introuvable.");
  return p;
}

/** The same, refusing erased patrons (nothing left to act on). */
export function livePatron(ctx: Pick<Ctx, "org">, db: Db, id: string) {
  const p = patronInOrg(ctx, db, id);
  if (p.erasedAt) throw new Conflict("Les données de cet usager ont été effacées.");
  return p;
}

function opt(v: string | null | undefined, max: number, field: string, label: string, fields: Record<string, string>) {
  if (v === undefined) return undefined;
  const s = (v ?? "").trim();
  if (s.length > max) fields[field] = `${label} : ${max} caractères maximum.`;
  return s || null;
}

/** Checks the form; `creating` makes names mandatory. Returns only the fields given. */
function clean(ctx: Ctx, input: PatronFields, creating: boolean) {
  const f: Record<string, string> = {};
  const out: Record<string, unknown> = {};
  for (const [k, label] of [["firstName", "Prénom"], ["lastName", "Nom"]] as const) {
    const v = input[k];
    if (v === undefined && !creating) continue;
    const s = (v ?? "").trim();
    if (!s) f[k] = `${label} obligatoire.`;
    else if (s.length > 80) f[k] = `${label} : 80 caractères maximum.`;
    out[k] = s;
  }
  if (input.birthYear !== undefined && input.birthYear !== null) {
    const year = localParts(ctx.clock.now(), getSettings(ctx).timezone).year;
    if (!Number.isInteger(input.birthYear) || input.birthYear < year - 120 || input.birthYear > year) f.birthYear = `Année de naissance entre ${year - 120} et ${year}.`;
  }
  if (input.birthYear !== undefined) out.birthYear = input.birthYear;
  if (input.category !== undefined || creating) {
    const c = input.category ?? "non_renseigne";
    if (!isCategory(c)) f.category = `Catégorie inconnue (${Object.keys(CATEGORIES).join(", ")}).`;
    out.category = c;
  }
  if (input.sex !== undefined) {
    if (input.sex !== null && input.sex !== "" && !isSex(input.sex)) f.sex = `Valeur attendue : ${Object.keys(SEXES).join(", ")} ou vide.`;
    out.sex = input.sex || null;
  }
  const commune = opt(input.commune, 100, "commune", "Commune", f);
  if (commune !== undefined) out.commune = commune;
  const email = opt(input.email, 254, "email", "E-mail", f);
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) f.email = "Adresse e-mail invalide.";
  if (email !== undefined) out.email = email?.toLowerCase() ?? null;
  const phone = opt(input.phone, 30, "phone", "Téléphone", f);
  if (phone && !/^[+\d][\d .-]{5,}$/.test(phone)) f.phone = "Numéro de téléphone invalide.";
  if (phone !== undefined) out.phone = phone;
  const notes = opt(input.notes, 1000, "notes", "Remarques", f);
  if (notes !== undefined) out.notes = notes;
  if (Object.keys(f).length) throw new Invalid("Fiche usager invalide : vérifiez les champs signalés.", f);
  return out as Partial<typeof epnPatrons.$inferInsert>;
}

/** Records acceptance of the current version of a text, in the caller's transaction. */
function recordAcceptance(ctx: Ctx, tx: Db, patronId: string, kind: TextKind) {
  const version = currentText({ db: tx, org: ctx.org }, kind).version;
  const at = ctx.clock.now().toISOString();
  tx.insert(epnConsents).values({ id: Bun.randomUUIDv7(), orgId: ctx.org, patronId, kind, version, at, staffId: ctx.actor.userId === "system" ? null : ctx.actor.userId, staffLabel: ctx.actor.label }).run();
  const set = kind === "rgpd" ? { consentVersion: version, consentAt: at, consentBy: ctx.actor.label } : { reglementVersion: version, reglementAt: at };
  tx.update(epnPatrons).set({ ...set, lastActivityAt: at, updatedAt: at }).where(eq(epnPatrons.id, patronId)).run();
  return version;
}

/** Registers a patron; the GDPR notice must have been shown and accepted (recorded with its version). */
export function createPatron(ctx: Ctx, input: PatronFields & { consent: boolean; reglement?: boolean }) {
  const fields = clean(ctx, input, true);
  if (input.consent !== true)
    throw new Invalid("L'usager doit accepter la notice RGPD avant d'être enregistré : cochez la case après la lui avoir présentée.", { consent: "Consentement obligatoire." });
  return withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now();
    const id = Bun.randomUUIDv7();
    tx.insert(epnPatrons)
      .values({ ...fields, id, orgId: ctx.org, category: fields.category!, registeredOn: localDay(now, getSettings(ctx).timezone), lastActivityAt: now.toISOString(), createdAt: now.toISOString(), updatedAt: now.toISOString() })
      .run();
    const rgpd = recordAcceptance(ctx, tx, id, "rgpd");
    const reglement = input.reglement ? recordAcceptance(ctx, tx, id, "reglement") : null;
    // Names stay out of the audit trail (it outlives erasure); the id is enough to follow the record.
    audit(tx, ctx, { action: "epn.patron.created", entity: "epn_patron", entityId: id, data: { consentVersion: rgpd, reglementVersion: reglement } });
    return present(ctx, patronInOrg(ctx, tx, id));
  });
}

/** Edits a patron's fields. */
export function updatePatron(ctx: Ctx, id: string, input: PatronFields) {
  const fields = clean(ctx, input, false);
  return withTransaction(ctx.db, (tx) => {
    livePatron(ctx, tx, id);
    const now = ctx.clock.now().toISOString();
    tx.update(epnPatrons).set({ ...fields, lastActivityAt: now, updatedAt: now }).where(and(eq(epnPatrons.id, id), eq(epnPatrons.orgId, ctx.org))).run();
    audit(tx, ctx, { action: "epn.patron.updated", entity: "epn_patron", entityId: id, data: { champs: Object.keys(fields) } });
    return present(ctx, patronInOrg(ctx, tx, id));
  });
}

/** Records that the patron accepted the current GDPR notice or règlement (shown by staff). */
export function acceptText(ctx: Ctx, id: string, kind: TextKind) {
  return withTransaction(ctx.db, (tx) => {
    livePatron(ctx, tx, id);
    const version = recordAcceptance(ctx, tx, id, kind);
    audit(tx, ctx, { action: kind === "rgpd" ? "epn.patron.consent" : "epn.patron.reglement", entity: "epn_patron", entityId: id, data: { version } });
    return present(ctx, patronInOrg(ctx, tx, id));
  });
}

/** A patron row as the API returns it (age band derived, flags for outdated acceptances). */
export function present(ctx: Pick<Ctx, "db" | "org" | "clock">, p: typeof epnPatrons.$inferSelect) {
  const tz = getSettings(ctx).timezone;
  const year = localParts(ctx.clock.now(), tz).year;
  const rgpd = currentText(ctx, "rgpd").version;
  const reg = currentText(ctx, "reglement").version;
  return {
    ...p,
    ageBand: p.erasedAt ? p.ageBand : ageBand(p.birthYear, year),
    consentCurrent: p.consentVersion === rgpd,
    reglementCurrent: p.reglementVersion === reg,
    erased: !!p.erasedAt,
  };
}

/** Patrons matching a search (name, commune, e-mail), erased ones left out unless asked. */
export function listPatrons(ctx: Ctx, q: { q?: string; limit?: number; offset?: number; includeErased?: boolean }) {
  const conds: (SQL | undefined)[] = [eq(epnPatrons.orgId, ctx.org)];
  if (!q.includeErased) conds.push(isNull(epnPatrons.erasedAt));
  if (q.q?.trim()) {
    const pat = `%${q.q.trim().toLowerCase().replace(/[%_\\]/g, (m) => "\\" + m)}%`;
    const like = (c: unknown) => sql`lower(${c as SQL}) LIKE ${pat} ESCAPE '\\'`;
    conds.push(or(like(epnPatrons.firstName), like(epnPatrons.lastName), like(epnPatrons.commune), like(epnPatrons.email), like(sql`${epnPatrons.firstName} || ' ' || ${epnPatrons.lastName}`)));
  }
  const where = and(...conds);
  const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
  const total = ctx.db.select({ n: sql<number>`count(*)` }).from(epnPatrons).where(where).get()!.n;
  const rows = ctx.db.select().from(epnPatrons).where(where).orderBy(asc(epnPatrons.lastName), asc(epnPatrons.firstName)).limit(limit).offset(Math.max(q.offset ?? 0, 0)).all();
  return { total, items: rows.map((p) => present(ctx, p)) };
}

/** One patron with consents, codes, recent sessions and reservations. */
export function getPatron(ctx: Ctx, id: string) {
  const p = patronInOrg(ctx, ctx.db, id);
  const where = and(eq(epnConsents.orgId, ctx.org), eq(epnConsents.patronId, id));
  return {
    ...present(ctx, p),
    consents: ctx.db.select().from(epnConsents).where(where).orderBy(desc(epnConsents.at)).all(),
    codes: ctx.db.select().from(epnCodes).where(and(eq(epnCodes.orgId, ctx.org), eq(epnCodes.patronId, id))).orderBy(desc(epnCodes.createdAt)).limit(50).all(),
    sessions: ctx.db.select().from(epnSessions).where(and(eq(epnSessions.orgId, ctx.org), eq(epnSessions.holder, id), eq(epnSessions.patronId, id))).orderBy(desc(epnSessions.startedAt)).limit(50).all(),
    reservations: ctx.db.select().from(epnReservations).where(and(eq(epnReservations.orgId, ctx.org), eq(epnReservations.patronId, id))).orderBy(desc(epnReservations.startsAt)).limit(50).all(),
  };
}
