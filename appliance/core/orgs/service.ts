/** First-boot setup, organisations and their members. */
import { and, asc, eq, sql } from "drizzle-orm";
import { memberships, organisations, users } from "../db/schema";
import type { Ctx, Deps } from "../context";
import { withTransaction } from "../db/client";
import { audit } from "../audit/service";
import { Conflict, Forbidden, Invalid, NotFound } from "../errors";
import { checkPasswordPolicy, hashPassword } from "../auth/crypto";
import { isEmail } from "../mail/outbox";
import { isModuleRole, isRole, roleAtLeast, type Role } from "../auth/roles";
import { cleanOrgFields, type OrgFields } from "./validate";
import { createSession } from "../auth/service";
import { MODULES } from "../../modules/catalog";

/** True while the appliance has no organisation: the setup wizard is open. */
export function setupNeeded(deps: Deps) {
  return !deps.db.select({ id: organisations.id }).from(organisations).limit(1).get();
}

export interface SetupInput {
  organisation: OrgFields & { name: string };
  admin: { name: string; email: string; password: string };
}

/** Creates the first organisation and its owner, logs the owner in; refused once done. */
export async function runSetup(deps: Deps, input: SetupInput, origin: { ip: string | null; userAgent: string | null }) {
  if (!setupNeeded(deps)) throw new Conflict("L'installation est déjà faite : connectez-vous.", "setup_done");
  const org = cleanOrgFields(input.organisation, true);
  const email = input.admin.email.trim().toLowerCase();
  const name = input.admin.name.trim();
  const fields: Record<string, string> = {};
  if (!isEmail(email)) fields.email = "Adresse e-mail invalide.";
  if (!name) fields.adminName = "Le nom est obligatoire.";
  if (Object.keys(fields).length) throw new Invalid("Certains champs sont invalides.", fields);
  checkPasswordPolicy(input.admin.password);
  const hash = await hashPassword(input.admin.password);
  return withTransaction(deps.db, (tx) => {
    // Checked again inside the transaction: two browsers finishing setup at once get one winner.
    if (!setupNeeded({ ...deps, db: tx })) throw new Conflict("L'installation est déjà faite : connectez-vous.", "setup_done");
    const now = deps.clock.now().toISOString();
    const orgId = Bun.randomUUIDv7();
    const userId = Bun.randomUUIDv7();
    tx.insert(organisations).values({ id: orgId, name: org.name!, siret: org.siret ?? null, address: org.address ?? null, modules: JSON.stringify(MODULES.map((m) => m.name)), createdAt: now, updatedAt: now }).run();
    tx.insert(users).values({ id: userId, email, name, passwordHash: hash, createdAt: now, updatedAt: now }).run();
    tx.insert(memberships).values({ id: Bun.randomUUIDv7(), orgId, userId, role: "owner", createdAt: now, updatedAt: now }).run();
    const ctx = { actor: { userId, label: name, role: "owner" as const, moduleRoles: [], via: "session" as const }, ip: origin.ip, org: orgId, clock: deps.clock };
    audit(tx, ctx, { action: "setup.completed", entity: "organisation", entityId: orgId, data: { name: org.name, siret: org.siret } });
    const s = createSession({ ...deps, db: tx }, userId, origin, false);
    return { orgId, userId, session: s };
  });
}

/** The organisations the user belongs to, with their role in each. */
export function myOrganisations(deps: Deps, userId: string) {
  return deps.db
    .select({ id: organisations.id, name: organisations.name, role: memberships.role, moduleRoles: memberships.moduleRoles, modules: organisations.modules })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.createdAt))
    .all()
    .map((o) => ({ ...o, moduleRoles: JSON.parse(o.moduleRoles) as string[], modules: JSON.parse(o.modules) as string[] }));
}

/** Another organisation on this appliance (CCAS, association…), owned by its creator. */
export function createOrganisation(ctx: Ctx, input: OrgFields & { name: string }) {
  if (!roleAtLeast(ctx.actor.role, "admin")) throw new Forbidden("Seul un administrateur peut créer une organisation.");
  const org = cleanOrgFields(input, true);
  return withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const id = Bun.randomUUIDv7();
    tx.insert(organisations).values({ id, name: org.name!, siret: org.siret ?? null, address: org.address ?? null, modules: JSON.stringify(MODULES.map((m) => m.name)), createdAt: now, updatedAt: now }).run();
    tx.insert(memberships).values({ id: Bun.randomUUIDv7(), orgId: id, userId: ctx.actor.userId, role: "owner", createdAt: now, updatedAt: now }).run();
    audit(tx, { ...ctx, org: id }, { action: "organisation.created", entity: "organisation", entityId: id, data: { name: org.name } });
    return { id, name: org.name! };
  });
}

export function getOrganisation(ctx: Ctx) {
  const o = ctx.db.select().from(organisations).where(eq(organisations.id, ctx.org)).get();
  if (!o) throw new NotFound("Organisation introuvable.");
  return { ...o, modules: JSON.parse(o.modules) as string[] };
}

/** Edits the current organisation's identity and enabled modules. */
export function updateOrganisation(ctx: Ctx, input: OrgFields & { modules?: string[] }) {
  const clean = cleanOrgFields(input, false);
  let modules: string[] | undefined;
  if (input.modules) {
    const known = new Set(MODULES.map((m) => m.name));
    const bad = input.modules.filter((m) => !known.has(m));
    if (bad.length) throw new Invalid(`Module inconnu : ${bad.join(", ")}.`, { modules: "Module inconnu." });
    modules = [...new Set(input.modules)];
  }
  return withTransaction(ctx.db, (tx) => {
    const before = getOrganisation({ ...ctx, db: tx });
    tx.update(organisations)
      .set({ ...clean, ...(modules ? { modules: JSON.stringify(modules) } : {}), updatedAt: ctx.clock.now().toISOString() })
      .where(eq(organisations.id, ctx.org))
      .run();
    audit(tx, ctx, { action: "organisation.updated", entity: "organisation", entityId: ctx.org, data: { before: { name: before.name, siret: before.siret, address: before.address, modules: before.modules }, after: { ...clean, modules } } });
    return getOrganisation({ ...ctx, db: tx });
  });
}

/** Members of the current organisation. */
export function listMembers(ctx: Ctx) {
  return ctx.db
    .select({ id: memberships.id, userId: users.id, name: users.name, email: users.email, role: memberships.role, moduleRoles: memberships.moduleRoles, totp: sql<number>`${users.totpSecret} IS NOT NULL`, createdAt: memberships.createdAt })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.orgId, ctx.org))
    .orderBy(asc(users.name))
    .all()
    .map((m) => ({ ...m, moduleRoles: JSON.parse(m.moduleRoles) as string[], totp: !!m.totp }));
}

function membershipInOrg(ctx: Ctx, tx: Ctx["db"], id: string) {
  const m = tx.select().from(memberships).where(and(eq(memberships.id, id), eq(memberships.orgId, ctx.org))).get();
  if (!m) throw new NotFound("Membre introuvable.");
  return m;
}

function ownersLeft(tx: Ctx["db"], orgId: string) {
  return tx.select({ n: sql<number>`count(*)` }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.role, "owner"))).get()!.n;
}

/** Changes a member's role or module roles; only owners grant or take "owner"; one owner always remains. */
export function updateMember(ctx: Ctx, id: string, input: { role?: string; moduleRoles?: string[] }) {
  if (input.role !== undefined && !isRole(input.role)) throw new Invalid("Rôle inconnu.", { role: "Rôle inconnu." });
  if (input.moduleRoles && !input.moduleRoles.every(isModuleRole)) throw new Invalid("Rôle de module inconnu.", { moduleRoles: "Rôle de module inconnu." });
  return withTransaction(ctx.db, (tx) => {
    const m = membershipInOrg(ctx, tx, id);
    const role = (input.role ?? m.role) as Role;
    if ((role === "owner" || m.role === "owner") && role !== m.role && ctx.actor.role !== "owner") throw new Forbidden("Seul un propriétaire peut nommer ou destituer un propriétaire.");
    if (m.role === "owner" && role !== "owner" && ownersLeft(tx, ctx.org) <= 1) throw new Conflict("L'organisation doit garder au moins un propriétaire.");
    const moduleRoles = input.moduleRoles ? JSON.stringify([...new Set(input.moduleRoles)]) : m.moduleRoles;
    tx.update(memberships).set({ role, moduleRoles, updatedAt: ctx.clock.now().toISOString() }).where(eq(memberships.id, id)).run();
    audit(tx, ctx, { action: "member.updated", entity: "membership", entityId: id, data: { userId: m.userId, before: { role: m.role, moduleRoles: JSON.parse(m.moduleRoles) }, after: { role, moduleRoles: JSON.parse(moduleRoles) } } });
    return { id, role, moduleRoles: JSON.parse(moduleRoles) as string[] };
  });
}

/** Removes someone from the organisation (their account stays for their other organisations). */
export function removeMember(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const m = membershipInOrg(ctx, tx, id);
    if (m.role === "owner" && ctx.actor.role !== "owner") throw new Forbidden("Seul un propriétaire peut retirer un propriétaire.");
    if (m.role === "owner" && ownersLeft(tx, ctx.org) <= 1) throw new Conflict("L'organisation doit garder au moins un propriétaire.");
    tx.delete(memberships).where(eq(memberships.id, id)).run();
    audit(tx, ctx, { action: "member.removed", entity: "membership", entityId: id, data: { userId: m.userId, role: m.role } });
  });
}
