/** DNS filter tables: lists, client groups, local records, upstreams (policy rows) and the query log + statistics. */
import { sqliteTable, text, integer, real, index, uniqueIndex, primaryKey } from "drizzle-orm/sqlite-core";

const stamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

/** A blocklist or allowlist: a subscription by URL (file kept in the data folder) or a local list typed in the UI. */
export const dnsLists = sqliteTable(
  "dns_lists",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    /** "url" (subscription) or "local" (rules kept in `content`). */
    kind: text("kind").notNull(),
    /** "block" or "allow": in an allow list every plain rule is an exception. */
    mode: text("mode").notNull(),
    url: text("url"),
    content: text("content").notNull().default(""),
    enabled: integer("enabled").notNull().default(1),
    refreshHours: integer("refresh_hours").notNull().default(24),
    ruleCount: integer("rule_count").notNull().default(0),
    ignoredCount: integer("ignored_count").notNull().default(0),
    invalidCount: integer("invalid_count").notNull().default(0),
    /** SHA-256 of the last good content: the daemon recompiles a list only when it changes. */
    sha256: text("sha256"),
    lastRefreshAt: text("last_refresh_at"),
    lastSuccessAt: text("last_success_at"),
    lastError: text("last_error"),
    /** JSON: the first ignored or invalid lines of the last good version ({ line, text, reason }). */
    problems: text("problems").notNull().default("[]"),
    ...stamps,
  },
  (t) => [index("dns_lists_org").on(t.orgId)],
);

/** Clients sharing a policy; the first group (by position) whose selectors match a client wins. */
export const dnsGroups = sqliteTable(
  "dns_groups",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    position: integer("position").notNull(),
    /** 1 for the catch-all group (clients no other group claims); it cannot be deleted. */
    isDefault: integer("is_default").notNull().default(0),
    /** JSON array of selectors: IPv4/IPv6 address, CIDR, MAC address, or "poste:<workstation id>". */
    clients: text("clients").notNull().default("[]"),
    /** EPN sessions this group applies to: null (ignore sessions), "any", "minor", "adult". */
    epnSession: text("epn_session"),
    /** JSON array of dns_lists ids applied to this group. */
    listIds: text("list_ids").notNull().default("[]"),
    safeSearch: integer("safe_search").notNull().default(0),
    /** JSON weekly opening hours { "1": [["08:30","12:00"]], … } (ISO weekday) or null = always open. */
    schedule: text("schedule"),
    ...stamps,
  },
  (t) => [index("dns_groups_org").on(t.orgId, t.position)],
);

/** Admin-defined local names (A, AAAA, CNAME) answered without asking any upstream. */
export const dnsRecords = sqliteTable(
  "dns_records",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    type: text("type").notNull(),
    value: text("value").notNull(),
    ttl: integer("ttl").notNull().default(300),
    ...stamps,
  },
  (t) => [index("dns_records_org").on(t.orgId, t.name)],
);

/** Upstream resolvers: plain DNS ("dns", ip[:port]) or DNS-over-HTTPS ("doh", URL); tried in position order. */
export const dnsUpstreams = sqliteTable(
  "dns_upstreams",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    kind: text("kind").notNull(),
    address: text("address").notNull(),
    /** DoH only: "POST" or "GET" (RFC 8484 §4.1). */
    method: text("method").notNull().default("POST"),
    position: integer("position").notNull(),
    enabled: integer("enabled").notNull().default(1),
    ...stamps,
  },
  (t) => [index("dns_upstreams_org").on(t.orgId, t.position)],
);

/**
 * One row per answered query. Local telemetry that never leaves the appliance, written at up to
 * thousands of rows per second: an integer rowid instead of a UUID keeps inserts cheap and gives
 * a natural "newer than" cursor for the live view.
 */
export const dnsQueryLog = sqliteTable(
  "dns_query_log",
  {
    id: integer("id").primaryKey(),
    orgId: text("org_id").notNull(),
    at: text("at").notNull(),
    client: text("client"),
    name: text("name"),
    qtype: text("qtype").notNull(),
    /** blocked | cached | forwarded | local | safesearch | refused | failed */
    status: text("status").notNull(),
    groupId: text("group_id"),
    listId: text("list_id"),
    /** Why: the rule, "horaires", the upstream's name… (French, short). */
    reason: text("reason"),
    upstream: text("upstream"),
    rcode: text("rcode").notNull(),
    ms: real("ms").notNull(),
  },
  (t) => [index("dns_query_log_org_at").on(t.orgId, t.at)],
);

/** Counters per 10-minute bucket: exact totals even when the detailed log is sampled or off. */
export const dnsStats = sqliteTable(
  "dns_stats",
  {
    orgId: text("org_id").notNull(),
    bucket: text("bucket").notNull(),
    total: integer("total").notNull().default(0),
    blocked: integer("blocked").notNull().default(0),
    cached: integer("cached").notNull().default(0),
    forwarded: integer("forwarded").notNull().default(0),
    local: integer("local").notNull().default(0),
    failed: integer("failed").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.bucket] })],
);

/** Hourly counts per domain, blocked domain and client, for the "top" tables. */
export const dnsStatsTop = sqliteTable(
  "dns_stats_top",
  {
    orgId: text("org_id").notNull(),
    hour: text("hour").notNull(),
    /** "domain" | "blocked" | "client" */
    kind: text("kind").notNull(),
    key: text("key").notNull(),
    count: integer("count").notNull(),
  },
  (t) => [uniqueIndex("dns_stats_top_pk").on(t.orgId, t.hour, t.kind, t.key)],
);
