/** Shown for an unknown path, or a module page the current organisation has not enabled. */
import { html } from "../../lib/html";
import { t } from "../../lib/i18n";
import { href } from "../../lib/router";

/** "Page introuvable" with a way back. */
export function NotFoundPage() {
  return html`<section class="page">
    <h1>${t("Page introuvable")}</h1>
    <p>${t("Cette page n'existe pas, ou son module n'est pas activé pour cette organisation.")}</p>
    <p><a class="btn btn-primary" href=${href("/")}>${t("Retour au tableau de bord")}</a></p>
  </section>`;
}
