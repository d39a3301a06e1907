import { platform } from "./platform/index.ts";
import { join } from "./posix-path.ts";

// No node: module and no `process` at the top: every CLI command reads this module, and on Deno
// the first of either costs tens of milliseconds (platform/node-builtin.ts). node:os and node:fs
// are loaded only where needed.

/** The data directory: $AI_SESSION_HOME, else $XDG_DATA_HOME/ai-session, else ~/.local/share/ai-session. */
export function dataHome(explicit?: string): string {
  if (explicit) return explicit;
  const env = platform.proc.env;
  const own = env("AI_SESSION_HOME");
  if (own) return own;
  const xdg = env("XDG_DATA_HOME");
  if (xdg) return join(xdg, "ai-session");
  const home = env("HOME") || (require("node:os") as typeof import("node:os")).homedir();
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
