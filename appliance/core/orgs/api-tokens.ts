/** Scoped API tokens for scripts: shown once, stored hashed, bound to one organisation and a role. */
import { and, desc, eq, isNull } from "drizzle-orm";
import { apiTokens } from "../db/schema";
import type { Ctx } from "../context";
import { changed, withTransaction } from "../db/client";
import { audit } from "../audit/service";
import { Forbidden, Invalid, NotFound } from "../errors";
import { randomToken, sha256 } from "../auth/crypto";
import { isRole, roleAtLeast, type Role } from "../auth/roles";

export function listTokens(ctx: Ctx) {
  return ctx.db
    .select({ id: apiTokens.id, name: apiTokens.name, scope: apiTokens.scope, role: apiTokens.role, lastUsedAt: apiTokens.lastUsedAt, expiresAt: apiTokens.expiresAt, createdAt: apiTokens.createdAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.orgId, ctx.org), isNull(apiTokens.revokedAt)))
    .orderBy(desc(apiTokens.createdAt))
    .all();
}

/** Creates a token; its role may not exceed the creator's; the secret is returned this once only. */
export function createToken(ctx: Ctx, input: { name: string; scope: string; role: string; expiresAt?: string | null }) {
  if (ctx.actor.via === "token") throw new Forbidden("Un jeton d'API ne peut pas créer d'autres jetons.");
  const name = input.name.trim();
  const fields: Record<string, string> = {};
  if (!name || name.length > 100) fields.name = "Nom obligatoire (100 caractères maximum).";
  if (input.scope !== "read" && input.scope !== "write") fields.scope = "Portée « read » ou « write ».";
  if (!isRole(input.role)) fields.role = "Rôle inconnu.";
  if (input.expiresAt && (Number.isNaN(Date.parse(input.expiresAt)) || input.expiresAt <= ctx.clock.now().toISOString())) fields.expiresAt = "Date d'expiration invalide ou passée.";
  if (Object.keys(fields).length) throw new Invalid("Certains champs sont invalides.", fields);
  if (!roleAtLeast(ctx.actor.role, input.role as Role)) throw new Forbidden("Un jeton ne peut pas avoir plus de droits que vous.");
  const secret = "gch_" + randomToken(32);
  return withTransaction(ctx.db, (tx) => {
    const now = ctx.clock.now().toISOString();
    const id = Bun.randomUUIDv7();
    tx.insert(apiTokens).values({ id, orgId: ctx.org, userId: ctx.actor.userId, name, tokenHash: sha256(secret), scope: input.scope, role: input.role, expiresAt: input.expiresAt ? new Date(input.expiresAt).toISOString() : null, createdAt: now, updatedAt: now }).run();
    audit(tx, ctx, { action: "api_token.created", entity: "api_token", entityId: id, data: { name, scope: input.scope, role: input.role } });
    return { id, name, scope: input.scope, role: input.role, token: secret };
  });
}

export function revokeToken(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const r = tx.update(apiTokens).set({ revokedAt: ctx.clock.now().toISOString() }).where(and(eq(apiTokens.id, id), eq(apiTokens.orgId, ctx.org), isNull(apiTokens.revokedAt))).run();
    if (!changed(r)) throw new NotFound("Jeton introuvable.");
    audit(tx, ctx, { action: "api_token.revoked", entity: "api_token", entityId: id });
  });
}
