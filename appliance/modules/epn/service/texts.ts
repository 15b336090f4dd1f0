/** Versioned texts shown to patrons: the GDPR notice ("rgpd") and the règlement intérieur ("reglement"). */
import { and, desc, eq } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Invalid, NotFound } from "../../../core/errors";
import { epnTexts } from "../schema";

export type TextKind = "rgpd" | "reglement";
export const TEXT_KINDS: TextKind[] = ["rgpd", "reglement"];

/** Version 1 of each text, until staff publish their own: a reasonable starting point, in French. */
export const DEFAULT_TEXTS: Record<TextKind, string> = {
  rgpd:
    "Vos nom, année de naissance, commune et catégorie socio-professionnelle sont enregistrés par la mairie pour gérer l'accès aux postes de l'espace public numérique et en établir des statistiques anonymes. " +
    "Le journal des connexions (poste, heures, adresse réseau) est conservé un an au titre des obligations légales des fournisseurs d'accès public à internet. " +
    "Vos données personnelles sont supprimées après une période d'inactivité. Vous pouvez demander à l'accueil la consultation, l'export ou l'effacement de vos données.",
  reglement:
    "Les postes sont réservés à un usage personnel et respectueux d'autrui. La durée des sessions est limitée ; la session se ferme à l'heure de fermeture de l'espace. " +
    "Les données laissées sur le poste sont effacées à la fin de chaque session. Tout usage illégal est interdit ; l'animateur peut mettre fin à une session à tout moment.",
};

const LABEL: Record<TextKind, string> = { rgpd: "la notice RGPD", reglement: "le règlement intérieur" };

/** Checks the kind named in a URL or body. */
export function asKind(k: string): TextKind {
  if (!TEXT_KINDS.includes(k as TextKind)) throw new Invalid("Type de texte inconnu : « rgpd » ou « reglement » attendu.", { kind: "Type inconnu." });
  return k as TextKind;
}

/** The current version of a text (version 1 is the built-in default). */
export function currentText(ctx: Pick<Ctx, "db" | "org">, kind: TextKind) {
  const r = ctx.db.select().from(epnTexts).where(and(eq(epnTexts.orgId, ctx.org), eq(epnTexts.kind, kind))).orderBy(desc(epnTexts.version)).limit(1).get();
  return r ? { kind, version: r.version, body: r.body, createdAt: r.createdAt, createdBy: r.createdBy } : { kind, version: 1, body: DEFAULT_TEXTS[kind], createdAt: null, createdBy: null };
}

/** The text of a given version (for exports: what the patron actually accepted). */
export function textVersion(ctx: Pick<Ctx, "db" | "org">, kind: TextKind, version: number) {
  if (version === 1) {
    const stored = ctx.db.select().from(epnTexts).where(and(eq(epnTexts.orgId, ctx.org), eq(epnTexts.kind, kind), eq(epnTexts.version, 1))).get();
    return stored?.body ?? DEFAULT_TEXTS[kind];
  }
  const r = ctx.db.select().from(epnTexts).where(and(eq(epnTexts.orgId, ctx.org), eq(epnTexts.kind, kind), eq(epnTexts.version, version))).get();
  if (!r) throw new NotFound("Version de texte introuvable.");
  return r.body;
}

/** Every version of a text, newest first (including the built-in version 1). */
export function listTextVersions(ctx: Ctx, kind: TextKind) {
  const rows = ctx.db.select().from(epnTexts).where(and(eq(epnTexts.orgId, ctx.org), eq(epnTexts.kind, kind))).orderBy(desc(epnTexts.version)).all();
  const list = rows.map((r) => ({ version: r.version, body: r.body, createdAt: r.createdAt as string | null, createdBy: r.createdBy as string | null }));
  if (!rows.some((r) => r.version === 1)) list.push({ version: 1, body: DEFAULT_TEXTS[kind], createdAt: null, createdBy: null });
  return list;
}

/** Publishes a new version; patrons accept it from then on (older acceptances stay on record). */
export function publishText(ctx: Ctx, kind: TextKind, body: string) {
  const text = body.trim();
  if (text.length < 20) throw new Invalid(`Le texte de ${LABEL[kind]} est trop court (20 caractères minimum).`, { body: "20 caractères minimum." });
  if (text.length > 20_000) throw new Invalid("Texte trop long (20 000 caractères maximum).", { body: "20 000 caractères maximum." });
  return withTransaction(ctx.db, (tx) => {
    const version = currentText({ db: tx, org: ctx.org }, kind).version + 1;
    const now = ctx.clock.now().toISOString();
    tx.insert(epnTexts).values({ id: Bun.randomUUIDv7(), orgId: ctx.org, kind, version, body: text, createdBy: ctx.actor.label, createdAt: now }).run();
    audit(tx, ctx, { action: "epn.text.published", entity: "epn_text", entityId: `${kind}:${version}`, data: { kind, version } });
    return { kind, version, body: text, createdAt: now, createdBy: ctx.actor.label };
  });
}
