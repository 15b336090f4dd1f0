/**
 * Drizzle prepared queries built once per database and reused. On the hot paths (a kiosk opening a
 * session, the room view) building the SQL text each call cost more than running it.
 */
import { eq, getTableName, sql } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import type { Db } from "../../../core/db/client";

const cache = new WeakMap<object, Map<string, unknown>>();

/** The query `build` returns, prepared once for this database under `key` (placeholders bound per call). */
export function prepared<T>(db: Db, key: string, build: (db: Db) => T): T {
  let m = cache.get(db.$client);
  if (!m) cache.set(db.$client, (m = new Map()));
  let q = m.get(key) as T | undefined;
  if (q === undefined) m.set(key, (q = build(db)));
  return q;
}

/** Inserts one row through a prepared statement keyed by the table and the columns given. */
export function insertRow<T extends SQLiteTable>(db: Db, table: T, row: T["$inferInsert"]) {
  const cols = Object.keys(row as object);
  const q = prepared(db, `insert:${getTableName(table)}:${cols.join(",")}`, (d) =>
    d.insert(table).values(Object.fromEntries(cols.map((c) => [c, sql.placeholder(c)])) as T["$inferInsert"]).prepare(),
  );
  q.run(row as Record<string, unknown>);
}

/** Sets plain values on the row with this id (an `id` column), through a prepared statement. */
export function updateById<T extends SQLiteTable & { id: SQLiteColumn }>(db: Db, table: T, id: string, set: Partial<T["$inferInsert"]>) {
  const cols = Object.keys(set);
  const q = prepared(db, `update:${getTableName(table)}:${cols.join(",")}`, (d) =>
    d
      .update(table)
      .set(Object.fromEntries(cols.map((c) => [c, sql`${sql.placeholder(c)}`])) as Partial<T["$inferInsert"]>)
      .where(eq(table.id, sql.placeholder("__id")))
      .prepare(),
  );
  q.run({ ...(set as Record<string, unknown>), __id: id });
}

/**
 * `col = value`, written `+col = value` so SQLite does not pick an index for it: the organisation filter
 * stays (tenancy) while the planner uses the small index of running sessions instead of a broad org index.
 */
export function sameOrg(col: SQLiteColumn, value: unknown) {
  return sql`+${col} = ${value}`;
}
