import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { checkpointInWorker } from "../../server/work/checkpoint.ts";
import { stopWorkers } from "../../server/work/pool.ts";

/**
 * The database's WAL checkpoints run on a worker thread (server/work/checkpoint.ts): the server's
 * connection never checkpoints inside a commit, yet what it writes reaches the database file.
 */
const dir = mkdtempSync(join(tmpdir(), "ais-checkpoint-"));
afterAll(() => {
  stopWorkers();
  rmSync(dir, { recursive: true, force: true });
});

test("commits leave the WAL to the worker, which copies it into the database file", async () => {
  const path = join(dir, "state.db");
  const db = openDatabase(path);
  const sqlite = db.$client;
  const cp = checkpointInWorker(sqlite, path);
  try {
    expect(sqlite.query<{ wal_autocheckpoint: number }, []>("PRAGMA wal_autocheckpoint").get()?.wal_autocheckpoint).toBe(0);
    sqlite.exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)");
    const before = statSync(path).size;
    const insert = sqlite.prepare("INSERT INTO filler (body) VALUES (?)");
    // ~8 MB: past the 1,000 pages at which the connection would have checkpointed in a commit
    for (let i = 0; i < 200; i++) sqlite.transaction(() => { for (let j = 0; j < 10; j++) insert.run("x".repeat(4000)); })();
    expect(statSync(path).size).toBe(before); // all of it still in the WAL: no commit checkpointed
    for (let i = 0; i < 100 && cp.stats.checkpoints === 0; i++) await Bun.sleep(100);
    expect(cp.stats.checkpoints).toBeGreaterThan(0);
    expect(statSync(path).size).toBeGreaterThan(before + 7_000_000);
    expect(sqlite.query<{ n: number }, []>("SELECT COUNT(*) AS n FROM filler").get()?.n).toBe(2000);
  } finally {
    cp.stop();
    sqlite.close();
  }
});
