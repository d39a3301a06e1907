import { chmodSync, closeSync, existsSync, openSync } from "node:fs";
import type { BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { SQLiteBunSession } from "drizzle-orm/bun-sqlite/session";
import { createTableRelationsHelpers, extractTablesRelationalConfig } from "drizzle-orm/relations";
import { BaseSQLiteDatabase, SQLiteSyncDialect } from "drizzle-orm/sqlite-core";
import { platform, type SqliteDatabase as Database } from "../server/platform/index.ts";
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
  const sqlite = platform.openSqlite(path);
  sqlite.exec("PRAGMA journal_mode = WAL");
  sqlite.exec("PRAGMA synchronous = NORMAL");
  sqlite.exec("PRAGMA busy_timeout = 5000");
  sqlite.exec("PRAGMA foreign_keys = ON");
  applyMigrations(sqlite);
  // Writes of the current turn are committed before the connection closes (see tickWrite).
  const close = sqlite.close.bind(sqlite);
  sqlite.close = (throwOnError?: boolean) => {
    commitTickOf(sqlite);
    close(throwOnError);
  };
  return drizzleSync(sqlite);
}

/**
 * Drizzle over either runtime's SQLite (server/platform gives both the bun:sqlite shape): Drizzle's
 * bun-sqlite session, built as its drizzle() builds it, without the driver module that imports
 * bun:sqlite itself.
 */
function drizzleSync(sqlite: Database): Db {
  const dialect = new SQLiteSyncDialect();
  const tables = extractTablesRelationalConfig(schema, createTableRelationsHelpers);
  const config = { fullSchema: schema, schema: tables.tables, tableNamesMap: tables.tableNamesMap };
  const session = new SQLiteBunSession(sqlite as never, dialect, config);
  const db = new BaseSQLiteDatabase("sync", dialect, session as never, config) as unknown as Db;
  db.$client = sqlite;
  return db;
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

interface TickState {
  open: boolean;
  waiters: (() => void)[];
}
const ticks = new WeakMap<Database, TickState>();

function tickOf(sqlite: Database): TickState {
  let t = ticks.get(sqlite);
  if (!t) ticks.set(sqlite, (t = { open: false, waiters: [] }));
  return t;
}

/**
 * Runs a write inside the transaction of this turn of the event loop: the first write of a turn
 * opens it, and it commits once the turn's I/O callbacks have run (setImmediate). A commit costs
 * about 75 µs here whatever it holds, and an exec makes several writes (its row, its end, its
 * tokens, its audit entry), so under load many commands share one commit instead of paying five
 * each. The server holds the database's only connection, so its reads see these writes at once;
 * a crash loses at most the turn in flight, and `committed` lets a caller wait for durability
 * before answering. Inside someone else's transaction the write simply joins it.
 */
export function tickWrite<T>(db: Db, write: () => T): T {
  const sqlite = db.$client;
  if (!sqlite.inTransaction) {
    sqlite.exec("BEGIN");
    tickOf(sqlite).open = true;
    setImmediate(() => commitTickOf(sqlite));
  }
  return write();
}

/** Commits this turn's writes now (before another process reads the file, say). */
export function commitTick(db: Db): void {
  commitTickOf(db.$client);
}

function commitTickOf(sqlite: Database): void {
  const t = tickOf(sqlite);
  if (!t.open) return;
  t.open = false;
  try {
    if (sqlite.inTransaction) sqlite.exec("COMMIT");
  } catch (err) {
    console.error(`database: could not commit (${(err as Error).message}); the last writes are lost`);
    try {
      if (sqlite.inTransaction) sqlite.exec("ROLLBACK");
    } catch {
      // nothing left to roll back
    }
  } finally {
    const waiters = t.waiters;
    t.waiters = [];
    for (const w of waiters) w();
  }
}

/** Resolves once every write made so far is committed (at once when none is pending). */
export function committed(db: Db): Promise<void> {
  const t = tickOf(db.$client);
  if (!t.open) return Promise.resolve();
  return new Promise((resolve) => t.waiters.push(resolve));
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
