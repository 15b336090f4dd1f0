/** Admin-edited settings stored in SQLite (the second configuration tier), per organisation or global (''). */
import { and, eq } from "drizzle-orm";
import { settings } from "./db/schema";
import type { Db } from "./db/client";
import type { Clock } from "./clock";

export function getSetting<T>(db: Db, orgId: string, key: string, fallback: T): T {
  const r = db.select({ value: settings.value }).from(settings).where(and(eq(settings.orgId, orgId), eq(settings.key, key))).get();
  return r ? (JSON.parse(r.value) as T) : fallback;
}

export function setSetting(db: Db, clock: Clock, orgId: string, key: string, value: unknown) {
  const v = JSON.stringify(value);
  const now = clock.now().toISOString();
  db.insert(settings).values({ orgId, key, value: v, updatedAt: now }).onConflictDoUpdate({ target: [settings.orgId, settings.key], set: { value: v, updatedAt: now } }).run();
}

/** Base URL for links in e-mails: GUICHET_PUBLIC_URL, else the address the admin used at setup. */
export function publicBaseUrl(deps: { db: Db; config: { publicUrl: string | null } }) {
  return deps.config.publicUrl ?? getSetting(deps.db, "", "public_url", "http://localhost:8080");
}
