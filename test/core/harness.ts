// Test harness for the session core: a real SessionManager over a real SQLite file in a temp dir.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { pathsFor } from "../../server/paths.ts";
import { SessionManager } from "../../server/session/manager.ts";

export function coreHarness() {
  const home = mkdtempSync(join(tmpdir(), "ais-core-"));
  const paths = pathsFor(home);
  const db = openDatabase(paths.db);
  const sessions = new SessionManager(db, paths);
  return {
    home,
    db,
    sessions,
    ops: { db, sessions },
    async close() {
      await sessions.killAll();
      db.$client.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}
