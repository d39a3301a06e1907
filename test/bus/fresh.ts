import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Db } from "../../db/client.ts";

/** A new data directory with its state database, as a fresh server would have. */
export function freshHome(): { home: string; db: Db; dbPath: string } {
  const home = mkdtempSync(join(tmpdir(), "ai-session-bus-"));
  const dbPath = join(home, "state.db");
  return { home, db: openDatabase(dbPath), dbPath };
}
