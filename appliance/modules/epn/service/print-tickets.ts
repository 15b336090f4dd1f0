/** Builds the tickets PDF for chosen codes or a whole batch of this organisation. */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../../../core/context";
import { withTransaction } from "../../../core/db/client";
import { audit } from "../../../core/audit/service";
import { Invalid, NotFound } from "../../../core/errors";
import { organisations } from "../../../core/db/schema";
import { epnCodes, epnPatrons } from "../schema";
import { getSettings } from "./settings";
import { currentText } from "./texts";
import { patronName } from "./room-view";
import { renderTickets } from "./tickets-pdf";

/** The PDF bytes for `ids` (or every code of `batchId`), one per page or ten per sheet. */
export async function ticketsPdf(ctx: Ctx, q: { ids?: string[]; batchId?: string; layout?: string }) {
  const layout = q.layout ?? "page";
  if (layout !== "page" && layout !== "sheet") throw new Invalid("Mise en page inconnue : « page » ou « sheet ».", { layout: "page ou sheet." });
  const ids = [...new Set(q.ids ?? [])];
  if (!ids.length && !q.batchId) throw new Invalid("Indiquez les codes ou le lot à imprimer.", { ids: "Au moins un code." });
  if (ids.length > 500) throw new Invalid("500 codes au plus par impression.", { ids: "500 maximum." });
  const cond = q.batchId ? eq(epnCodes.batchId, q.batchId) : inArray(epnCodes.id, ids);
  const rows = ctx.db
    .select({ c: epnCodes, firstName: epnPatrons.firstName, lastName: epnPatrons.lastName })
    .from(epnCodes)
    .leftJoin(epnPatrons, eq(epnPatrons.id, epnCodes.patronId))
    .where(and(eq(epnCodes.orgId, ctx.org), cond))
    .orderBy(asc(epnCodes.createdAt), asc(epnCodes.id))
    .all();
  // Another organisation's code is reported exactly like a missing one.
  if (!rows.length || (!q.batchId && rows.length !== ids.length)) throw new NotFound("Code introuvable.");
  const s = getSettings(ctx);
  const org = ctx.db.select({ name: organisations.name }).from(organisations).where(eq(organisations.id, ctx.org)).get();
  const reglement = currentText(ctx, "reglement");
  const pdf = await renderTickets(
    rows.map((r) => ({ code: r.c.code, patronName: patronName(r), label: r.c.label, validFrom: r.c.validFrom, validUntil: r.c.validUntil, allowanceMinutes: r.c.allowanceMinutes, multiUse: !!r.c.multiUse })),
    { orgName: org?.name ?? "Mairie", timezone: s.timezone, maxSessionMinutes: s.maxSessionMinutes, dailyQuotaMinutes: s.dailyQuotaMinutes, reglement: reglement.body, reglementVersion: reglement.version },
    layout,
  );
  // Printing reveals codes: it leaves a trace like a write does.
  withTransaction(ctx.db, (tx) => audit(tx, ctx, { action: "epn.codes.printed", entity: "epn_code", entityId: q.batchId ?? rows[0]!.c.id, data: { count: rows.length, layout } }));
  return pdf;
}
