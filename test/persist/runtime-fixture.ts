import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { ensureHome, pathsFor } from "../../server/paths.ts";
import { installPersistence, type Persistence } from "../../server/persist/hooks.ts";
import type { Runtime } from "../../server/runtime.ts";
import { SessionManager } from "../../server/session/manager.ts";

/** A server's domain without HTTP: a real SQLite file, real PTYs, the persistence hooks installed. */
export interface TestRuntime {
  rt: Runtime;
  persistence: Persistence;
  home: string;
  close(): Promise<void>;
}

export function startRuntime(home = mkdtempSync(join(tmpdir(), "ais-persist-"))): TestRuntime {
  ensureHome(home);
  const paths = pathsFor(home);
  const db = openDatabase(paths.db);
  const sessions = new SessionManager(db, paths);
  const rt = {
    paths,
    db,
    sessions,
    version: "test",
    startedAt: Date.now(),
    port: 0,
    ownerToken: "test",
    noToken: true,
    shutdown: async () => {},
  } as unknown as Runtime;
  const persistence = installPersistence(rt);
  return {
    rt,
    persistence,
    home,
    async close() {
      await sessions.killAll();
      persistence.stop();
      db.$client.close();
    },
  };
}

export const bash = "/bin/bash";
