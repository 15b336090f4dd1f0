/**
 * Who runs the DNS filter. The daemon is one per appliance and answers the whole LAN, so exactly one
 * organisation (the "operator", by default the first one created: the town hall that set the appliance up)
 * owns its policy rows; the other organisations hosted on the appliance get a clear refusal, because letting
 * them add lists, records or client groups would let one tenant rewrite or watch another's traffic.
 */
import { asc, eq } from "drizzle-orm";
import { organisations } from "../../core/db/schema";
import type { Db } from "../../core/db/client";
import type { Ctx } from "../../core/context";
import { Forbidden } from "../../core/errors";
import { getSetting } from "../../core/settings";

/** Appliance-wide setting (org '') naming the operator explicitly; unset = the oldest organisation. */
export const OPERATOR_KEY = "dns.operator";

/** The organisation whose DNS rows the daemon serves, or null before setup. */
export function operatorOrg(db: Db): string | null {
  const chosen = getSetting<string | null>(db, "", OPERATOR_KEY, null);
  if (chosen && db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, chosen)).get()) return chosen;
  return db.select({ id: organisations.id }).from(organisations).orderBy(asc(organisations.createdAt), asc(organisations.id)).limit(1).get()?.id ?? null;
}

/** Refuses DNS administration to organisations other than the operator (after the role check). */
export function requireOperator(ctx: Ctx): Ctx {
  if (operatorOrg(ctx.db) !== ctx.org)
    throw new Forbidden("Le filtre DNS de cette appliance est administré par une autre organisation : ses listes, groupes et journaux ne sont pas accessibles depuis celle-ci.", "dns_not_operator");
  return ctx;
}
