/** The platform's own periodic jobs: purging expired sessions, reset links, old invitations and old sent mail. */
import { and, eq, isNotNull, isNull, lt, lte, or, sql } from "drizzle-orm";
import { authSessions, invitations, mailOutbox, passwordResets } from "../db/schema";
import { changed, withTransaction } from "../db/client";
import { systemCtx, type Deps } from "../context";
import { audit } from "../audit/service";
import type { JobDef } from "./scheduler";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Expired invitations stay visible in the audit trail's context for a month, then go. */
export const INVITATION_KEEP_MS = 30 * DAY;
/** Delivered mail is kept three months (for "did the e-mail leave?" questions), then purged. */
export const SENT_MAIL_KEEP_MS = 90 * DAY;

function ago(deps: Deps, ms: number) {
  return new Date(deps.clock.now().getTime() - ms).toISOString();
}

/** Core jobs, registered by services.ts. */
export const CORE_JOBS: JobDef[] = [
  {
    name: "purge-sessions",
    label: "Suppression des sessions expirées",
    everyMs: HOUR,
    run: (deps) => ({ sessions: changed(deps.db.delete(authSessions).where(lte(authSessions.expiresAt, deps.clock.now().toISOString())).run()) }),
  },
  {
    name: "purge-password-resets",
    label: "Suppression des liens de réinitialisation utilisés ou expirés",
    everyMs: HOUR,
    run: (deps) => ({
      liens: changed(deps.db.delete(passwordResets).where(or(isNotNull(passwordResets.usedAt), lte(passwordResets.expiresAt, deps.clock.now().toISOString()))).run()),
    }),
  },
  {
    name: "purge-invitations",
    label: "Suppression des invitations expirées depuis plus de 30 jours",
    everyMs: DAY,
    run: (deps) => {
      const cutoff = ago(deps, INVITATION_KEEP_MS);
      const stale = and(isNull(invitations.acceptedAt), lt(invitations.expiresAt, cutoff));
      return withTransaction(deps.db, (tx) => {
        const perOrg = tx.select({ orgId: invitations.orgId, n: sql<number>`count(*)` }).from(invitations).where(stale).groupBy(invitations.orgId).all();
        const n = changed(tx.delete(invitations).where(stale).run());
        // Invitations are organisation rows: each organisation's audit trail says they went, and why.
        for (const o of perOrg) audit(tx, systemCtx(deps, o.orgId), { action: "invitation.purged", entity: "invitation", data: { count: o.n, expiredBefore: cutoff } });
        return { invitations: n };
      });
    },
  },
  {
    name: "purge-sent-mail",
    label: "Suppression des e-mails envoyés depuis plus de 90 jours",
    everyMs: DAY,
    run: (deps) => ({ emails: changed(deps.db.delete(mailOutbox).where(and(eq(mailOutbox.status, "sent"), lt(mailOutbox.sentAt, ago(deps, SENT_MAIL_KEEP_MS)))).run()) }),
  },
];
