import { join } from "node:path";

// node:os and node:fs are loaded only where needed: every CLI command reads this module, and
// loading them costs about 2 ms of each start.

/** The data directory: $AI_SESSION_HOME, else $XDG_DATA_HOME/ai-session, else ~/.local/share/ai-session. */
export function dataHome(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.AI_SESSION_HOME) return process.env.AI_SESSION_HOME;
  if (process.env.XDG_DATA_HOME) return join(process.env.XDG_DATA_HOME, "ai-session");
  const home = process.env.HOME || (require("node:os") as typeof import("node:os")).homedir();
  return join(home, ".local", "share", "ai-session");
}

export interface Paths {
  home: string;
  db: string;
  socket: string;
  token: string;
  lock: string;
  pidFile: string;
  log: string;
  shellDir: string;
}

export function pathsFor(home: string): Paths {
  return {
    home,
    db: join(home, "state.db"),
    socket: join(home, "server.sock"),
    token: join(home, "token"),
    lock: join(home, "server.lock"),
    pidFile: join(home, "server.json"),
    log: join(home, "server.log"),
    shellDir: join(home, "shell"),
  };
}

export function ensureHome(home: string): void {
  const { mkdirSync, chmodSync } = require("node:fs") as typeof import("node:fs");
  mkdirSync(home, { recursive: true, mode: 0o700 });
  try {
    chmodSync(home, 0o700);
  } catch {
    // not ours to change (a shared directory): the socket and token keep their own 0600
  }
}
