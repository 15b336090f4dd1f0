/** Session state as signals: who is logged in, their organisations, the current one (remembered in localStorage). */
import { computed, signal } from "@preact/signals";
import { apiState, ApiError, get, post } from "./api";

/** One organisation the user belongs to, as /api/auth/me lists it. */
export interface OrgMembership {
  id: string;
  name: string;
  role: "owner" | "admin" | "manager" | "member";
  moduleRoles: string[];
  modules: string[];
}

/** The logged-in user (GET /api/auth/me). */
export interface Me {
  id: string;
  email: string;
  name: string;
  totpEnabled: boolean;
  locale: string | null;
  csrfToken: string | null;
  organisations: OrgMembership[];
}

/** "unknown" until the boot probe answers; "mfa" when a password was accepted but the 2FA code is due. */
export type AuthState = "unknown" | "anonymous" | "mfa" | "authenticated";

const ORG_KEY = "guichet.organisation";

/** The logged-in user, or null. */
export const me = signal<Me | null>(null);
/** Where the boot probe / login flow stands. */
export const authState = signal<AuthState>("unknown");
/** The chosen organisation id (validated against the user's memberships in `currentOrg`). */
export const currentOrgId = signal<string | null>(readStoredOrg());

/** The current organisation: the stored choice if the user still belongs to it, else their first one. */
export const currentOrg = computed<OrgMembership | null>(() => {
  const orgs = me.value?.organisations ?? [];
  return orgs.find((o) => o.id === currentOrgId.value) ?? orgs[0] ?? null;
});

function readStoredOrg() {
  try {
    return localStorage.getItem(ORG_KEY);
  } catch {
    return null;
  }
}

/** Role order, to hide pages a role cannot use (the server still decides). */
const RANK = { owner: 4, admin: 3, manager: 2, member: 1 } as const;

/** True when the user's role in the current organisation is at least `role`. */
export function hasRole(role: keyof typeof RANK) {
  const o = currentOrg.value;
  return !!o && RANK[o.role] >= RANK[role];
}

/** Switches organisation; every later API call carries its id in X-Guichet-Org. */
export function selectOrg(id: string) {
  currentOrgId.value = id;
  apiState.org = id;
  try {
    localStorage.setItem(ORG_KEY, id);
  } catch {
    // Not persisted in private browsing; still switched for this tab.
  }
}

function apply(m: Me | null) {
  me.value = m;
  apiState.csrf = m?.csrfToken ?? null;
  const org = currentOrg.value;
  apiState.org = org?.id ?? null;
  if (org && org.id !== currentOrgId.value) currentOrgId.value = org.id;
}

/** Asks the server who we are; sets authState accordingly. Never throws for 401. */
export async function loadMe(): Promise<Me | null> {
  try {
    const m = await get<Me>("auth/me", undefined, { quiet401: true, org: null });
    apply(m);
    authState.value = "authenticated";
    return m;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) {
      apply(null);
      authState.value = e.code === "mfa_required" ? "mfa" : "anonymous";
      return null;
    }
    throw e;
  }
}

/** Logs out on the server (best effort) and forgets the user locally. */
export async function logout() {
  try {
    await post("auth/logout", {}, { quiet401: true });
  } finally {
    apply(null);
    authState.value = "anonymous";
  }
}

// A 401 from any call while we thought we were logged in means the session ended elsewhere.
apiState.onUnauthorized = (e) => {
  if (authState.value !== "authenticated") return;
  apply(null);
  authState.value = e.code === "mfa_required" ? "mfa" : "anonymous";
};
