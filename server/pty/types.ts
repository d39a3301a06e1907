/** One pseudo-terminal running one process. Backends: the runtime's own (server/platform/bun-terminal.ts on Bun), node-pty (node-pty.ts). */
export interface Pty {
  readonly pid: number;
  /** Name of the backend in use, for `status` and tests. */
  readonly backend: "bun-terminal" | "node-pty";
  write(data: string | Uint8Array): void;
  resize(cols: number, rows: number): void;
  /** Sends a signal to the child's whole process group (the shell and what it runs). */
  kill(signal?: NodeJS.Signals): void;
  /**
   * The terminal's input mode now: whether it echoes what is typed (not at a password prompt) and
   * whether it hands the program whole lines (canonical) or raw keys (editors, REPLs, readline,
   * which echo by themselves). Undefined when it cannot be known.
   */
  inputMode(): InputMode | undefined;
  /** Resolves with the exit status once the child has exited (128+n for a signal). */
  readonly exited: Promise<number>;
}

export interface InputMode {
  echo: boolean;
  canonical: boolean;
}

/** termios c_lflag bits (Linux). */
export const ECHO = 0o10;
export const ICANON = 0o2;

export interface PtySpawnOptions {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  onData(bytes: Uint8Array): void;
}
