import type { Pty, PtySpawnOptions } from "./types.ts";
import { spawnBunTerminal } from "./bun-terminal.ts";
import { spawnNodePty } from "./node-pty.ts";

export type { Pty, PtySpawnOptions } from "./types.ts";

/** True where Bun.spawn supports `terminal` (Bun ≥ 1.3 on POSIX, and the compiled binary). */
export function hasBunTerminal(): boolean {
  return typeof Bun !== "undefined" && typeof Bun.Terminal === "function" && process.platform !== "win32";
}

/** Spawns a process in a PTY with the best backend available: Bun.Terminal, else node-pty. */
export async function spawnPty(opts: PtySpawnOptions, prefer?: "bun-terminal" | "node-pty"): Promise<Pty> {
  const backend = prefer ?? (hasBunTerminal() ? "bun-terminal" : "node-pty");
  return backend === "bun-terminal" ? spawnBunTerminal(opts) : spawnNodePty(opts);
}
