/** Inviting someone into an organisation by e-mail link, and accepting the invitation. */
import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { invitations, memberships, organisations, users } from "../db/schema";
import type { Ctx, Deps } from "../context";
import { changed, withTransaction } from "../db/client";
import { audit } from "../audit/service";
import { Conflict, Forbidden, Invalid, NotFound } from "../errors";
import { checkPasswordPolicy, hashPassword, randomToken, sha256 } from "../auth/crypto";
import { isEmail, queueMail } from "../mail/outbox";
import { isModuleRole, isRole, ROLE_LABELS, type Role } from "../auth/roles";
import { createSession } from "../auth/service";

const INVITE_TTL_MS = 7 * 24 * 3600_000;

/** Creates an invitation and e-mails its link; admins may not invite owners unless they are owners. */
export function invite(ctx: Ctx, input: { email: string; role: string; moduleRoles?: string[] }, baseUrl: string) {
  const email = input.email.trim().toLowerCase();
  if (!isEmail(email)) throw new Invalid("Adresse e-mail invalide.", { email: "Adresse e-mail invalide." });
  if (!isRole(input.role)) throw new Invalid("Rôle inconnu.", { role: "Rôle inconnu." });
  if (input.role === "owner" && ctx.actor.role !== "owner") throw new Forbidden("Seul un propriétaire peut inviter un propriétaire.");
  const moduleRoles = [...new Set(input.moduleRoles ?? [])];
  if (!moduleRoles.every(isModuleRole)) throw new Invalid("Rôle de module inconnu.", { moduleRoles: "Rôle de module inconnu." });
  const token = randomToken();
  return withTransaction(ctx.db, (tx) => {
    const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, email)).get();
    if (existing && tx.select().from(memberships).where(and(eq(memberships.orgId, ctx.org), eq(memberships.userId, existing.id))).get())
      throw new Conflict("Cette personne est déjà membre de l'organisation.");
    const org = tx.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, ctx.org)).get()!;
    const now = ctx.clock.now();
    const id = Bun.randomUUIDv7();
    tx.insert(invitations)
      .values({ id, orgId: ctx.org, email, role: input.role, moduleRoles: JSON.stringify(moduleRoles), tokenHash: sha256(token), invitedBy: ctx.actor.userId, expiresAt: new Date(now.getTime() + INVITE_TTL_MS).toISOString(), createdAt: now.toISOString(), updatedAt: now.toISOString() })
      .run();
    queueMail(tx, ctx.clock, {
      orgId: ctx.org,
      to: email,
      subject: `Invitation à rejoindre ${org.name} sur Guichet`,
      text: `Bonjour,\n\n${ctx.actor.label} vous invite à rejoindre « ${org.name} » sur Guichet en tant que ${ROLE_LABELS[input.role as Role]}.\n\nPour accepter, ouvrez ce lien (valable 7 jours) :\n${baseUrl}/#/invitation/${token}\n\n— Guichet`,
    });
    audit(tx, ctx, { action: "invitation.created", entity: "invitation", entityId: id, data: { email, role: input.role, moduleRoles } });
    return { id, email, role: input.role, expiresAt: new Date(now.getTime() + INVITE_TTL_MS).toISOString() };
  });
}

/** Pending invitations of the current organisation. */
export function listInvitations(ctx: Ctx) {
  return ctx.db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, moduleRoles: invitations.moduleRoles, expiresAt: invitations.expiresAt, createdAt: invitations.createdAt })
    .from(invitations)
    .where(and(eq(invitations.orgId, ctx.org), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, ctx.clock.now().toISOString())))
    .orderBy(desc(invitations.createdAt))
    .all()
    .map((i) => ({ ...i, moduleRoles: JSON.parse(i.moduleRoles) as string[] }));
}

export function revokeInvitation(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const r = tx.update(invitations).set({ revokedAt: ctx.clock.now().toISOString() }).where(and(eq(invitations.id, id), eq(invitations.orgId, ctx.org), isNull(invitations.acceptedAt), isNull(invitations.revokedAt))).run();
    if (!changed(r)) throw new NotFound("Invitation introuvable.");
    audit(tx, ctx, { action: "invitation.revoked", entity: "invitation", entityId: id });
  });
}

function findValid(deps: Deps, token: string) {
  const inv = deps.db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, sha256(token)), isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, deps.clock.now().toISOString())))
    .get();
  if (!inv) throw new NotFound("Cette invitation est invalide, a expiré ou a déjà été utilisée.");
  return inv;
}

/** What the invitation page shows before accepting: organisation, role, and whether an account exists. */
export function invitationInfo(deps: Deps, token: string) {
  const inv = findValid(deps, token);
  const org = deps.db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, inv.orgId)).get()!;
  const hasAccount = !!deps.db.select({ id: users.id }).from(users).where(eq(users.email, inv.email)).get();
  return { organisation: org.name, email: inv.email, role: inv.role, hasAccount };
}

/**
 * Accepts: a new person sets name + password (account created, logged in); someone who already has an
 * account must be logged in as that e-mail's owner.
 */
export async function acceptInvitation(deps: Deps, token: string, input: { name?: string; password?: string }, currentUserId: string | null, origin: { ip: string | null; userAgent: string | null }) {
  const inv = findValid(deps, token);
  const existing = deps.db.select().from(users).where(eq(users.email, inv.email)).get();
  let hash: string | null = null;
  if (!existing) {
    const name = (input.name ?? "").trim();
    if (!name) throw new Invalid("Indiquez votre nom.", { name: "Le nom est obligatoire." });
    checkPasswordPolicy(input.password ?? "");
    hash = await hashPassword(input.password!);
  } else if (existing.id !== currentUserId) {
    throw new Forbidden(`Un compte existe déjà pour ${inv.email} : connectez-vous avec ce compte pour accepter l'invitation.`, "login_required");
  }
  return withTransaction(deps.db, (tx) => {
    findValid({ ...deps, db: tx }, token);
    const now = deps.clock.now().toISOString();
    const userId = existing?.id ?? Bun.randomUUIDv7();
    if (!existing) tx.insert(users).values({ id: userId, email: inv.email, name: input.name!.trim(), passwordHash: hash!, createdAt: now, updatedAt: now }).run();
    tx.insert(memberships).values({ id: Bun.randomUUIDv7(), orgId: inv.orgId, userId, role: inv.role, moduleRoles: inv.moduleRoles, createdAt: now, updatedAt: now }).run();
    tx.update(invitations).set({ acceptedAt: now, updatedAt: now }).where(eq(invitations.id, inv.id)).run();
    const label = existing?.name ?? input.name!.trim();
    audit(tx, { actor: { userId, label, role: inv.role as Role, moduleRoles: [], via: "session" }, ip: origin.ip, org: inv.orgId, clock: deps.clock }, { action: "invitation.accepted", entity: "invitation", entityId: inv.id, data: { email: inv.email, role: inv.role } });
    const session = existing ? null : createSession({ ...deps, db: tx }, userId, origin, false);
    return { orgId: inv.orgId, userId, session };
  });
}
