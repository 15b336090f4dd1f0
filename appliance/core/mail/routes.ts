/** /api/mail/outbox: the administrator's view of outgoing e-mail, and retrying a message. */
import { Elysia, t } from "elysia";
import type { Deps } from "../context";
import { authPlugin } from "../http/auth-plugin";
import { listOutbox, retryMail } from "./admin";
import type { MailSender } from "./sender";

/** Routes need the sender to report its state and to wake it after a retry. */
export function mailRoutes(deps: Deps, sender: MailSender) {
  return new Elysia({ name: "core-mail" })
    .use(authPlugin(deps))
    .get(
      "/api/mail/outbox",
      ({ auth, query }) => ({ sender: { state: sender.state }, ...listOutbox(auth.ctx({ role: "admin" }), query) }),
      {
        query: t.Object({
          status: t.Optional(t.String({ maxLength: 20 })),
          before: t.Optional(t.String({ maxLength: 40 })),
          limit: t.Optional(t.Numeric({ minimum: 1, maximum: 200 })),
        }),
        detail: { summary: "File d'envoi des e-mails (sans le contenu des messages)", tags: ["e-mail"] },
      },
    )
    .post(
      "/api/mail/outbox/:id/retry",
      ({ auth, params }) => {
        const row = retryMail(auth.ctx({ role: "admin" }), params.id);
        sender.wake();
        return row;
      },
      { params: t.Object({ id: t.String({ maxLength: 64 }) }), detail: { summary: "Relancer l'envoi d'un e-mail en attente ou en échec", tags: ["e-mail"] } },
    );
}
