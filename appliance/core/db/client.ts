/** The SQLite database: bun:sqlite in WAL mode behind drizzle, with embedded migrations applied at start. */
import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { mkdirSync, existsSync } from "node:fs";
import { join, dirname } from "node:path";
import { migrations, type Migration } from "../../db/migrations";

export type Db = BunSQLiteDatabase<Record<string, never>> & { $client: Database };

/** Opens (creating if needed) the database file with the pragmas the appliance relies on. */
export function openDb(file: string): Db {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const sqlite = new Database(file, { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA foreign_keys = ON");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  // Checkpoint every ~40 MB of WAL instead of 4 MB: each checkpoint copies the hot pages back and fsyncs
  // twice while every request waits; bench:epn went from ~14 s to ~9 s for 10,000 sessions (EPN speed issue).
  sqlite.exec("PRAGMA wal_autocheckpoint = 10000");
  // drizzle's bun-sqlite driver calls prepare() for every query, recompiling the SQL each time
  // (40–160 µs instead of ~4 µs). bun's query() caches compiled statements by SQL text; drizzle
  // never finalizes them, and every call runs to completion synchronously, so sharing is safe.
  const cached = Object.create(sqlite) as Database;
  cached.prepare = ((q: string) => sqlite.query(q)) as Database["prepare"];
  const db = drizzle({ client: cached }) as unknown as Db;
  // Our own raw queries and transactions use the real handle.
  (db as { $client: Database }).$client = sqlite;
  return db;
}

function hashOf(sql: string) {
  return new Bun.CryptoHasher("sha256").update(sql).digest("hex");
}

/** Applies pending embedded migrations in one transaction; copies the file first when data exists. */
export function migrate(db: Db, opts: { backupDir?: string; list?: Migration[] } = {}) {
  const sqlite = db.$client;
  const list = opts.list ?? migrations;
  sqlite.exec("CREATE TABLE IF NOT EXISTS __migrations (tag TEXT PRIMARY KEY, hash TEXT NOT NULL, applied_at TEXT NOT NULL)");
  const applied = new Map(
    (sqlite.query("SELECT tag, hash FROM __migrations").all() as { tag: string; hash: string }[]).map((r) => [r.tag, r.hash]),
  );
  for (const m of list) {
    const h = applied.get(m.tag);
    if (h && h !== hashOf(m.sql)) throw new Error(`La migration ${m.tag} a changé depuis son application : base incohérente.`);
  }
  const pending = list.filter((m) => !applied.has(m.tag));
  if (!pending.length) return { applied: [] as string[], backup: null as string | null };
  let backup: string | null = null;
  if (opts.backupDir && applied.size > 0) {
    mkdirSync(opts.backupDir, { recursive: true });
    backup = join(opts.backupDir, `avant-migration-${new Date().toISOString().replace(/[:.]/g, "-")}.sqlite`);
    sqlite.query("VACUUM INTO ?").run(backup);
  }
  const run = sqlite.transaction(() => {
    for (const m of pending) {
      for (const stmt of m.sql.split("--> statement-breakpoint")) {
        if (stmt.trim()) sqlite.exec(stmt);
      }
      sqlite.query("INSERT INTO __migrations (tag, hash, applied_at) VALUES (?, ?, ?)").run(m.tag, hashOf(m.sql), new Date().toISOString());
    }
  });
  run();
  return { applied: pending.map((m) => m.tag), backup };
}

/** Runs fn inside a transaction (BEGIN IMMEDIATE): all its writes land, or none. */
export function withTransaction<T>(db: Db, fn: (tx: Db) => T): T {
  const sqlite = db.$client;
  if (sqlite.inTransaction) return fn(db);
  return sqlite.transaction(() => fn(db)).immediate();
}

/** A fresh migrated database in a temporary file (real SQLite, WAL): for tests. */
export function openTestDb(): Db {
  const dir = join(process.env.TMPDIR ?? "/tmp", `guichet-test-${Bun.randomUUIDv7()}`);
  mkdirSync(dir, { recursive: true });
  const db = openDb(join(dir, "guichet.sqlite"));
  migrate(db);
  return db;
}

export function dbFileOf(dataDir: string) {
  return join(dataDir, "guichet.sqlite");
}

export { existsSync };

/** Rows touched by a drizzle `.run()` on bun:sqlite (typed void by drizzle, a Changes object at run time). */
export function changed(r: unknown): number {
  return (r as { changes?: number } | undefined)?.changes ?? 0;
}
