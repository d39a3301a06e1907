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
    loaded = { fcntl: s.fcntl!, close: s.close! };
  } catch {
    loaded = null;
  }
  return loaded;
}

/** Marks one descriptor close-on-exec; false if fcntl refused. */
export function closeOnExec(c: Libc, fd: number): boolean {
  const flags = c.fcntl(fd, F_GETFD, 0);
  if (flags < 0) return false;
  return (flags & FD_CLOEXEC) !== 0 || c.fcntl(fd, F_SETFD, flags | FD_CLOEXEC) === 0;
}

/**
 * Marks every open descriptor above 2 close-on-exec, so that a process started next gets only the
 * standard three its spawn sets up. Run before each spawn: a descriptor may have been opened
 * without the flag since the last one. Linux's /proc/self/fd lists them (a few dozen: ~0.1 ms).
 * False where libc or /proc is missing (nothing marked).
 */
export function closeOnExecAbove2(): boolean {
  const c = libc();
  if (!c) return false;
  let fds: number[];
  try {
    fds = [...Deno.readDirSync("/proc/self/fd")].map((e) => Number(e.name)).filter((fd) => fd > 2);
  } catch {
    return false;
  }
  // the directory's own descriptor is closed by now: fcntl answers EBADF for it, which is fine
  for (const fd of fds) closeOnExec(c, fd);
  return true;
}
