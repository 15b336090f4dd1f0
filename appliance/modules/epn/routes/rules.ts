/**
 * Who may call what. Animateurs (module role epn_animateur) run the space day to day; admins and owners
 * pass every module check. Workstation secrets, room/workstation deletion, retention and purges are
 * admin-only. Plain members and managers get nothing: patron data is personal and need-to-know.
 */
import type { Rule } from "../../../core/auth/roles";
import type { RequestAuth } from "../../../core/http/auth-plugin";

/** Day-to-day operation of the space. */
export const STAFF: Rule = { anyModuleRole: ["epn_animateur"] };
/** Credentials, deletions, legal retention. */
export const ADMIN: Rule = { role: "admin" };

/** OpenAPI tag of every EPN route. */
export const TAG = ["epn"];

/**
 * Route option that checks the rule before the body and query are validated, so a caller without the
 * right gets 403 whatever they send (the handler still asks auth.ctx(rule) for its Ctx).
 */
export function guard(rule: Rule) {
  return { transform: ({ auth }: { auth: RequestAuth }) => void auth.ctx(rule) };
}
