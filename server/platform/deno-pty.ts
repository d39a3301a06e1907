// A PTY for Deno without fork(): node-pty opens the terminal pair (its native pty.open), and the
// shell starts with Deno.Command (posix_spawn, a vfork) through `setsid sh -c 'exec "$@" <>TTY'`,
// which makes it a session leader whose controlling terminal is the PTY, as forkpty would. node-pty's
// own spawn forks the whole server, and a fork costs with the process's memory (measured in Deno:
// 10-19 ms at 52 MB resident, 27-59 ms at 263 MB; Deno.Command 1-5 ms at any size), on every
// session's create. The spawn closes nothing in the child, so every descriptor of the server is
// marked close-on-exec through libc (FFI) first (deno-libc.ts): the shell gets its terminal on 0, 1
// and 2 and nothing else. Where setsid, sh or libc is missing, node-pty spawns.
import { terminalMode } from "../pty/node-pty.ts";
import { killProcessGroup } from "../pty/process-group.ts";
import type { Pty, PtySpawnOptions } from "../pty/types.ts";
import { closeOnExecAbove2, libc as openLibc, type Libc } from "./deno-libc.ts";
import { nodeBuiltin, nodeRequire } from "./node-builtin.ts";

interface Child {
  readonly pid: number;
  readonly status: Promise<{ code: number; signal: string | null }>;
}
interface DenoSpawn {
  Command: new (
    cmd: string,
    options: { args: string[]; cwd: string; env: Record<string, string>; clearEnv: boolean; stdin: "null"; stdout: "null"; stderr: "null" },
  ) => { spawn(): Child };
}
const Deno = (globalThis as unknown as { Deno: DenoSpawn }).Deno;

interface NativePty {
  open(cols: number, rows: number): { master: number; slave: number; pty: string };
  resize(fd: number, cols: number, rows: number): void;
}
interface MasterStream {
  on(event: "data", fn: (d: Uint8Array) => void): void;
  on(event: "error" | "close", fn: () => void): void;
  write(d: string | Uint8Array): void;
  destroy(): void;
}

/** The shell's line: stdin, stdout and stderr on the terminal ($0), opened by the session leader, so it becomes the controlling terminal. */
const ON_THE_TERMINAL = 'exec "$@" <>"$0" >&0 2>&0';

let ready: { native: NativePty; libc: Libc; setsid: string } | null | undefined;

/** What the spawn needs, looked up once; null where one part is missing (node-pty's own spawn then). */
function parts(path: string) {
  if (ready !== undefined) return ready;
  try {
    const which = (cmd: string) => {
      const { accessSync, constants } = nodeBuiltin<typeof import("node:fs")>("node:fs");
      for (const dir of path.split(":")) {
        try {
          accessSync(`${dir}/${cmd}`, constants.X_OK);
          return `${dir}/${cmd}`;
        } catch {}
      }
      return null;
    };
    const setsid = which("setsid");
    const libc = openLibc();
    const native = nodeRequire(import.meta.url)("node-pty/build/Release/pty.node") as NativePty;
    ready = setsid && libc && which("sh") ? { native, libc, setsid } : null;
  } catch {
    ready = null;
  }
  return ready;
}

/** The spawn without fork, or null when this machine lacks a part of it. */
export function spawnWithoutFork(opts: PtySpawnOptions, serverPath: string): Pty | null {
  const p = parts(serverPath);
  if (!p) return null;
  const { native, libc } = p;
  const term = native.open(opts.cols, opts.rows);
  let slaveOpen = true;
  const closeSlave = () => {
    if (slaveOpen) (libc.close(term.slave), (slaveOpen = false));
  };
  let child: Child;
  try {
    // the new terminal pair among them: the shell opens the terminal again by its name
    if (!closeOnExecAbove2()) throw new Error("could not mark the server's descriptors close-on-exec");
    const [file, ...args] = opts.argv;
    // as node-pty sets them
    const env = { ...opts.env, PWD: opts.cwd, TERM: opts.env.TERM ?? "xterm-256color" };
    child = new Deno.Command(p.setsid, {
      args: ["sh", "-c", ON_THE_TERMINAL, term.pty, file!, ...args],
      cwd: opts.cwd,
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  } catch (err) {
    closeSlave();
    libc.close(term.master);
    throw err;
  }
  const tty = nodeBuiltin<typeof import("node:tty")>("node:tty");
  const master = new tty.ReadStream(term.master) as unknown as MasterStream;
  // The parent keeps the terminal's other end open until the shell has it (its first output, or
  // its end): with no end open, reading ours would fail before the shell opened it.
  master.on("data", (d) => {
    closeSlave();
    opts.onData(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  });
  // EIO once the shell and everything on the terminal are gone: the end comes from the child's status
  master.on("error", () => {});
  const signals = nodeBuiltin<typeof import("node:os")>("node:os").constants.signals as Record<string, number>;
  const exited = child.status.then(({ code, signal }) => {
    closeSlave();
    // what the terminal still holds is read before it closes
    setTimeout(() => master.destroy(), 50);
    return signal ? 128 + (signals[signal] ?? 0) : code;
  });
  return {
    pid: child.pid,
    backend: "node-pty",
    write: (data) => master.write(data),
    resize: (cols, rows) => native.resize(term.master, cols, rows),
    inputMode: () => terminalMode(child.pid),
    kill: (signal = "SIGHUP") => killProcessGroup(child.pid, signal),
    exited,
  };
}
