import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The shells' state files in memory (/dev/shm), outside the data directory: a crash leaves them
 * there, and the data directory may be deleted after it. So each data directory's files sit in a
 * directory of their own, named by a hash of the data directory's shell directory, that holds an
 * `owner` file with the pid and start time of the server that writes there. Any server's start
 * (`sweepMemoryState`) removes the directories whose owner is dead, whatever data directory they
 * belong to, and empties its own (one server per data directory: what is in it is a dead one's).
 * Files directly in the root are the layout before this one (`SESSION.env`, possibly of a live
 * server of an older version): only those of this data directory's lost sessions go.
 */

const OWNER = "owner";
/** A directory without a readable owner is left alone this long (its server may be writing the owner now). */
const UNOWNED_GRACE_MS = 60_000;

let root: string | null | undefined;

/**
 * This user's directory in /dev/shm (0700, ours), or null where there is none (the session's own
 * directory is used then). The shell rewrites its state file at every prompt, and on a disk that
 * costs it about 0.5 ms of file system work per command (0.15 ms in memory): under load, a large
 * part of what a prompt costs.
 */
export function memoryStateRoot(): string | null {
  if (root !== undefined) return root;
  root = null;
  const dir = `/dev/shm/ai-session-${process.getuid?.() ?? "user"}`;
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (st.isDirectory() && (st.mode & 0o077) === 0 && st.uid === process.getuid?.()) root = dir;
  } catch {
    // no /dev/shm here
  }
  return root;
}

/** The in-memory directory of one data directory's state files (known by its shell directory), or null. */
export function memoryStateDir(shellDir: string): string | null {
  const r = memoryStateRoot();
  return r ? join(r, createHash("sha256").update(shellDir).digest("hex").slice(0, 16)) : null;
}

/** The name of a session's state file. */
export function stateFileName(sessionId: string): string {
  return `${sessionId.replace(/[^A-Za-z0-9_-]/g, "_")}.env`;
}

/** Makes the directory (0700) with this server as its owner, unless it is there already. */
export function ensureMemoryStateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  try {
    statSync(join(dir, OWNER));
  } catch {
    writeOwner(dir);
  }
}

function writeOwner(dir: string): void {
  writeFileSync(join(dir, OWNER), `${process.pid} ${startTimeOf(process.pid) ?? ""}\n`, { mode: 0o600 });
}

/** A process's start time (clock ticks since boot, /proc/PID/stat field 22), which tells a reused pid apart. */
function startTimeOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** Whether the server named by an owner file still runs: same pid, same start time. */
function ownerAlive(text: string): boolean {
  const [pidText, start] = text.trim().split(" ");
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  const now = startTimeOf(pid);
  return !start || now === undefined || now === start;
}

/**
 * At a server's start: removes every state directory whose server is dead, and empties this data
 * directory's own and takes it over; `lostIds` (its sessions that a crash cut off) lose their files
 * of the older flat layout. Returns how many directories of dead servers went.
 */
export function sweepMemoryState(shellDir: string, lostIds: string[], now = Date.now()): number {
  const r = memoryStateRoot();
  const own = memoryStateDir(shellDir);
  if (!r || !own) return 0;
  for (const id of lostIds) rmSync(join(r, stateFileName(id)), { force: true });
  let removed = 0;
  for (const entry of readdirSync(r, { withFileTypes: true })) {
    const dir = join(r, entry.name);
    if (dir === own || !entry.isDirectory()) continue;
    let owner: string | undefined;
    try {
      owner = readFileSync(join(dir, OWNER), "utf8");
    } catch {
      // no owner (yet): only an old one is stale
    }
    try {
      const stale = owner === undefined ? now - lstatSync(dir).mtimeMs > UNOWNED_GRACE_MS : !ownerAlive(owner);
      if (stale) {
        rmSync(dir, { recursive: true, force: true });
        removed++;
      }
    } catch {
      // gone meanwhile
    }
  }
  rmSync(own, { recursive: true, force: true });
  ensureMemoryStateDir(own);
  return removed;
}

/** At a clean stop, once every shell has ended: the data directory's state directory goes. */
export function releaseMemoryState(shellDir: string): void {
  const own = memoryStateDir(shellDir);
  if (own) rmSync(own, { recursive: true, force: true });
}
