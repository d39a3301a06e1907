import type { Db } from "../db/client.ts";
import type { Paths } from "./paths.ts";
import type { SessionManager } from "./session/manager.ts";

/**
 * Everything a running server holds, handed to route modules, the MCP server and background jobs.
 * Domain services hang off it; adapters (routes, MCP tools) only call their functions.
 */
export interface Runtime {
  paths: Paths;
  db: Db;
  sessions: SessionManager;
  bus: import("./bus/index.ts").BusService; // agents, roles, message bus, tasks, knowledge (server/bus)
  version: string;
  startedAt: number;
  /** TCP port the server listens on (0 before listening). */
  port: number;
  /** The owner token that `serve` prints in the dashboard URL (admin scope). */
  ownerToken: string;
  /** Set by `serve --no-token`: TCP requests need no token. */
  noToken: boolean;
  /** The cluster this server joined (serve --cluster), absent on one machine. */
  cluster?: import("./cluster-port.ts").ClusterPort;
  /** Called by shutdown routes: saves sessions, ends shells, stops listening. */
  shutdown(reason: string): Promise<void>;
}
