import { Database } from "bun:sqlite";
import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import * as schema from "./schema.ts";
import { migrations } from "./migrations/index.ts";

export type Db = BunSQLiteDatabase<typeof schema> & { $client: Database };

/**
 * The database, its WAL and its shared-memory file are the owner's alone (0600) from the moment
 * they exist, whatever the umask: the file is made 0600 before SQLite opens it, and SQLite gives
 * the -wal and -shm files the database file's own mode. Files left 0644 by an older version are
 * narrowed here too.
 */
function ownerOnly(path: string): void {
  if (path === ":memory:" || path === "") return;
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const f of [path, `${path}-wal`, `${path}-shm`]) {
    try {
      chmodSync(f, 0o600);
    } catch {
      // no such file yet (-wal, -shm), or not ours to change
    }
  }
}

/** Opens (creating if needed) the state database in WAL mode and applies pending migrations. */
export function openDatabase(path: string): Db {
  ownerOnly(path);
  const sqlite = new Database(path, { create: true, strict: true });
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
  applyMigrations(sqlite);
  return drizzle(sqlite, { schema }) as Db;
}

const preparedCache = new WeakMap<object, Map<string, unknown>>();

/**
 * A statement built and prepared once per database, then reused: the writes every command makes
 * (its row, its end, its tokens, its audit entry) skip query building and SQLite's prepare.
 */
export function prepared<T>(db: Db, key: string, build: (db: Db) => T): T {
  let byKey = preparedCache.get(db);
  if (!byKey) preparedCache.set(db, (byKey = new Map()));
  let stmt = byKey.get(key) as T | undefined;
  if (stmt === undefined) byKey.set(key, (stmt = build(db)));
  return stmt;
}

/** Applies the embedded migrations not yet recorded in `__migrations`, each in one transaction. */
export function applyMigrations(sqlite: Database): void {
  sqlite.exec("CREATE TABLE IF NOT EXISTS __migrations (tag TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)");
  const applied = new Set(
    sqlite.query<{ tag: string }, []>("SELECT tag FROM __migrations").all().map((r) => r.tag),
  );
  for (const m of migrations) {
    if (applied.has(m.tag)) continue;
    sqlite.transaction(() => {
      for (const stmt of m.sql.split("--> statement-breakpoint")) {
        if (stmt.trim()) sqlite.exec(stmt);
      }
      sqlite.query("INSERT INTO __migrations (tag, applied_at) VALUES (?, ?)").run(m.tag, Date.now());
    })();
  }
}
