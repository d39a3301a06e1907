import { mkdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { spawnPty, type Pty } from "../platform/pty.ts";
import { descendantsOf, isAlive, procStat } from "../pty/process-group.ts";
import { containArgv, endSessionProcesses, SESSION_MARK, sessionProcesses } from "./containment.ts";
import { pidsIn } from "../security/limits.ts";
import { MarkerFilter, type Mark } from "./marker-filter.ts";
import { Scrollback } from "./scrollback.ts";
import { Screen } from "./screen.ts";
import { prepareShell, removeStateFile, SHELL_KINDS, type ShellKind } from "./shell-integration.ts";
import { CommandTracker } from "./command-tracker.ts";
import { keyBytes } from "./keys.ts";
import { typeInto } from "./typed-line.ts";
import { readShellEnv, scrubShellEnv } from "./shell-env.ts";
import type { SessionEvents } from "./events.ts";
import type { Db } from "../../db/client.ts";
import { commandCount, updateSession } from "./store.ts";
import type { SandboxPlan } from "../sandbox/plan.ts";
import { SandboxStatementSchema } from "../sandbox/statement.ts";
import { launcherStart } from "../sandbox/launch.ts";
import { sleep } from "../platform/index.ts";
import { SessionStatusSchema, type SessionStatus } from "./status.ts";

export interface SessionConfig {
  id: string;
  name: string;
  shell: string;
  cwd: string;
  env: Record<string, string>;
  cols: number;
  rows: number;
  agent?: string;
  role?: string;
  shared?: boolean;
  createdAt: number;
  /** Bytes shown first, before the shell's own output (a restored or imported scrollback). */
  seed?: Uint8Array;
  scrollbackBytes: number;
  /** Directory for this session's generated rc files and state. */
  dir: string;
  /** Wraps the shell's argv (resource limits), if set; given the session's id. */
  wrapArgv?: (argv: string[], sessionId: string) => string[];
  /** The kernel sandbox the shell starts in (role sessions), or why there is none. */
  sandbox: SandboxPlan;
}

/** A session as create, list, status and kill return it (the JSON of `ai-session list --json`). */
export const SessionInfoSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  pid: z.number().describe("the shell's process id (0 before it started)"),
  cwd: z.string(),
  shell: z.string(),
  status: SessionStatusSchema,
  /** What the shell is doing: idle at its prompt, or busy with a command. (A comment: MCP's session rows carry this field.) */
  activity: z.enum(["idle", "busy"]),
  cols: z.number(),
  rows: z.number(),
  created_at: z.string().describe("ISO 8601"),
  commands: z.number().describe("commands recorded for this session"),
  owner_agent: z.string().nullable(),
  role: z.string().nullable(),
  shared: z.boolean(),
  backend: z.string().describe("the PTY backend the shell runs on"),
  integration: z.enum(SHELL_KINDS).describe("the shell integration that marks each command's start and end"),
  sandbox: SandboxStatementSchema,
});
export type SessionInfo = z.infer<typeof SessionInfoSchema>;

const QUIET_READY_MS = 150;

/** One live shell in a PTY, with its scrollback, its screen and its command tracker. */
export class Session {
  readonly scrollback: Scrollback;
  readonly screen: Screen;
  readonly commands: CommandTracker;
  status: SessionStatus = "starting";
  exitCode: number | null = null;
  private pty!: Pty;
  private filter: MarkerFilter;
  private nonce = crypto.randomUUID().replace(/-/g, "").slice(0, 16);
  private readyResolve!: () => void;
  private readonly ready = new Promise<void>((r) => (this.readyResolve = r));
  private lastOutputAt = Date.now();
  private bracketedPaste = false;
  private stateFile = "";
  private readCursor = 0;
  /** The shell's directory as last read from /proc, until the shell may have moved (a mark, input). */
  private cwdSeen: string | null = null;
  /** The shell runs in a cgroup of its own (containment.ts). */
  private contained = false;
  /** Typed at the shell's prompt since it last showed one and not yet submitted (see typed-line.ts). */
  private typedLine = "";
  /** Raw input (a viewer's terminal, attach, typed messages) reached the shell since it last ran a command: its line may hold text. */
  private lineTouched = false;
  kind: ShellKind = "other";
  /** Commands recorded for this session id (restored sessions keep theirs), kept without a query per call. */
  commandTotal = 0;

  private constructor(
    readonly config: SessionConfig,
    private readonly db: Db,
    private readonly events: SessionEvents,
  ) {
    this.scrollback = new Scrollback(config.scrollbackBytes);
    this.screen = new Screen(config.cols, config.rows);
    this.filter = new MarkerFilter(this.nonce);
    this.commands = new CommandTracker(this, db, events);
  }

  get id(): string {
    return this.config.id;
  }
  get name(): string {
    return this.config.name;
  }
  get pid(): number {
    return this.pty.pid;
  }

  /** Starts the shell and resolves once it shows its first prompt. */
  static async start(config: SessionConfig, db: Db, events: SessionEvents): Promise<Session> {
    const s = new Session(config, db, events);
    await s.spawn();
    return s;
  }

  private async spawn(): Promise<void> {
    const c = this.config;
    this.commandTotal = commandCount(this.db, c.id);
    // A restored or imported scrollback comes first; the first plain `read` shows it too.
    if (c.seed?.length) this.ingestFiltered(c.seed);
    const launch = prepareShell(c.shell, c.dir, this.nonce, c.id, !c.sandbox.layers);
    this.kind = launch.kind;
    this.stateFile = launch.stateFile;
    const env = { ...c.env, ...launch.env, [SESSION_MARK]: c.id, AI_SESSION_NONCE: this.nonce };
    const start = this.sandboxed(launch.argv, env);
    // the cgroup is joined first, outside the sandbox (which may not write to cgroup.procs)
    const contained = containArgv(c.wrapArgv ? c.wrapArgv(start.argv, c.id) : start.argv, c.id);
    this.contained = contained.contained;
    this.pty = await spawnPty({
      argv: contained.argv,
      cwd: start.cwd,
      env: start.env,
      cols: c.cols,
      rows: c.rows,
      onData: (bytes) => this.onData(bytes),
    });
    void this.pty.exited.then((code) => this.onExit(code));
    if (this.kind === "other") void this.readyWhenQuiet();
    const timeout = sleep(10_000).then(() => "timeout" as const);
    if ((await Promise.race([this.ready.then(() => "ready" as const), timeout])) === "timeout") {
      this.pty.kill("SIGKILL");
      throw new AppError("timeout", `the shell ${c.shell} did not show a prompt within 10 s`);
    }
    if (this.status === "starting") this.status = "running";
  }

  /**
   * How the shell is started: directly, or (for a role session with a kernel sandbox) through the
   * launcher, which starts with a bare environment in the session's own directory and execs the
   * shell in its cwd and environment once the sandbox holds. The shell's private TMPDIR and its
   * env file exist before, so the rules that grant them have something to point at.
   */
  private sandboxed(argv: string[], env: Record<string, string>): { argv: string[]; env: Record<string, string>; cwd: string } {
    const c = this.config;
    const plan = c.sandbox;
    if (!plan.layers || plan.abi === undefined || !plan.tmpdir) return { argv, env, cwd: c.cwd };
    mkdirSync(plan.tmpdir, { recursive: true, mode: 0o700 });
    writeFileSync(this.stateFile, "", { mode: 0o600, flag: "a" });
    const spec = { abi: plan.abi, layers: plan.layers, cwd: c.cwd, env: { ...env, TMPDIR: plan.tmpdir } };
    return { ...launcherStart(join(c.dir, "sandbox.json"), spec, argv), cwd: c.dir };
  }

  private async readyWhenQuiet(): Promise<void> {
    while (this.status === "starting") {
      await sleep(50);
      if (this.scrollback.end > 0 && Date.now() - this.lastOutputAt > QUIET_READY_MS) this.readyResolve();
    }
  }

  private onData(bytes: Uint8Array): void {
    const { data, marks } = this.filter.push(bytes);
    this.lastOutputAt = Date.now();
    let from = 0;
    for (const m of marks) {
      this.ingestFiltered(data.subarray(from, m.at));
      from = m.at;
      this.onMark(m);
    }
    this.ingestFiltered(data.subarray(from));
  }

  private ingestFiltered(data: Uint8Array): void {
    if (data.length === 0) return;
    const offset = this.scrollback.append(data);
    this.screen.write(data);
    if (data.includes(0x1b)) this.trackModes(data);
    this.commands.onOutput(data);
    this.events.emit("output", this.id, data, offset);
  }

  private trackModes(data: Uint8Array): void {
    const s = new TextDecoder().decode(data);
    const on = s.lastIndexOf("\x1b[?2004h");
    const off = s.lastIndexOf("\x1b[?2004l");
    if (on !== -1 || off !== -1) this.bracketedPaste = on > off;
  }

  private onMark(m: Mark): void {
    this.cwdSeen = null;
    if (m.kind === "A" || m.kind === "D") this.readyResolve();
    // the shell has just written its environment file: its secrets go before anyone reads it
    if (m.kind === "D" && (this.kind === "bash" || this.kind === "zsh")) scrubShellEnv(this.stateFile);
    if (m.kind === "A" || m.kind === "C") this.typedLine = "";
    if (m.kind === "C") this.lineTouched = false;
    this.commands.onMark(m);
  }

  private onExit(code: number): void {
    this.ingestFiltered(this.filter.flush());
    if (this.status !== "killed") this.status = "exited";
    this.exitCode = code;
    this.readyResolve();
    this.commands.onShellExit(code, this.status === "killed");
    updateSession(this.db, this.id, { status: this.status === "killed" ? "killed" : "exited", endedAt: Date.now(), exitCode: code });
    this.events.emit("session:ended", this.info());
    this.cleanup();
    // What the session left running (a disowned job, a daemon) ends with it; kill() waits for this.
    if (this.status !== "killed") void endSessionProcesses(this.id);
  }

  private cleanup(): void {
    this.screen.dispose();
    rmSync(this.config.dir, { recursive: true, force: true });
    removeStateFile(this.id, this.config.dir);
  }

  get alive(): boolean {
    return this.status === "running" || this.status === "starting";
  }

  assertAlive(): void {
    if (!this.alive) {
      throw new AppError("conflict", `session "${this.name}" has ended (exit ${this.exitCode ?? "?"}); create a new one`);
    }
  }

  /**
   * The shell's current directory, read live from /proc (falls back to the start directory). Only
   * the shell itself changes it, by running what it was typed, and with integration every such run
   * ends with a mark: a value read while the shell waits at its prompt is kept until the next mark
   * or input (a read of /proc costs tens of microseconds, and an exec asks three times). While a
   * command runs it may move the shell at any moment (`sleep 1; cd /tmp`), so nothing is kept.
   */
  cwd(): string {
    if (!this.alive) return this.config.cwd;
    if (this.cwdSeen !== null) return this.cwdSeen;
    try {
      const dir = readlinkSync(`/proc/${this.pid}/cwd`);
      if (this.kind !== "other" && !this.commands.busy) this.cwdSeen = dir;
      return dir;
    } catch {
      return this.config.cwd;
    }
  }

  /** The shell's exported environment as of its last prompt (shell integration), else its start env. */
  env(): Record<string, string> {
    return readShellEnv(this.stateFile) ?? { ...this.config.env };
  }

  /** Whether the shell's line editor reads pastes whole (it turned bracketed paste on). */
  get pasteMode(): boolean {
    return this.bracketedPaste;
  }

  get quietForMs(): number {
    return Date.now() - this.lastOutputAt;
  }

  info(): SessionInfo {
    return {
      id: this.id,
      name: this.name,
      pid: this.pty?.pid ?? 0,
      cwd: this.cwd(),
      shell: this.config.shell,
      status: this.status,
      activity: this.commands.busy ? "busy" : "idle",
      cols: this.config.cols,
      rows: this.config.rows,
      created_at: new Date(this.config.createdAt).toISOString(),
      commands: this.commandTotal,
      owner_agent: this.config.agent ?? null,
      role: this.config.role ?? null,
      shared: this.config.shared ?? false,
      backend: this.pty?.backend ?? "none",
      integration: this.kind,
      sandbox: this.config.sandbox.statement,
    };
  }

  /** Raw write (the dashboard terminal, attach, typed messages): what it leaves on the shell's line is not known. */
  writeRaw(data: string | Uint8Array): void {
    this.typeCommand(data);
    this.lineTouched = true;
  }

  /** Writes what exec types for a command (see lineClearBeforeCommand). */
  typeCommand(data: string | Uint8Array): void {
    this.assertAlive();
    this.cwdSeen = null;
    this.pty.write(data);
  }

  /**
   * The keys exec types before a command so that the shell runs exactly that command, not the
   * command appended to text left on its line (typed by send without Enter, or into a viewer's
   * terminal): End then Ctrl-U, which bash's readline and zsh's line editor read as "empty the
   * line" (the text goes to their kill ring, where Ctrl-Y brings it back). Plain sh has no line
   * editor to ask: text known to be there is refused with the keys that clear it.
   */
  lineClearBeforeCommand(): string {
    if (!this.typedLine && !this.lineTouched) return "";
    if (this.kind === "bash" || this.kind === "zsh") return "\x05\x15";
    if (!this.typedLine) return "";
    throw new AppError(
      "conflict",
      `session "${this.name}" has text typed at its prompt without Enter (${JSON.stringify(this.typedLine)}); send Enter to run it or C-u to clear it, then exec`,
    );
  }

  /**
   * Whether the shell itself reads the terminal now (at its prompt), so that what is typed is a
   * command line. Bash and zsh mark each command they run; for other shells, the shell's own
   * process group holds the terminal (a builtin such as `read` counts as the prompt there).
   */
  shellReadsInput(): boolean {
    if (this.kind === "bash" || this.kind === "zsh") return !this.commands.busy;
    const st = procStat(this.pid);
    return !st || st.tpgid === st.pgrp;
  }

  /**
   * What the policy judges before a send: at the shell's prompt, the command line the input makes
   * with what was typed before it (and the keys whose effect cannot be known); to a program that
   * reads the terminal, the text alone; for a secret, nothing (it is never a command: see send).
   */
  typedCommand(input: { text?: string; keys?: string[]; enter?: boolean; secret?: boolean }): { command?: string; opaque: string[] } {
    if (input.secret) return { opaque: [] };
    if (!this.shellReadsInput()) return { command: input.text, opaque: [] };
    const t = typeInto(this.typedLine, input);
    return { command: t.check || undefined, opaque: t.opaque };
  }

  /**
   * A secret is typed only into a password prompt: a program other than the shell's prompt reads
   * the terminal, which neither echoes (ECHO off) nor hands over raw keys (ICANON on; raw-mode
   * programs such as REPLs echo by themselves). Anything else would show it, store it in the
   * scrollback, or run it as a command.
   */
  private assertPasswordPrompt(): void {
    const why = (what: string) =>
      new AppError("denied", `session "${this.name}" ${what}; a secret is typed only at a prompt that hides input (a password prompt), so nothing was typed`);
    if (this.shellReadsInput()) throw why("is at the shell's own prompt, where a secret would be typed as a command and kept in its history");
    const mode = this.pty.inputMode();
    if (!mode) throw why("has a terminal whose input mode cannot be read");
    if (mode.echo) throw why("echoes what is typed right now, so a secret would be shown and stored");
    if (!mode.canonical) throw why("runs a program that reads raw keys (an editor or a REPL) and may show them itself");
  }

  /**
   * Types into the session. Long or multi-line text goes as one bracketed paste (when the program
   * asked for that mode), in chunks, and Enter is pressed only after the text was echoed.
   */
  async send(opts: { text?: string; keys?: string[]; enter?: boolean; secret?: boolean }): Promise<{ bytes: number }> {
    this.assertAlive();
    // Every key name is checked before anything is typed: a bad name types nothing.
    const keys = (opts.keys ?? []).map(keyBytes);
    this.cwdSeen = null;
    if (opts.secret) this.assertPasswordPrompt();
    else if (this.shellReadsInput()) this.typedLine = typeInto(this.typedLine, opts).rest;
    let bytes = 0;
    if (opts.text !== undefined && opts.text !== "") {
      const before = this.scrollback.end;
      const paste = !opts.secret && this.bracketedPaste && (opts.text.includes("\n") || opts.text.length > 256);
      const body = paste ? `\x1b[200~${opts.text}\x1b[201~` : opts.text;
      await this.writeChunked(body);
      bytes += body.length;
      if (opts.enter && !opts.secret) await this.waitForEcho(before, opts.text);
    }
    for (const b of keys) {
      this.pty.write(b);
      bytes += b.length;
    }
    if (opts.enter) {
      this.pty.write("\r");
      bytes += 1;
    }
    this.commands.noteInput();
    return { bytes };
  }

  private async writeChunked(text: string): Promise<void> {
    const CHUNK = 4096;
    if (text.length <= CHUNK) return this.pty.write(text);
    for (let i = 0; i < text.length; i += CHUNK) {
      this.pty.write(text.slice(i, i + CHUNK));
      await sleep(1);
    }
  }

  /** Waits (up to 3 s) until the end of `text` shows in the output written since `from`. */
  private async waitForEcho(from: number, text: string): Promise<void> {
    const tail = text.replace(/\s+$/, "").split("\n").pop()!.slice(-16);
    if (!tail) return;
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      const seen = new TextDecoder().decode(this.scrollback.read(from).data).replace(/\x1b\[[0-9;?]*[A-Za-z]/g, "");
      if (seen.includes(tail)) return;
      await sleep(5);
    }
  }

  /** Output since `since` (default: since the last read), as raw bytes with offsets. */
  read(opts: { since?: number; maxBytes?: number } = {}) {
    const from = opts.since ?? this.readCursor;
    const r = this.scrollback.read(from, opts.maxBytes ? Math.max(from, this.scrollback.start) + opts.maxBytes : undefined);
    this.readCursor = r.offset;
    return r;
  }

  resize(cols: number, rows: number): void {
    this.assertAlive();
    this.config.cols = cols;
    this.config.rows = rows;
    this.pty.resize(cols, rows);
    this.screen.resize(cols, rows);
    updateSession(this.db, this.id, { cols, rows });
  }

  /**
   * Ends the shell and everything it started: SIGHUP to the shell and every process of the session
   * (its cgroup's members, or without one its descendants and anything still carrying its
   * AI_SESSION_ID, such as daemons that left), then SIGKILL to whatever is still there after a
   * grace period, and the cgroup goes. No orphans.
   */
  async kill(): Promise<void> {
    if (!this.alive) return;
    this.status = "killed";
    const first = this.contained ? [this.pid, ...pidsIn(this.id)] : [this.pid, ...descendantsOf(this.pid), ...sessionProcesses(this.id)];
    this.pty.kill("SIGHUP");
    for (const p of new Set(first)) signal(p, "SIGHUP");
    const gone = await Promise.race([this.pty.exited.then(() => true), sleep(1000).then(() => false)]);
    if (!gone) for (const p of new Set([...first, ...descendantsOf(this.pid)])) if (isAlive(p)) signal(p, "SIGKILL");
    await endSessionProcesses(this.id);
    if (!gone) await this.pty.exited;
  }

  /** The file the shell integration rewrites with the exported environment at every prompt. */
  get envFile(): string {
    return this.stateFile;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}
