/**
 * The database's WAL checkpoints, off the event loop. SQLite's own checkpoint runs inside the
 * commit that crosses 1,000 pages of WAL, on the thread that commits: with the bus persisting
 * thousands of messages a second that is one commit every second or two holding the loop for
 * 10–20 ms (and far longer on a busy disk), while the data is copied into the database and synced.
 * Here the server's connection stops checkpointing itself and a worker thread (pool.ts) runs a
 * PASSIVE checkpoint over a connection of its own every CHECKPOINT_EVERY_MS: it waits for no reader
 * or writer, so the server's commits never wait for it. Where no worker can run, SQLite checkpoints
 * as before.
 */
import type { SqliteDatabase } from "../platform/index.ts";
import { runJob, workersAvailable } from "./pool.ts";

const CHECKPOINT_EVERY_MS = 1_000;
/** SQLite's default: the connection checkpoints at the commit that takes the WAL past this many pages. */
const AUTO_CHECKPOINT_PAGES = 1_000;

export interface Checkpointer {
  /** Checkpoints done by the worker, and the longest one in ms. */
  readonly stats: { checkpoints: number; longest_ms: number };
  stop(): void;
}

export function checkpointInWorker(sqlite: SqliteDatabase, path: string): Checkpointer {
  const stats = { checkpoints: 0, longest_ms: 0 };
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const selfCheckpoint = () => sqlite.exec(`PRAGMA wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
  const next = () => {
    if (stopped) return;
    timer = setTimeout(tick, CHECKPOINT_EVERY_MS);
    (timer as { unref?: () => void }).unref?.();
  };
  const tick = () => {
    timer = null;
    if (!workersAvailable()) return void selfCheckpoint();
    const started = performance.now();
    runJob("checkpoint", { path }, { inlineBelow: 0 })
      .then(() => {
        stats.checkpoints++;
        stats.longest_ms = Math.max(stats.longest_ms, Math.round(performance.now() - started));
        next();
      })
      .catch((err: Error) => {
        // the worker could not open the database: the connection checkpoints itself again
        if (!stopped) console.error(`the database's checkpoints run on the server's thread again: ${err.message}`);
        selfCheckpoint();
      });
  };
  if (path !== ":memory:" && path !== "" && workersAvailable()) {
    sqlite.exec("PRAGMA wal_autocheckpoint = 0");
    next();
  }
  return {
    stats,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
