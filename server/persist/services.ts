import type { Db } from "../../db/client.ts";
import type { SessionManager } from "../session/manager.ts";

/**
 * What snapshots, restores and the persistence hooks work with: the database and the sessions,
 * not the whole runtime (a server's Runtime is one; a test or a tool passes just these).
 */
export interface PersistServices {
  db: Db;
  sessions: Pick<SessionManager, "events" | "list" | "get" | "byId" | "create" | "check">;
}
