// The few libc calls Deno's server makes through FFI (--allow-ffi): fcntl and close on descriptors.
// Deno.Command (posix_spawn) and node-pty's fork close nothing in the child: every descriptor of the
// server that lacks close-on-exec reaches the process it starts. Deno opens its own with it; others
// come without it: those the server was started with (its caller's, and the duplicates of the log
// that Deno's node:child_process leaves open in the child it starts), and node-pty's terminal pair.
interface DenoFfi {
  dlopen(path: string, symbols: Record<string, { parameters: string[]; result: string }>): { symbols: Record<string, (...a: number[]) => number> };
  readDirSync(path: string): Iterable<{ name: string }>;
}
const Deno = (globalThis as unknown as { Deno: DenoFfi }).Deno;

export interface Libc {
  fcntl(fd: number, cmd: number, arg: number): number;
  close(fd: number): number;
  /** Linux 5.11's close_range (glibc 2.34), where there is one. */
  closeRange: ((first: number, last: number, flags: number) => number) | null;
}

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

let loaded: Libc | null | undefined;

/** libc's fcntl and close, opened once; null where libc.so.6 cannot be opened. */
export function libc(): Libc | null {
  if (loaded !== undefined) return loaded;
  try {
    const s = Deno.dlopen("libc.so.6", {
      fcntl: { parameters: ["i32", "i32", "i32"], result: "i32" },
      close: { parameters: ["i32"], result: "i32" },
    }).symbols;
    let closeRange: Libc["closeRange"] = null;
    try {
      closeRange = Deno.dlopen("libc.so.6", { close_range: { parameters: ["u32", "u32", "i32"], result: "i32" } }).symbols.close_range!;
    } catch {
      closeRange = null;
    }
    loaded = { fcntl: s.fcntl!, close: s.close!, closeRange };
  } catch {
    loaded = null;
  }
  return loaded;
}

const CLOSE_RANGE_CLOEXEC = 4;
/** How far the fallback looks for descriptors when neither close_range nor /proc/self/fd can be used. */
const FD_SCAN_LIMIT = 4096;

/** Marks one descriptor close-on-exec; false if fcntl refused. */
export function closeOnExec(c: Libc, fd: number): boolean {
  const flags = c.fcntl(fd, F_GETFD, 0);
  if (flags < 0) return false;
  return (flags & FD_CLOEXEC) !== 0 || c.fcntl(fd, F_SETFD, flags | FD_CLOEXEC) === 0;
}

/**
 * Marks every open descriptor above 2 close-on-exec, so that a process started next gets only the
 * standard three its spawn sets up. Run before each spawn: a descriptor may have been opened
 * without the flag since the last one. close_range marks them all in one call; without it, the
 * ones /proc/self/fd lists (a few dozen: ~0.1 ms), and where Deno's permissions refuse /proc (it
 * needs --allow-all), every descriptor number up to 4,096 (~1 ms). False only where libc is missing.
 */
export function closeOnExecAbove2(): boolean {
  const c = libc();
  if (!c) return false;
  if (c.closeRange && c.closeRange(3, 0xffffffff, CLOSE_RANGE_CLOEXEC) === 0) return true;
  let fds: number[];
  try {
    fds = [...Deno.readDirSync("/proc/self/fd")].map((e) => Number(e.name)).filter((fd) => fd > 2);
  } catch {
    fds = Array.from({ length: FD_SCAN_LIMIT - 3 }, (_, i) => i + 3);
  }
  // a descriptor that is not open (the directory's own, closed by now) answers EBADF: nothing to mark
  for (const fd of fds) closeOnExec(c, fd);
  return true;
}
