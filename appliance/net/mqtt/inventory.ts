/** Workstation inventories (GLPI format): the latest per workstation, and a history row for every change. */
import { and, desc, eq } from "drizzle-orm";
import type { Ctx } from "../../core/context";
import { withTransaction } from "../../core/db/client";
import { audit } from "../../core/audit/service";
import { NotFound } from "../../core/errors";
import { sha256 } from "../../core/auth/crypto";
import { epnWorkstations } from "../../modules/epn/schema";
import type { Inventory } from "../../../agent/protocol";
import { workstationInventories, workstationInventoryChanges } from "./schema";

type Content = Inventory["content"];

/** One difference between two inventories. */
export interface InventoryChange {
  section: string;
  key: string;
  change: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
}

// How items of each list section are matched between two inventories (GLPI has no stable ids).
const KEYS: Record<string, (x: any, i: number) => string> = {
  softwares: (s) => `${s.name}${s.arch ? ` (${s.arch})` : ""}`,
  networks: (n, i) => `${n.description ?? i}${n.ipaddress6 ? " v6" : ""}`,
  cpus: (c, i) => `${i}: ${c.name ?? "?"}`,
  memories: (m, i) => String(i),
  drives: (d, i) => String(d.type ?? d.volumn ?? i),
};

/** Content with list sections sorted, so that the same machine always hashes the same. */
function canonical(c: Content): string {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(c).sort()) {
    const v = (c as any)[k];
    sorted[k] = Array.isArray(v) && KEYS[k] ? [...v].sort((a, b) => KEYS[k]!(a, 0).localeCompare(KEYS[k]!(b, 0))) : v;
  }
  return JSON.stringify(sorted);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The differences from `before` to `after`, section by section (boot time and timestamps ignored). */
export function diffInventories(before: Content, after: Content): InventoryChange[] {
  const out: InventoryChange[] = [];
  const sections = new Set([...Object.keys(before), ...Object.keys(after)]);
  for (const s of sections) {
    const a = (before as any)[s];
    const b = (after as any)[s];
    if (KEYS[s] || Array.isArray(a) || Array.isArray(b)) {
      const key = KEYS[s] ?? ((_: any, i: number) => String(i));
      const am = new Map<string, unknown>((a ?? []).map((x: unknown, i: number) => [key(x, i), x]));
      const bm = new Map<string, unknown>((b ?? []).map((x: unknown, i: number) => [key(x, i), x]));
      for (const [k, v] of bm) if (!am.has(k)) out.push({ section: s, key: k, change: "added", after: v });
      for (const [k, v] of am) if (!bm.has(k)) out.push({ section: s, key: k, change: "removed", before: v });
      for (const [k, v] of bm) if (am.has(k) && !same(am.get(k), v)) out.push({ section: s, key: k, change: "changed", before: am.get(k), after: v });
    } else if (a && b && typeof a === "object" && typeof b === "object") {
      for (const f of new Set([...Object.keys(a), ...Object.keys(b)])) {
        if (s === "operatingsystem" && f === "boot_time") continue; // changes at every reboot, says nothing
        if (!same(a[f], b[f])) out.push({ section: s, key: f, change: a[f] === undefined ? "added" : b[f] === undefined ? "removed" : "changed", before: a[f], after: b[f] });
      }
    } else if (!same(a, b)) out.push({ section: s, key: s, change: a === undefined ? "added" : b === undefined ? "removed" : "changed", before: a, after: b });
  }
  return out;
}

/** Stores an inventory a workstation sent; writes a history row only when something changed. */
export function storeInventory(ctx: Ctx, wsId: string, inv: Inventory) {
  const content = inv.content;
  const hash = sha256(canonical(content));
  const now = ctx.clock.now().toISOString();
  return withTransaction(ctx.db, (tx) => {
    const cur = tx.select().from(workstationInventories).where(and(eq(workstationInventories.orgId, ctx.org), eq(workstationInventories.workstationId, wsId))).get();
    if (cur && cur.contentHash === hash) {
      tx.update(workstationInventories).set({ collectedAt: now, updatedAt: now }).where(eq(workstationInventories.id, cur.id)).run();
      return { changed: 0 };
    }
    const changes = cur ? diffInventories(JSON.parse(cur.content), content) : [{ section: "*", key: "*", change: "added" as const }];
    const body = JSON.stringify(content);
    if (cur) tx.update(workstationInventories).set({ content: body, contentHash: hash, collectedAt: now, updatedAt: now }).where(eq(workstationInventories.id, cur.id)).run();
    else tx.insert(workstationInventories).values({ id: Bun.randomUUIDv7(), orgId: ctx.org, workstationId: wsId, content: body, contentHash: hash, collectedAt: now, createdAt: now, updatedAt: now }).run();
    // A first inventory is recorded as one "added" entry; the content itself is the current row.
    tx.insert(workstationInventoryChanges).values({ id: Bun.randomUUIDv7(), orgId: ctx.org, workstationId: wsId, at: now, changes: JSON.stringify(changes.slice(0, 2000)), createdAt: now, updatedAt: now }).run();
    audit(tx, ctx, { action: cur ? "mqtt.inventory.changed" : "mqtt.inventory.first", entity: "epn_workstation", entityId: wsId, data: { changes: changes.length } });
    return { changed: changes.length };
  });
}

function wsInOrg(ctx: Ctx, wsId: string) {
  const w = ctx.db.select({ id: epnWorkstations.id, name: epnWorkstations.name }).from(epnWorkstations).where(and(eq(epnWorkstations.id, wsId), eq(epnWorkstations.orgId, ctx.org))).get();
  if (!w) throw new NotFound("Poste introuvable.");
  return w;
}

/** The latest inventory of a workstation of this organisation (null before the first report). */
export function getInventory(ctx: Ctx, wsId: string) {
  const w = wsInOrg(ctx, wsId);
  const r = ctx.db.select().from(workstationInventories).where(and(eq(workstationInventories.orgId, ctx.org), eq(workstationInventories.workstationId, wsId))).get();
  return { workstation: w, collectedAt: r?.collectedAt ?? null, content: r ? (JSON.parse(r.content) as Content) : null };
}

/** The change history of a workstation's inventory, newest first. */
export function inventoryHistory(ctx: Ctx, wsId: string, limit = 50) {
  wsInOrg(ctx, wsId);
  return ctx.db
    .select()
    .from(workstationInventoryChanges)
    .where(and(eq(workstationInventoryChanges.orgId, ctx.org), eq(workstationInventoryChanges.workstationId, wsId)))
    .orderBy(desc(workstationInventoryChanges.at))
    .limit(Math.min(Math.max(limit, 1), 200))
    .all()
    .map((r) => ({ at: r.at, changes: JSON.parse(r.changes) as InventoryChange[] }));
}
