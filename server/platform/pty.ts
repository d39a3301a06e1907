import { platform } from "./index.ts";
import type { Pty, PtySpawnOptions } from "../pty/types.ts";

export type { Pty, PtySpawnOptions } from "../pty/types.ts";

/** Spawns a process in a PTY with the best backend available (server/platform): the runtime's own, else node-pty. */
export async function spawnPty(opts: PtySpawnOptions, prefer?: Pty["backend"]): Promise<Pty> {
  return platform.spawnPty(opts, prefer);
}
