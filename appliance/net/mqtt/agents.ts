/**
 * The kiosks' agents as staff see them: whether each one is connected to the broker now, its agent version, and
 * its last inventory in a few readable fields. The summary is read with SQLite's JSON functions, so the list
 * never parses whole inventories (a software list is easily 200 KB per kiosk).
 */
import { and, eq, inArray, max, sql } from "drizzle-orm";
import type { Ctx } from "../../core/context";
import { epnRooms, epnWorkstations } from "../../modules/epn/schema";
import { roomInOrg } from "../../modules/epn/service";
import { workstationInventories, workstationInventoryChanges } from "./schema";

/** A kiosk's last inventory in a few words (GLPI field names underneath). */
export interface InventorySummary {
  collectedAt: string;
  agent: string | null;
  os: string | null;
  arch: string | null;
  manufacturer: string | null;
  model: string | null;
  cpu: string | null;
  /** GLPI unit: MB. */
  memoryMb: number | null;
  softwareCount: number;
  vm: string | null;
  /** When the inventory last differed from the previous one (null: never since the first). */
  lastChangeAt: string | null;
}

/** One row of the agents list. */
export interface AgentRow {
  id: string;
  name: string;
  roomId: string;
  roomName: string;
  /** The workstation has a secret (enrolled, or given one by hand). */
  enrolled: boolean;
  /** Has a live MQTT connection right now. */
  connected: boolean;
  lastSeenAt: string | null;
  ip: string | null;
  mac: string | null;
  agentVersion: string | null;
  inventory: InventorySummary | null;
}

const inv = workstationInventories;
const j = (path: string) => sql<string | null>`json_extract(${inv.content}, ${path})`;

/** The summary fields, read inside SQLite (no whole inventory crosses into JavaScript). */
const SUMMARY = {
  wsId: inv.workstationId, agent: j("$.versionclient"), osFull: j("$.operatingsystem.full_name"), osName: j("$.operatingsystem.name"),
  osVersion: j("$.operatingsystem.version"), arch: j("$.operatingsystem.arch"), manufacturer: j("$.bios.smanufacturer"), model: j("$.bios.smodel"),
  cpu: j("$.cpus[0].name"), cpuCount: sql<number | null>`json_array_length(${inv.content}, '$.cpus')`, memory: sql<number | null>`json_extract(${inv.content}, '$.hardware.memory')`,
  vm: j("$.hardware.vmsystem"), softwares: sql<number | null>`json_array_length(${inv.content}, '$.softwares')`,
};
type Summary = Omit<InventorySummary, "collectedAt" | "lastChangeAt">;

/**
 * Summaries by workstation, valid while the inventory's content hash is the same. Reading them costs ~0.35 ms per
 * kiosk with a 200 KB software list (SQLite parses the JSON): 2,000 kiosks would hold the event loop, and the
 * broker with it, for most of a second at every page load. Daily reports rarely change the content.
 */
const summaries = new Map<string, { hash: string; summary: Summary }>();

function summariesFor(ctx: Ctx, wanted: { id: string; hash: string }[]) {
  const missing = wanted.filter((w) => summaries.get(w.id)?.hash !== w.hash);
  for (let i = 0; i < missing.length; i += 500) {
    const part = missing.slice(i, i + 500);
    const hashes = new Map(part.map((w) => [w.id, w.hash]));
    const rows = ctx.db.select(SUMMARY).from(inv).where(and(eq(inv.orgId, ctx.org), inArray(inv.workstationId, [...hashes.keys()]))).all();
    if (summaries.size > 50_000) summaries.clear(); // bounded, whatever the number of kiosks ever seen
    for (const r of rows) {
      const summary: Summary = {
        agent: r.agent,
        os: r.osFull ?? ([r.osName, r.osVersion].filter(Boolean).join(" ") || null),
        arch: r.arch,
        manufacturer: r.manufacturer,
        model: r.model,
        cpu: r.cpu ? (r.cpuCount && r.cpuCount > 1 ? `${r.cpuCount} × ${r.cpu}` : r.cpu) : null,
        memoryMb: typeof r.memory === "number" ? r.memory : null,
        softwareCount: r.softwares ?? 0,
        vm: r.vm,
      };
      summaries.set(r.wsId, { hash: hashes.get(r.wsId)!, summary });
    }
  }
}

/** The organisation's workstations with their agent's state, sorted by room then name; `roomId` narrows to one room. */
export function listAgents(ctx: Ctx, q: { roomId?: string }, isConnected: (wsId: string) => boolean): AgentRow[] {
  if (q.roomId) roomInOrg(ctx, ctx.db, q.roomId);
  const ws = epnWorkstations;
  const rows = ctx.db
    .select({
      id: ws.id, name: ws.name, roomId: ws.roomId, roomName: epnRooms.name, enrolled: sql<number>`${ws.tokenHash} IS NOT NULL`,
      lastSeenAt: ws.lastSeenAt, ip: ws.ip, mac: ws.mac, agentVersion: ws.agentVersion, collectedAt: inv.collectedAt, hash: inv.contentHash,
    })
    .from(ws)
    .innerJoin(epnRooms, eq(epnRooms.id, ws.roomId))
    .leftJoin(inv, and(eq(inv.orgId, ws.orgId), eq(inv.workstationId, ws.id)))
    .where(and(eq(ws.orgId, ctx.org), q.roomId ? eq(ws.roomId, q.roomId) : undefined))
    .all();
  summariesFor(ctx, rows.flatMap((r) => (r.hash ? [{ id: r.id, hash: r.hash }] : [])));
  const changes = new Map(
    ctx.db
      .select({ ws: workstationInventoryChanges.workstationId, at: max(workstationInventoryChanges.at), n: sql<number>`count(*)` })
      .from(workstationInventoryChanges)
      .where(eq(workstationInventoryChanges.orgId, ctx.org))
      .groupBy(workstationInventoryChanges.workstationId)
      .all()
      .map((c) => [c.ws, c]),
  );
  const collator = new Intl.Collator("fr", { numeric: true });
  return rows
    .sort((a, b) => collator.compare(a.roomName, b.roomName) || collator.compare(a.name, b.name))
    .map((r) => {
      const ch = changes.get(r.id);
      return {
        id: r.id,
        name: r.name,
        roomId: r.roomId,
        roomName: r.roomName,
        enrolled: !!r.enrolled,
        connected: isConnected(r.id),
        lastSeenAt: r.lastSeenAt,
        ip: r.ip,
        mac: r.mac,
        agentVersion: r.agentVersion,
        inventory:
          r.collectedAt && summaries.has(r.id)
            ? {
                collectedAt: r.collectedAt,
                ...summaries.get(r.id)!.summary,
                // The first inventory is itself one history row: "changed since" needs a second one.
                lastChangeAt: ch && ch.n > 1 ? ch.at : null,
              }
            : null,
      };
    });
}
