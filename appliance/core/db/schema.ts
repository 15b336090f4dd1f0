/** Platform tables: organisations, accounts, sessions, tokens, audit, mail, notifications, settings. */
import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";

const stamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

export const organisations = sqliteTable("organisations", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  siret: text("siret"),
  address: text("address"),
  logo: text("logo"),
  /** JSON array of module names enabled for this organisation. */
  modules: text("modules").notNull().default("[]"),
  ...stamps,
});

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    email: text("email").notNull(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    totpSecret: text("totp_secret"),
    totpPendingSecret: text("totp_pending_secret"),
    /** JSON array of argon2id hashes of unused recovery codes. */
    recoveryCodes: text("recovery_codes").notNull().default("[]"),
    failedLogins: integer("failed_logins").notNull().default(0),
    lockedUntil: text("locked_until"),
    locale: text("locale").notNull().default("fr"),
    ...stamps,
  },
  (t) => [uniqueIndex("users_email").on(t.email)],
);

export const memberships = sqliteTable(
  "memberships",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id),
    userId: text("user_id").notNull().references(() => users.id),
    role: text("role").notNull(),
    /** JSON array of module roles (epn_animateur, itsm_technician, …). */
    moduleRoles: text("module_roles").notNull().default("[]"),
    ...stamps,
  },
  (t) => [uniqueIndex("memberships_org_user").on(t.orgId, t.userId), index("memberships_user").on(t.userId)],
);

export const authSessions = sqliteTable(
  "auth_sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id").notNull().references(() => users.id),
    csrfToken: text("csrf_token").notNull(),
    /** 1 while the second factor is still owed. */
    mfaPending: integer("mfa_pending").notNull().default(0),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: text("created_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [uniqueIndex("auth_sessions_token").on(t.tokenHash), index("auth_sessions_user").on(t.userId)],
);

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id),
    userId: text("user_id").notNull().references(() => users.id),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull(),
    /** "read" allows GET only; "write" everything the role allows. */
    scope: text("scope").notNull(),
    /** Role the token acts with: never above its creator's. */
    role: text("role").notNull(),
    lastUsedAt: text("last_used_at"),
    expiresAt: text("expires_at"),
    revokedAt: text("revoked_at"),
    ...stamps,
  },
  (t) => [uniqueIndex("api_tokens_hash").on(t.tokenHash), index("api_tokens_org").on(t.orgId)],
);

export const invitations = sqliteTable(
  "invitations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id),
    email: text("email").notNull(),
    role: text("role").notNull(),
    moduleRoles: text("module_roles").notNull().default("[]"),
    tokenHash: text("token_hash").notNull(),
    invitedBy: text("invited_by").notNull(),
    expiresAt: text("expires_at").notNull(),
    acceptedAt: text("accepted_at"),
    revokedAt: text("revoked_at"),
    ...stamps,
  },
  (t) => [uniqueIndex("invitations_token").on(t.tokenHash), index("invitations_org").on(t.orgId)],
);

export const passwordResets = sqliteTable(
  "password_resets",
  {
    id: text("id").primaryKey(),
    userId: text("user_id").notNull().references(() => users.id),
    tokenHash: text("token_hash").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("password_resets_token").on(t.tokenHash)],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    /** Insertion order: the hash chain follows it. */
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    id: text("id").notNull(),
    orgId: text("org_id"),
    actorId: text("actor_id"),
    actorLabel: text("actor_label").notNull(),
    action: text("action").notNull(),
    entity: text("entity").notNull(),
    entityId: text("entity_id"),
    data: text("data").notNull().default("{}"),
    ip: text("ip"),
    at: text("at").notNull(),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [index("audit_org_seq").on(t.orgId, t.seq), index("audit_entity").on(t.entity, t.entityId)],
);

export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id"),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    /** pending → sent, or failed after too many attempts. */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastError: text("last_error"),
    sentAt: text("sent_at"),
    ...stamps,
  },
  (t) => [index("mail_outbox_due").on(t.status, t.nextAttemptAt)],
);

export const notifications = sqliteTable(
  "notifications",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    kind: text("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull().default(""),
    link: text("link"),
    readAt: text("read_at"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("notifications_user").on(t.userId, t.createdAt)],
);

export const notificationPrefs = sqliteTable(
  "notification_prefs",
  {
    userId: text("user_id").notNull(),
    kind: text("kind").notNull(),
    inApp: integer("in_app").notNull().default(1),
    email: integer("email").notNull().default(1),
  },
  (t) => [uniqueIndex("notification_prefs_pk").on(t.userId, t.kind)],
);

/** Admin-edited settings; org_id '' holds appliance-wide ones. */
export const settings = sqliteTable(
  "settings",
  {
    orgId: text("org_id").notNull(),
    key: text("key").notNull(),
    value: text("value").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("settings_pk").on(t.orgId, t.key)],
);

export const jobRuns = sqliteTable("job_runs", {
  name: text("name").primaryKey(),
  lastRunAt: text("last_run_at"),
  lastStatus: text("last_status"),
  lastError: text("last_error"),
});
