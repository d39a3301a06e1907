import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { isAlive, processesWithEnvIn } from "../pty/process-group.ts";
import { cgroupsAvailable, pidsIn, releaseLimits, sessionCgroupDirs } from "../security/limits.ts";

/**
 * Everything a session starts stays findable, so it ends with the session and is found after a
 * crash: its shell starts inside a cgroup of its own (one per hierarchy, named by the session id)
 * where the machine lets the server make one, and every process of it carries AI_SESSION_ID in
 * its environment either way. A process that leaves its process group (setsid, disown, a double
 * fork) stays in the cgroup, and a crash leaves the cgroup behind with whatever is in it, for the
 * next server to empty (`sweepSessions`). Without a cgroup the environment marker is what finds
 * them (a process that clears its environment then escapes).
 */

/** The environment variable every process of a session carries (set on its shell). */
export const SESSION_MARK = "AI_SESSION_ID";

/**
 * Prefixes a shell's argv so that it first joins the session's cgroups, then execs the shell
 * (same pid). Returns the argv unchanged where no cgroup can be made.
 */
export function containArgv(argv: string[], sessionId: string): { argv: string[]; contained: boolean } {
  if (!cgroupsAvailable()) return { argv, contained: false };
  const procs: string[] = [];
  for (const { dir } of sessionCgroupDirs(sessionId)) {
    try {
      mkdirSync(dir, { recursive: true });
      procs.push(join(dir, "cgroup.procs"));
    } catch {
      // this hierarchy refused us: the others (and the environment marker) still hold
    }
  }
  if (!procs.length) return { argv, contained: false };
  const joinScript = 'for f; do [ "$f" = -- ] && break; echo $$ > "$f" 2>/dev/null; shift; done; shift; exec "$@"';
  return { argv: ["/bin/sh", "-c", joinScript, "ai-session-contain", ...procs, "--", ...argv], contained: true };
}

/** Every live process of a session: its cgroups' members and whatever carries its mark. */
export function sessionProcesses(sessionId: string): number[] {
  const marked = processesWithEnvIn(SESSION_MARK, new Set([sessionId])).keys();
  return [...new Set([...pidsIn(sessionId), ...marked])].filter((p) => p !== process.pid && isAlive(p));
}

/** Ends what is left of a session: SIGKILL to every process of it, then its cgroups go. */
export async function endSessionProcesses(sessionId: string): Promise<void> {
  for (const pid of sessionProcesses(sessionId)) kill(pid);
  await releaseLimits(sessionId);
}

/**
 * After a crash: ends every process of the given sessions (those the database still believed
 * running), with one scan of /proc for all of them and each one's cgroups emptied and removed.
 * Returns how many processes were ended.
 */
export async function sweepSessions(sessionIds: string[]): Promise<number> {
  if (sessionIds.length === 0) return 0;
  const ids = new Set(sessionIds);
  const found = new Set<number>(processesWithEnvIn(SESSION_MARK, ids).keys());
  for (const id of ids) for (const pid of pidsIn(id)) found.add(pid);
  found.delete(process.pid);
  for (const pid of found) kill(pid);
  await Promise.all([...ids].map((id) => releaseLimits(id)));
  return found.size;
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // already gone
  }
}
