import { constants } from "node:os";
import type { Pty, PtySpawnOptions } from "./types.ts";
import { killProcessGroup } from "./process-group.ts";

const ECHO = 0o10; // termios c_lflag ECHO on Linux

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
    echoEnabled() {
      try {
        return (terminal.localFlags & ECHO) !== 0;
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
