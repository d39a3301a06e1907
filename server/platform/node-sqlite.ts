// SQLite through node:sqlite (Deno), wrapped to the bun:sqlite shape the code and Drizzle's
// bun-sqlite session use: prepare/query/exec/transaction, statements with run/all/get/values.
import type { DatabaseSync, StatementSync } from "node:sqlite";
import { nodeBuiltin } from "./node-builtin.ts";
import type { SqliteDatabase, SqliteStatement, SqliteTransaction } from "./types.ts";

type Bindable = null | number | bigint | string | Uint8Array;

/** bun:sqlite binds booleans as 1/0 and undefined as NULL; node:sqlite refuses both. */
function bindable(params: unknown[]): Bindable[] {
  return params.map((p) => (p === undefined ? null : typeof p === "boolean" ? (p ? 1 : 0) : (p as Bindable)));
}

function wrap<R, P extends unknown[]>(stmt: StatementSync): SqliteStatement<R, P> {
  return {
    run(...params) {
      const r = stmt.run(...bindable(params));
      return { changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid };
    },
    all(...params) {
      stmt.setReturnArrays(false);
      return stmt.all(...bindable(params)) as R[];
    },
    get(...params) {
      stmt.setReturnArrays(false);
      return (stmt.get(...bindable(params)) as R | undefined) ?? null;
    },
    values(...params) {
      stmt.setReturnArrays(true);
      try {
        return stmt.all(...bindable(params)) as unknown as unknown[][];
      } finally {
        stmt.setReturnArrays(false);
      }
    },
  };
}

export function openNodeSqlite(path: string): SqliteDatabase {
  // loaded here, not imported: a CLI command on Deno opens no database and skips its Node layer
  const db: DatabaseSync = new (nodeBuiltin<typeof import("node:sqlite")>("node:sqlite").DatabaseSync)(path);
  const cache = new Map<string, SqliteStatement>();
  let depth = 0;
  function transaction<A extends unknown[], T>(fn: (...args: A) => T): SqliteTransaction<A, T> {
    const run = (begin: string) => (...args: A): T => {
      // Inside a transaction, however it was begun (an exec("BEGIN") too), this one is a savepoint, as in bun:sqlite.
      const outer = !db.isTransaction;
      const name = `tx${depth++}`;
      db.exec(outer ? begin : `SAVEPOINT ${name}`);
      try {
        const result = fn(...args);
        db.exec(outer ? "COMMIT" : `RELEASE ${name}`);
        return result;
      } catch (err) {
        db.exec(outer ? "ROLLBACK" : `ROLLBACK TO ${name}; RELEASE ${name}`);
        throw err;
      } finally {
        depth--;
      }
    };
    return Object.assign(run("BEGIN"), {
      deferred: run("BEGIN DEFERRED"),
      immediate: run("BEGIN IMMEDIATE"),
      exclusive: run("BEGIN EXCLUSIVE"),
    });
  }
  return {
    filename: path,
    get inTransaction() {
      return db.isTransaction;
    },
    exec: (sql) => db.exec(sql),
    prepare: <R, P extends unknown[]>(sql: string) => wrap<R, P>(db.prepare(sql)),
    query<R, P extends unknown[]>(sql: string) {
      let s = cache.get(sql);
      if (!s) cache.set(sql, (s = wrap(db.prepare(sql))));
      return s as SqliteStatement<R, P>;
    },
    transaction,
    close: () => db.close(),
  };
}
