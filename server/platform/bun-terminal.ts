import { constants } from "node:os";
import { ECHO, ICANON, type Pty, type PtySpawnOptions } from "../pty/types.ts";
import { killProcessGroup } from "../pty/process-group.ts";

/** PTY through Bun.spawn's `terminal` option (works inside the compiled binary). */
export function spawnBunTerminal(opts: PtySpawnOptions): Pty {
  const proc = Bun.spawn(opts.argv, {
    cwd: opts.cwd,
    env: opts.env,
    terminal: {
      cols: opts.cols,
      rows: opts.rows,
      data(_term, bytes) {
        opts.onData(bytes);
      },
    },
  });
  const terminal = proc.terminal!;
  const pid = proc.pid;
  return {
    pid,
    backend: "bun-terminal",
    write(data) {
      terminal.write(data);
    },
    resize(cols, rows) {
      terminal.resize(cols, rows);
    },
    inputMode() {
      try {
        const flags = terminal.localFlags;
        return { echo: (flags & ECHO) !== 0, canonical: (flags & ICANON) !== 0 };
      } catch {
        return undefined;
      }
    },
    kill(signal = "SIGHUP") {
      killProcessGroup(pid, signal);
    },
    exited: proc.exited.then((code) => (proc.signalCode ? 128 + signalNumber(String(proc.signalCode)) : code)),
  };
}

function signalNumber(name: string): number {
  const n = constants.signals[name as NodeJS.Signals];
  return typeof n === "number" ? n : 0;
}
