/** EPN tables: rooms, workstations, patrons and consents, access codes, sessions, reservations, commands, logs. */
import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";

const stamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

/** A room (or group) of workstations with its weekly opening hours. */
export const epnRooms = sqliteTable(
  "epn_rooms",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    /** JSON: { "1": [["09:00","12:00"],["14:00","18:00"]], … } keyed by ISO weekday (1 = lundi), local time. */
    hours: text("hours").notNull(),
    ...stamps,
  },
  (t) => [index("epn_rooms_org").on(t.orgId)],
);

/** Exceptional closures (public holidays, works): a room, or every room when room_id is null. */
export const epnClosures = sqliteTable(
  "epn_closures",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    roomId: text("room_id"),
    /** Local dates, inclusive (YYYY-MM-DD). */
    fromDay: text("from_day").notNull(),
    toDay: text("to_day").notNull(),
    label: text("label").notNull(),
    ...stamps,
  },
  (t) => [index("epn_closures_org").on(t.orgId, t.fromDay)],
);

/** A kiosk PC; it authenticates with its own secret (stored as SHA-256 only). */
export const epnWorkstations = sqliteTable(
  "epn_workstations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    roomId: text("room_id").notNull(),
    name: text("name").notNull(),
    tokenHash: text("token_hash"),
    /** 1 while under maintenance: no session opens. */
    maintenance: integer("maintenance").notNull().default(0),
    /** 1 while locked by staff: no session opens. */
    locked: integer("locked").notNull().default(0),
    /** Last heartbeat; online is kept as a column so the offline transition is detected once. */
    lastSeenAt: text("last_seen_at"),
    online: integer("online").notNull().default(0),
    ip: text("ip"),
    mac: text("mac"),
    agentVersion: text("agent_version"),
    ...stamps,
  },
  (t) => [index("epn_ws_org").on(t.orgId, t.roomId), uniqueIndex("epn_ws_token").on(t.tokenHash)],
);

/** A registered patron; after erasure only the anonymous statistical fields remain. */
export const epnPatrons = sqliteTable(
  "epn_patrons",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    firstName: text("first_name"),
    lastName: text("last_name"),
    birthYear: integer("birth_year"),
    /** Frozen at erasure so statistics by age band survive it. */
    ageBand: text("age_band"),
    commune: text("commune"),
    category: text("category").notNull(),
    sex: text("sex"),
    email: text("email"),
    phone: text("phone"),
    notes: text("notes"),
    /** Version of the GDPR notice shown, when, and by which staff member. */
    consentVersion: integer("consent_version"),
    consentAt: text("consent_at"),
    consentBy: text("consent_by"),
    reglementVersion: integer("reglement_version"),
    reglementAt: text("reglement_at"),
    /** Local day of registration: statistics of new registrations per month. */
    registeredOn: text("registered_on").notNull(),
    lastActivityAt: text("last_activity_at").notNull(),
    /** Set when personal data was removed (erasure or purge); "erasure" or "purge". */
    erasedAt: text("erased_at"),
    erasedHow: text("erased_how"),
    ...stamps,
  },
  (t) => [index("epn_patrons_org").on(t.orgId, t.lastName), index("epn_patrons_activity").on(t.orgId, t.lastActivityAt)],
);

/** History of consents and règlement acceptances (the patron row holds the latest). */
export const epnConsents = sqliteTable(
  "epn_consents",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    patronId: text("patron_id").notNull(),
    /** "rgpd" or "reglement". */
    kind: text("kind").notNull(),
    version: integer("version").notNull(),
    at: text("at").notNull(),
    staffId: text("staff_id"),
    staffLabel: text("staff_label").notNull(),
  },
  (t) => [index("epn_consents_patron").on(t.orgId, t.patronId)],
);

/** Versioned texts shown to patrons: the GDPR notice and the règlement intérieur. */
export const epnTexts = sqliteTable(
  "epn_texts",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    kind: text("kind").notNull(),
    version: integer("version").notNull(),
    body: text("body").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("epn_texts_version").on(t.orgId, t.kind, t.version)],
);

/** An access code typed at a kiosk: for a patron or a guest, single or multi use, with an allowance. */
export const epnCodes = sqliteTable(
  "epn_codes",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    /** Kept readable so lost tickets can be reprinted; guessing is stopped by length and rate limits. */
    code: text("code").notNull(),
    patronId: text("patron_id"),
    batchId: text("batch_id"),
    label: text("label"),
    validFrom: text("valid_from").notNull(),
    validUntil: text("valid_until").notNull(),
    /** Total minutes the code grants across its sessions; null = only the daily quota limits it. */
    allowanceMinutes: integer("allowance_minutes"),
    usedSeconds: integer("used_seconds").notNull().default(0),
    multiUse: integer("multi_use").notNull().default(0),
    uses: integer("uses").notNull().default(0),
    revokedAt: text("revoked_at"),
    createdBy: text("created_by").notNull(),
    ...stamps,
  },
  (t) => [uniqueIndex("epn_codes_code").on(t.orgId, t.code), index("epn_codes_patron").on(t.orgId, t.patronId), index("epn_codes_batch").on(t.orgId, t.batchId)],
);

/** Wrong codes typed, counted per workstation and per address to slow guessing. */
export const epnCodeFailures = sqliteTable(
  "epn_code_failures",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    workstationId: text("workstation_id").notNull(),
    ip: text("ip"),
    at: text("at").notNull(),
  },
  (t) => [index("epn_cf_ws").on(t.workstationId, t.at), index("epn_cf_ip").on(t.ip, t.at)],
);

/** A timed session on a workstation; ends_at is the server's truth for the time left. */
export const epnSessions = sqliteTable(
  "epn_sessions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    workstationId: text("workstation_id").notNull(),
    roomId: text("room_id").notNull(),
    codeId: text("code_id").notNull(),
    /** Null for guests, and once the patron is erased. */
    patronId: text("patron_id"),
    /** The quota holder: the patron, or the code for a guest (kept after erasure, meaningless alone). */
    holder: text("holder").notNull(),
    startedAt: text("started_at").notNull(),
    endsAt: text("ends_at").notNull(),
    endedAt: text("ended_at"),
    endReason: text("end_reason"),
    /** Seconds actually used, set when the session ends (quotas and statistics sum it). */
    usedSeconds: integer("used_seconds"),
    /** What capped the length at opening: max, quota, allowance, closing, reservation. */
    limitedBy: text("limited_by").notNull(),
    extendedSeconds: integer("extended_seconds").notNull().default(0),
    lastActivityAt: text("last_activity_at").notNull(),
    /** Local day of the start: quotas and statistics by day. */
    localDay: text("local_day").notNull(),
    /** Anonymous snapshot for statistics (survives erasure). */
    guest: integer("guest").notNull().default(0),
    ageBand: text("age_band"),
    commune: text("commune"),
    category: text("category"),
    sex: text("sex"),
    ...stamps,
  },
  (t) => [
    // Running sessions get small partial indexes: ending a session drops its entries instead of rewriting
    // big ones, which keeps each open/close transaction to a few pages.
    // ended_at is indexed too (always null there) so the planner counts it as matched and prefers these.
    index("epn_sessions_ws_open").on(t.workstationId, t.endedAt).where(sql`${t.endedAt} IS NULL`),
    index("epn_sessions_holder_open").on(t.holder, t.endedAt).where(sql`${t.endedAt} IS NULL`),
    index("epn_sessions_org_open").on(t.orgId, t.endedAt, t.endsAt).where(sql`${t.endedAt} IS NULL`),
    index("epn_sessions_holder").on(t.orgId, t.holder, t.localDay),
    index("epn_sessions_day").on(t.orgId, t.localDay),
  ],
);

/** A booked slot on a workstation for a patron; released automatically after a no-show delay. */
export const epnReservations = sqliteTable(
  "epn_reservations",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    workstationId: text("workstation_id").notNull(),
    patronId: text("patron_id"),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    /** booked → honoured (the patron came), released (no-show), cancelled. */
    status: text("status").notNull(),
    note: text("note"),
    createdBy: text("created_by").notNull(),
    ...stamps,
  },
  (t) => [index("epn_res_ws").on(t.workstationId, t.startsAt), index("epn_res_org").on(t.orgId, t.startsAt), index("epn_res_patron").on(t.orgId, t.patronId)],
);

/** A command for a kiosk (lock, unlock, message, extend, logout, reboot) and its delivery status. */
export const epnCommands = sqliteTable(
  "epn_commands",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    workstationId: text("workstation_id").notNull(),
    sessionId: text("session_id"),
    type: text("type").notNull(),
    payload: text("payload").notNull().default("{}"),
    /** pending → delivered → acked (or failed), or expired if never fetched. */
    status: text("status").notNull(),
    createdBy: text("created_by").notNull(),
    deliveredAt: text("delivered_at"),
    ackedAt: text("acked_at"),
    result: text("result"),
    ...stamps,
  },
  (t) => [index("epn_cmd_ws").on(t.workstationId, t.status, t.createdAt), index("epn_cmd_org").on(t.orgId, t.status)],
);

/** Who used which workstation when, from which address: kept for the legal period, apart from patron data. */
export const epnConnectionLog = sqliteTable(
  "epn_connection_log",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    sessionId: text("session_id").notNull(),
    workstationId: text("workstation_id").notNull(),
    workstationName: text("workstation_name").notNull(),
    /** Identity at the time (legal obligation): survives the patron's erasure until this log's own purge. */
    userLabel: text("user_label").notNull(),
    codeHint: text("code_hint").notNull(),
    ip: text("ip"),
    mac: text("mac"),
    startedAt: text("started_at").notNull(),
    endedAt: text("ended_at"),
  },
  (t) => [index("epn_cl_org").on(t.orgId, t.startedAt), uniqueIndex("epn_cl_session").on(t.sessionId)],
);
