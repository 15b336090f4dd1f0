/** Netboot tables: kiosk boot images, default image per workstation group, known workstations by MAC, enrolment candidates. */
import { sqliteTable, text, integer, uniqueIndex, index } from "drizzle-orm/sqlite-core";
import { organisations } from "../../core/db/schema";

const stamps = {
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
};

/** A kiosk image version: kernel + initrd files under <data>/netboot/images/<id>/ and a kernel command line. */
export const netbootImages = sqliteTable(
  "netboot_images",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id),
    name: text("name").notNull(),
    version: text("version").notNull(),
    cmdline: text("cmdline").notNull().default(""),
    /** Null until the file is fully uploaded. */
    kernelSize: integer("kernel_size"),
    kernelSha256: text("kernel_sha256"),
    initrdSize: integer("initrd_size"),
    initrdSha256: text("initrd_sha256"),
    ...stamps,
  },
  (t) => [uniqueIndex("netboot_images_org_name_version").on(t.orgId, t.name, t.version)],
);

/** The image a workstation group boots by default; group "" is the organisation-wide default. */
export const netbootDefaults = sqliteTable(
  "netboot_defaults",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id),
    /** Workstation group name (from the EPN module later); "" = every workstation. */
    groupName: text("group_name").notNull(),
    imageId: text("image_id").notNull().references(() => netbootImages.id),
    ...stamps,
  },
  (t) => [uniqueIndex("netboot_defaults_org_group").on(t.orgId, t.groupName)],
);

/** A workstation known by its MAC; one MAC belongs to one organisation (it is one machine on one LAN). */
export const netbootHosts = sqliteTable(
  "netboot_hosts",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id),
    /** Lower-case aa:bb:cc:dd:ee:ff. */
    mac: text("mac").notNull(),
    name: text("name").notNull(),
    groupName: text("group_name"),
    /** Overrides the group default when set. */
    imageId: text("image_id").references(() => netbootImages.id),
    /** 1: show an iPXE menu of the organisation's images instead of booting straight away. */
    menu: integer("menu").notNull().default(0),
    lastBootAt: text("last_boot_at"),
    lastArch: integer("last_arch"),
    ...stamps,
  },
  (t) => [uniqueIndex("netboot_hosts_mac").on(t.mac), index("netboot_hosts_org").on(t.orgId)],
);

/** An unknown PC that tried to boot from the network: shown to the technician, who enrols or dismisses it. */
export const netbootCandidates = sqliteTable(
  "netboot_candidates",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull().references(() => organisations.id),
    mac: text("mac").notNull(),
    arch: integer("arch"),
    uuid: text("uuid"),
    vendorClass: text("vendor_class"),
    /** 1 once the PC was seen running iPXE (it reached the script stage). */
    ipxe: integer("ipxe").notNull().default(0),
    firstSeenAt: text("first_seen_at").notNull(),
    lastSeenAt: text("last_seen_at").notNull(),
    seenCount: integer("seen_count").notNull().default(1),
    ...stamps,
  },
  (t) => [uniqueIndex("netboot_candidates_org_mac").on(t.orgId, t.mac), index("netboot_candidates_seen").on(t.orgId, t.lastSeenAt)],
);
