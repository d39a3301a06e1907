import { dlopen, FFIType, ptr, read } from "bun:ffi";

/**
 * The system calls the sandbox needs, through bun:ffi and libc's syscall(2): Landlock
 * (landlock_create_ruleset 444, landlock_add_rule 445, landlock_restrict_self 446), prctl,
 * capset, close_range, chdir and execve. x86-64 Linux numbers. Only the launcher
 * (`ai-session __sandbox`) and the server's ABI probe load this module.
 */
const SYS = {
  close: 3,
  access: 21,
  execve: 59,
  chdir: 80,
  unlink: 87,
  capset: 126,
  prctl: 157,
  openat: 257,
  close_range: 436,
  landlock_create_ruleset: 444,
  landlock_add_rule: 445,
  landlock_restrict_self: 446,
} as const;

const PR_CAPBSET_DROP = 24;
const PR_SET_NO_NEW_PRIVS = 38;
const PR_CAP_AMBIENT = 47;
const PR_CAP_AMBIENT_CLEAR_ALL = 4;
const LANDLOCK_CREATE_RULESET_VERSION = 1;
const LANDLOCK_RULE_PATH_BENEATH = 1;
const LANDLOCK_RULE_NET_PORT = 2;
const AT_FDCWD = -100;
const O_PATH = 0o10000000;
const O_NOFOLLOW = 0o400000;
const O_CLOEXEC = 0o2000000;
const CLOSE_RANGE_CLOEXEC = 1 << 2;
const ERRNO: Record<number, string> = {
  1: "EPERM", 2: "ENOENT", 7: "E2BIG", 9: "EBADF", 13: "EACCES", 14: "EFAULT", 22: "EINVAL", 38: "ENOSYS", 95: "EOPNOTSUPP",
};

let libc: ReturnType<typeof load> | undefined;
function load() {
  return dlopen(process.platform === "linux" ? "libc.so.6" : "libc.dylib", {
    syscall: { args: [FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64, FFIType.i64], returns: FFIType.i64_fast },
    __errno_location: { args: [], returns: FFIType.ptr },
  }).symbols;
}

/** One system call: its result, or minus its errno (no exception, for calls expected to fail). */
function attempt(nr: number, a = 0, b = 0, c = 0, d = 0, e = 0): number {
  libc ??= load();
  const r = Number(libc.syscall(nr, a, b, c, d, e, 0));
  return r === -1 ? -read.i32(libc.__errno_location()!, 0) : r;
}

/** One system call; a failure throws an Error naming the call and the errno. */
function sys(what: string, nr: number, a = 0, b = 0, c = 0, d = 0, e = 0): number {
  const r = attempt(nr, a, b, c, d, e);
  if (r < 0) throw Object.assign(new Error(`${what} failed: ${ERRNO[-r] ?? `errno ${-r}`}`), { errno: -r });
  return r;
}

/** A 64-bit field from a number below 2^32 (every right and port fits), without BigInt. */
function u64(buf: Buffer, value: number, at: number): void {
  buf.writeUInt32LE(value >>> 0, at);
  buf.writeUInt32LE(0, at + 4);
}

function cstr(s: string): Buffer {
  return Buffer.from(`${s}\0`);
}

/**
 * The Landlock ABI of the running kernel: 0 when it has none (not built in, or turned off at boot),
 * or on a system that is not Linux.
 */
export function landlockAbi(): number {
  if (process.platform !== "linux" || process.arch !== "x64") return 0;
  return Math.max(0, attempt(SYS.landlock_create_ruleset, 0, 0, LANDLOCK_CREATE_RULESET_VERSION));
}

/** One ruleset: the rights it handles (denied unless a rule grants them) and its rules. */
export interface RulesetSpec {
  fs: number;
  net: number;
  scoped: number;
  /** [path, rights] beneath which (or on which, for a file) the rights are granted. */
  paths: Array<[string, number]>;
  /** [TCP port, rights]. */
  ports: Array<[number, number]>;
}

/** Sets no_new_privs: neither this process nor its children can gain rights through exec (setuid). */
export function setNoNewPrivs(): void {
  sys("prctl(PR_SET_NO_NEW_PRIVS)", SYS.prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
}

/** Builds one ruleset and restricts this thread (and what it execs) to it. Layers stack: the intersection holds. */
export function restrictSelf(abi: number, spec: RulesetSpec): void {
  const attr = Buffer.alloc(24);
  u64(attr, spec.fs, 0);
  u64(attr, spec.net, 8);
  u64(attr, spec.scoped, 16);
  const size = abi >= 6 ? 24 : abi >= 4 ? 16 : 8;
  const ruleset = sys("landlock_create_ruleset", SYS.landlock_create_ruleset, ptr(attr), size, 0);
  try {
    const beneath = Buffer.alloc(12); // packed: __u64 allowed_access, __s32 parent_fd
    for (const [path, rights] of spec.paths) {
      const name = cstr(path);
      const fd = attempt(SYS.openat, AT_FDCWD, ptr(name), O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (fd === -2) continue; // gone since the plan: nothing to grant
      if (fd < 0) throw new Error(`open ${path} failed: ${ERRNO[-fd] ?? `errno ${-fd}`}`);
      try {
        u64(beneath, rights, 0);
        beneath.writeInt32LE(fd, 8);
        sys(`landlock_add_rule ${path}`, SYS.landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, ptr(beneath), 0);
      } finally {
        sys("close", SYS.close, fd);
      }
    }
    const port = Buffer.alloc(16); // __u64 allowed_access, __u64 port
    for (const [number, rights] of spec.ports) {
      u64(port, rights, 0);
      u64(port, number, 8);
      sys(`landlock_add_rule port ${number}`, SYS.landlock_add_rule, ruleset, LANDLOCK_RULE_NET_PORT, ptr(port), 0);
    }
    sys("landlock_restrict_self", SYS.landlock_restrict_self, ruleset, 0);
  } finally {
    sys("close", SYS.close, ruleset);
  }
}

/**
 * Gives up every capability for good (a shell of a server run as root would otherwise keep the
 * powers Landlock does not cover: modules, raw devices, mounts of other namespaces). Without
 * CAP_SETPCAP (an ordinary user) there is nothing to drop.
 */
export function dropCapabilities(): void {
  for (let cap = 0; cap < 64; cap++) {
    const r = attempt(SYS.prctl, PR_CAPBSET_DROP, cap, 0, 0, 0);
    // EINVAL: past the last capability this kernel knows; EPERM: no CAP_SETPCAP, nothing to drop
    if (r === -22 || r === -1) break;
    if (r < 0) throw new Error(`prctl(PR_CAPBSET_DROP ${cap}) failed: ${ERRNO[-r] ?? `errno ${-r}`}`);
  }
  attempt(SYS.prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); // kernels before 4.3 have no ambient set
  const header = Buffer.alloc(8);
  header.writeUInt32LE(0x20080522, 0); // _LINUX_CAPABILITY_VERSION_3, pid 0 (this thread)
  const none = Buffer.alloc(24); // effective, permitted, inheritable: all empty
  sys("capset", SYS.capset, ptr(header), ptr(none));
}

/** Marks every descriptor above stderr close-on-exec: the shell inherits its terminal and nothing of the launcher's. */
export function closeInheritedFds(): void {
  sys("close_range", SYS.close_range, 3, 0xffffffff, CLOSE_RANGE_CLOEXEC);
}

export function unlink(path: string): void {
  const name = cstr(path);
  sys(`unlink ${path}`, SYS.unlink, ptr(name));
}

/** Whether this process may run the file (access(2) with X_OK). */
export function executable(path: string): boolean {
  const name = cstr(path);
  return attempt(SYS.access, ptr(name), 1) === 0;
}

export function chdir(dir: string): void {
  const name = cstr(dir);
  sys(`chdir ${dir}`, SYS.chdir, ptr(name));
}

/** Replaces this process with `file` (same pid, same terminal, same sandbox). Returns only by throwing. */
export function execve(file: string, argv: string[], env: Record<string, string>): never {
  const keep: Buffer[] = [];
  const array = (items: string[]) => {
    const a = new BigUint64Array(items.length + 1);
    items.forEach((s, i) => {
      const b = cstr(s);
      keep.push(b);
      a[i] = BigInt(ptr(b));
    });
    return a;
  };
  const args = array(argv);
  const envp = array(Object.entries(env).map(([k, v]) => `${k}=${v}`));
  const name = cstr(file);
  keep.push(name);
  sys(`execve ${file}`, SYS.execve, ptr(name), ptr(args), ptr(envp));
  throw new Error(`execve ${file} returned`); // never reached: execve returns only on failure
}
