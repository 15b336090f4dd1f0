/** Enrolment: an admin issues a token, a new kiosk presents it once and becomes an EPN workstation with its own secret. */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Ctx, Deps } from "../../core/context";
import { systemCtx } from "../../core/context";
import { withTransaction, changed } from "../../core/db/client";
import { audit } from "../../core/audit/service";
import { Invalid, NotFound, Unauthorized } from "../../core/errors";
import { randomToken, sha256 } from "../../core/auth/crypto";
import { RateLimiter } from "../../core/auth/rate-limit";
import { epnWorkstations } from "../../modules/epn/schema";
import { createWorkstation, issueWorkstationToken, revokeWorkstationToken, roomInOrg, workstationInOrg } from "../../modules/epn/service";
import { mqttEnrolmentTokens } from "./schema";

/** Prefix of enrolment tokens, so that one pasted in the wrong place is recognisable. */
export const ENROLMENT_PREFIX = "gen_";

/** Wrong enrolment tokens per address: 20 per 10 minutes (right ones are never counted). */
export const enrolFailures = new RateLimiter(20, 10 * 60_000);

export interface TokenInput {
  label: string;
  roomId: string;
  maxUses?: number;
  validHours?: number;
}

/** Creates an enrolment token (the clear token is returned once, only its hash is kept). */
export function createEnrolmentToken(ctx: Ctx, input: TokenInput) {
  const label = input.label.trim();
  const maxUses = input.maxUses ?? 1;
  const hours = input.validHours ?? 72;
  const fields: Record<string, string> = {};
  if (!label || label.length > 100) fields.label = "Entre 1 et 100 caractères.";
  if (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > 5000) fields.maxUses = "Entre 1 et 5000 postes.";
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 * 30) fields.validHours = "Entre 1 heure et 30 jours (720 heures).";
  if (Object.keys(fields).length) throw new Invalid("Jeton d'enrôlement invalide : vérifiez les champs signalés.", fields);
  const token = ENROLMENT_PREFIX + randomToken(24);
  const now = ctx.clock.now();
  const expiresAt = new Date(now.getTime() + hours * 3600_000).toISOString();
  const id = Bun.randomUUIDv7();
  withTransaction(ctx.db, (tx) => {
    const room = roomInOrg(ctx, tx, input.roomId);
    tx.insert(mqttEnrolmentTokens)
      .values({ id, orgId: ctx.org, tokenHash: sha256(token), label, roomId: room.id, maxUses, expiresAt, createdBy: ctx.actor.label, createdAt: now.toISOString(), updatedAt: now.toISOString() })
      .run();
    audit(tx, ctx, { action: "mqtt.enrolment_token.created", entity: "mqtt_enrolment_token", entityId: id, data: { label, roomId: room.id, maxUses, expiresAt } });
  });
  return { id, token, label, roomId: input.roomId, maxUses, expiresAt };
}

/** The organisation's enrolment tokens, newest first (never the secret). */
export function listEnrolmentTokens(ctx: Ctx) {
  const now = ctx.clock.now().toISOString();
  return ctx.db
    .select()
    .from(mqttEnrolmentTokens)
    .where(eq(mqttEnrolmentTokens.orgId, ctx.org))
    .orderBy(desc(mqttEnrolmentTokens.createdAt))
    .limit(200)
    .all()
    .map((t) => ({
      id: t.id,
      label: t.label,
      roomId: t.roomId,
      maxUses: t.maxUses,
      uses: t.uses,
      expiresAt: t.expiresAt,
      createdBy: t.createdBy,
      createdAt: t.createdAt,
      status: t.revokedAt ? "revoked" : t.expiresAt <= now ? "expired" : t.uses >= t.maxUses ? "used" : "active",
    }));
}

/** Revokes an enrolment token of this organisation (kiosks already enrolled keep working). */
export function revokeEnrolmentToken(ctx: Ctx, id: string) {
  withTransaction(ctx.db, (tx) => {
    const t = tx.select().from(mqttEnrolmentTokens).where(and(eq(mqttEnrolmentTokens.id, id), eq(mqttEnrolmentTokens.orgId, ctx.org))).get();
    if (!t) throw new NotFound("Jeton d'enrôlement introuvable.");
    const now = ctx.clock.now().toISOString();
    tx.update(mqttEnrolmentTokens).set({ revokedAt: t.revokedAt ?? now, updatedAt: now }).where(eq(mqttEnrolmentTokens.id, id)).run();
    audit(tx, ctx, { action: "mqtt.enrolment_token.revoked", entity: "mqtt_enrolment_token", entityId: id, data: { label: t.label } });
  });
}

/** A free workstation name from the kiosk's host name ("salle-1-pc3", then "salle-1-pc3 (2)"…). */
function freeName(tx: Ctx["db"], orgId: string, hostname: string) {
  const base = hostname.replace(/[^\p{L}\p{N} ._-]/gu, "").trim().slice(0, 50) || "Poste";
  for (let i = 1; i < 1000; i++) {
    const name = i === 1 ? base : `${base} (${i})`;
    if (!tx.select({ id: epnWorkstations.id }).from(epnWorkstations).where(and(eq(epnWorkstations.orgId, orgId), eq(epnWorkstations.name, name))).get()) return name;
  }
  return `${base} ${Bun.randomUUIDv7().slice(-6)}`;
}

/** What a kiosk receives at enrolment: its identity and broker credentials (username = workstation id). */
export interface Enrolled {
  orgId: string;
  workstationId: string;
  name: string;
  username: string;
  password: string;
  mqtt: { port: number; tls: boolean; wsPath: string };
}

/** Redeems an enrolment token: creates the EPN workstation and its secret, all in one transaction. */
export function enrol(deps: Deps, input: { token: string; hostname: string }, ip: string | null, mqttPort = deps.config.mqttPort): Enrolled {
  const hash = sha256(input.token.trim());
  const now = deps.clock.now().toISOString();
  const bad = () => {
    enrolFailures.hit(ip ?? "?");
    return new Unauthorized("Jeton d'enrôlement inconnu, expiré, révoqué ou déjà utilisé : demandez-en un nouveau à l'administrateur.", "enrolment_refused");
  };
  const t = deps.db.select().from(mqttEnrolmentTokens).where(eq(mqttEnrolmentTokens.tokenHash, hash)).get();
  if (!t || t.revokedAt || t.expiresAt <= now || t.uses >= t.maxUses) throw bad();
  const base = systemCtx(deps, t.orgId);
  const ctx: Ctx = { ...base, ip, actor: { ...base.actor, label: `Enrôlement (jeton « ${t.label} »)` } };
  return withTransaction(deps.db, (tx) => {
    const tctx = { ...ctx, db: tx };
    // Counted inside the transaction with a guard, so two kiosks racing for the last use get one winner.
    const n = changed(tx.update(mqttEnrolmentTokens).set({ uses: sql`${mqttEnrolmentTokens.uses} + 1`, updatedAt: now }).where(and(eq(mqttEnrolmentTokens.id, t.id), sql`${mqttEnrolmentTokens.uses} < ${mqttEnrolmentTokens.maxUses}`)).run());
    if (!n) throw bad();
    const ws = createWorkstation(tctx, { name: freeName(tx, t.orgId, input.hostname), roomId: t.roomId });
    const { token } = issueWorkstationToken(tctx, ws.id);
    audit(tx, tctx, { action: "mqtt.workstation.enrolled", entity: "epn_workstation", entityId: ws.id, data: { name: ws.name, hostname: input.hostname.slice(0, 100), enrolmentTokenId: t.id } });
    return { orgId: t.orgId, workstationId: ws.id, name: ws.name, username: ws.id, password: token, mqtt: { port: mqttPort, tls: !!(deps.config.tlsCert && deps.config.tlsKey), wsPath: "/mqtt" } };
  });
}

/** Revokes a workstation's secret; `cut` closes its live connection at once. */
export function revokeWorkstation(ctx: Ctx, wsId: string, cut: (wsId: string) => void) {
  workstationInOrg(ctx, ctx.db, wsId);
  revokeWorkstationToken(ctx, wsId);
  cut(wsId);
  return { ok: true };
}
