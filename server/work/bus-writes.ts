// The bus store's batched SQLite writes, run on the main thread (server/bus/store.ts) or on the writer
// thread (server/work/worker.ts). They live here, beside the worker, so that work/ depends on nothing of bus/.
import type { SqliteDatabase as Database, SqliteStatement as Statement } from "../platform/index.ts";

/**
 * One transaction of bus writes, as the store's writer thread receives it: flat rows (no object per
 * row, so the copy between threads stays cheap).
 */
export interface WriteBatch {
  id: number;
  /** 10 values a message: seq, id, type, sender, to_agent, topic, broadcast, correlation_id, payload, created_at. */
  messages: unknown[];
  /** 3 values an inbox entry: agent, seq, message_id. */
  inbox: unknown[];
  /** Pairs agent, seq: every inbox row of the agent below seq goes. */
  floors: Array<string | number>;
  /** Pairs agent, seq: that one inbox row goes. */
  removals: Array<string | number>;
  /** The highest message seq in `messages` (0: none). */
  maxSeq: number;
}

export const MESSAGE_COLUMNS = "(seq, id, type, sender, to_agent, topic, broadcast, correlation_id, payload, created_at)";
export const ROWS_PER_INSERT = 32;
/** Inbox rows one range delete removes at most. */
export const DELETE_CHUNK = 1_024;

export interface BatchStatements {
  insertMessage: Statement;
  insertMessages: Statement;
  insertInbox: Statement;
  insertInboxes: Statement;
  deleteInbox: Statement;
  deleteBelow: Statement;
}

export function prepareBatch(sqlite: Database): BatchStatements {
  const many = (cols: string, n: number) => Array.from({ length: n }, () => cols).join(", ");
  return {
    insertMessage: sqlite.prepare(`INSERT OR IGNORE INTO bus_messages ${MESSAGE_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
    insertMessages: sqlite.prepare(`INSERT OR IGNORE INTO bus_messages ${MESSAGE_COLUMNS} VALUES ${many("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", ROWS_PER_INSERT)}`),
    insertInbox: sqlite.prepare("INSERT OR IGNORE INTO bus_inbox (agent, seq, message_id) VALUES (?, ?, ?)"),
    insertInboxes: sqlite.prepare(`INSERT OR IGNORE INTO bus_inbox (agent, seq, message_id) VALUES ${many("(?, ?, ?)", ROWS_PER_INSERT)}`),
    deleteInbox: sqlite.prepare("DELETE FROM bus_inbox WHERE agent = ? AND seq = ?"),
    deleteBelow: sqlite.prepare("DELETE FROM bus_inbox WHERE rowid IN (SELECT rowid FROM bus_inbox WHERE agent = ? AND seq < ? LIMIT ?)"),
  };
}

/** Runs `width`-value rows through the multi-row insert, the rest one by one. */
function insertRows(many: Statement, one: Statement, values: unknown[], width: number): void {
  const rows = values.length / width;
  let r = 0;
  for (; r + ROWS_PER_INSERT <= rows; r += ROWS_PER_INSERT) many.run(...(values.slice(r * width, (r + ROWS_PER_INSERT) * width) as never[]));
  for (; r < rows; r++) one.run(...(values.slice(r * width, (r + 1) * width) as never[]));
}

/** Writes a batch in one transaction (messages before the inbox rows that name them). */
export function applyBatch(sqlite: Database, s: BatchStatements, b: WriteBatch): void {
  sqlite.transaction(() => {
    insertRows(s.insertMessages, s.insertMessage, b.messages, 10);
    insertRows(s.insertInboxes, s.insertInbox, b.inbox, 3);
    for (let i = 0; i < b.floors.length; i += 2) {
      while (s.deleteBelow.run(b.floors[i] as never, b.floors[i + 1] as never, DELETE_CHUNK as never).changes >= DELETE_CHUNK);
    }
    for (let i = 0; i < b.removals.length; i += 2) s.deleteInbox.run(b.removals[i] as never, b.removals[i + 1] as never);
  })();
}

/** The writer thread's side (server/work/worker.ts): its own connection, one transaction a batch. */
export function batchWriter(path: string, open: (path: string) => Database): (b: WriteBatch) => void {
  const sqlite = open(path);
  sqlite.exec("PRAGMA busy_timeout = 5000");
  // per connection: commits go to the WAL without an fsync each (the main connection's setting)
  sqlite.exec("PRAGMA synchronous = NORMAL");
  const s = prepareBatch(sqlite);
  return (b) => applyBatch(sqlite, s, b);
}
