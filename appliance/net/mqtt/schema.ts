/**
 * Tables of the kiosk link: enrolment tokens, inventories and their history. A workstation's broker password is
 * the EPN workstation secret (epn_workstations.token_hash): one credential per kiosk, revoked in one place.
 */
import { sqliteTable, text, integer, index, uniqueIndex } from "drizzle-orm/sqlite-core";

const stamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

/** A one-time (or N-time) secret an admin hands to new kiosks; stored as SHA-256 only. */
export const mqttEnrolmentTokens = sqliteTable(
  "mqtt_enrolment_tokens",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    label: text("label").notNull(),
    /** EPN room the enrolled workstations join. */
    roomId: text("room_id").notNull(),
    /** How many kiosks may enrol with it (a whole room imaged with one token). */
    maxUses: integer("max_uses").notNull().default(1),
    uses: integer("uses").notNull().default(0),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
    createdBy: text("created_by").notNull(),
    ...stamps,
  },
  (t) => [uniqueIndex("mqtt_enrol_token").on(t.tokenHash), index("mqtt_enrol_org").on(t.orgId, t.createdAt)],
);

/** The latest inventory of each workstation (GLPI inventory format, JSON). */
export const workstationInventories = sqliteTable(
  "workstation_inventories",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    workstationId: text("workstation_id").notNull(),
    /** SHA-256 of the canonical content: an unchanged daily report writes no history. */
    contentHash: text("content_hash").notNull(),
    content: text("content").notNull(),
    collectedAt: text("collected_at").notNull(),
    ...stamps,
  },
  (t) => [uniqueIndex("ws_inv_ws").on(t.orgId, t.workstationId)],
);

/** One row per inventory that differs from the previous: what was added, removed or changed. */
export const workstationInventoryChanges = sqliteTable(
  "workstation_inventory_changes",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    workstationId: text("workstation_id").notNull(),
    at: text("at").notNull(),
    /** JSON: [{ section, key, change: "added"|"removed"|"changed", before?, after? }]. */
    changes: text("changes").notNull(),
    ...stamps,
  },
  (t) => [index("ws_inv_changes").on(t.orgId, t.workstationId, t.at)],
);
