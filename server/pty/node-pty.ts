import { spawnSync } from "node:child_process";
import { readlinkSync } from "node:fs";
import { ECHO, ICANON, type InputMode, type Pty, type PtySpawnOptions } from "./types.ts";
import { killProcessGroup } from "./process-group.ts";

/** PTY through node-pty, for runtimes without a PTY of their own (Deno, Node). Not usable in the compiled binary. */
export async function spawnNodePty(opts: PtySpawnOptions, how: { writeThroughSocket?: boolean } = {}): Promise<Pty> {
  const nodePty = await import("node-pty");
  const [file, ...args] = opts.argv;
  const child = nodePty.spawn(file!, args, {
    name: opts.env.TERM ?? "xterm-256color",
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd,
    env: opts.env,
    encoding: null,
  } as Parameters<typeof nodePty.spawn>[2]);
  child.onData((d: string | Uint8Array) =>
    opts.onData(typeof d === "string" ? new TextEncoder().encode(d) : new Uint8Array(d)),
  );
  const socket = how.writeThroughSocket ? (child as unknown as { _socket: { write(d: string | Buffer): void } })._socket : undefined;
  const exited = new Promise<number>((resolve) =>
    child.onExit(({ exitCode, signal }) => resolve(signal ? 128 + signal : exitCode)),
  );
  return {
    pid: child.pid,
    backend: "node-pty",
    write(data) {
      const bytes = typeof data === "string" ? data : Buffer.from(data);
      // Where fs.write cannot reach node-pty's descriptor (Deno: EBADF), its read socket can write.
      if (socket) socket.write(bytes);
      else child.write(bytes);
    },
    resize(cols, rows) {
      child.resize(cols, rows);
    },
    inputMode() {
      return terminalMode(child.pid);
    },
    kill(signal = "SIGHUP") {
      killProcessGroup(child.pid, signal);
    },
    exited,
  };
}

/** The input mode of the terminal a process reads, through `stty -g` (node-pty does not expose termios). */
export function terminalMode(pid: number): InputMode | undefined {
  try {
    const tty = readlinkSync(`/proc/${pid}/fd/0`);
    const r = spawnSync("stty", ["-F", tty, "-g"], { encoding: "utf8", timeout: 2000 });
    const lflag = parseInt(r.stdout.split(":")[3] ?? "", 16);
    if (r.status !== 0 || Number.isNaN(lflag)) return undefined;
    return { echo: (lflag & ECHO) !== 0, canonical: (lflag & ICANON) !== 0 };
  } catch {
    return undefined;
  }
}
