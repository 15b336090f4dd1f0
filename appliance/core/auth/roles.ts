/** Organisation roles and module roles, and the one function that decides whether an actor may act. */
export const ROLES = ["owner", "admin", "manager", "member"] as const;
export type Role = (typeof ROLES)[number];

export const MODULE_ROLES = [
  "epn_animateur",
  "itsm_technician",
  "hr_manager",
  "accountant",
  "instructor",
  "calendar_projet",
  "calendar_dev",
  "calendar_ops",
  "calendar_admin",
] as const;
export type ModuleRole = (typeof MODULE_ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  owner: "propriétaire",
  admin: "administrateur",
  manager: "responsable",
  member: "membre",
};

const RANK: Record<Role, number> = { owner: 4, admin: 3, manager: 2, member: 1 };

/** What a route demands: a minimum role, or (alternatively) one of some module roles. */
export interface Rule {
  role?: Role;
  anyModuleRole?: ModuleRole[];
}

export function roleAtLeast(have: Role, need: Role) {
  return RANK[have] >= RANK[need];
}

/** Admins and owners pass every module check; others need the role or one of the module roles. */
export function allows(have: Role, moduleRoles: string[], rule: Rule) {
  if (roleAtLeast(have, "admin")) return true;
  const byRole = rule.role ? roleAtLeast(have, rule.role) : !rule.anyModuleRole;
  const byModule = rule.anyModuleRole ? rule.anyModuleRole.some((r) => moduleRoles.includes(r)) : false;
  return byRole || byModule;
}

export function isRole(x: unknown): x is Role {
  return typeof x === "string" && (ROLES as readonly string[]).includes(x);
}
export function isModuleRole(x: unknown): x is ModuleRole {
  return typeof x === "string" && (MODULE_ROLES as readonly string[]).includes(x);
}
