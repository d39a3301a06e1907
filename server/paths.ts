import { homedir } from "node:os";
import { join } from "node:path";
import { mkdirSync, chmodSync } from "node:fs";

/** The data directory: $AI_SESSION_HOME, else $XDG_DATA_HOME/ai-session, else ~/.local/share/ai-session. */
export function dataHome(explicit?: string): string {
  if (explicit) return explicit;
  if (process.env.AI_SESSION_HOME) return process.env.AI_SESSION_HOME;
  if (process.env.XDG_DATA_HOME) return join(process.env.XDG_DATA_HOME, "ai-session");
  return join(homedir(), ".local", "share", "ai-session");
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
  mkdirSync(home, { recursive: true, mode: 0o700 });
  try {
    chmodSync(home, 0o700);
  } catch {
    // not ours to change (a shared directory): the socket and token keep their own 0600
  }
}
