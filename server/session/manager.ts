import { accessSync, constants, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import type { Db } from "../../db/client.ts";
import { AppError, notFound } from "../errors.ts";
import type { Paths } from "../paths.ts";
import { SessionEvents } from "./events.ts";
import { Session, type SessionInfo } from "./session.ts";
import { memoryStateRoot } from "./memory-state.ts";
import { planSandbox, type SandboxPlan, type SandboxStanding } from "../sandbox/plan.ts";
import { sandboxSupport } from "../sandbox/support.ts";
import { LAUNCH_FAILED } from "../sandbox/spec.ts";
import { decodeBytes } from "../output/render.ts";
import { lastLine } from "./input-wait.ts";
import { insertSession, sessionRowById, sessionRowsByName, updateSession } from "./store.ts";
import { refuseCodeRunningEnv } from "../security/env-input.ts";

export interface CreateOptions {
  name?: string;
  cwd?: string;
  shell?: string;
  env?: Record<string, string>;
  cols?: number;
  rows?: number;
  role?: string;
  agent?: string;
  shared?: boolean;
  /** Reuse a session id (restore); a new one otherwise. */
  id?: string;
  /** Scrollback shown before the shell's own output (restore, tmux import). */
  seed?: Uint8Array;
  /** Wraps the shell's argv, e.g. to apply resource limits; given the session's id. */
  wrapArgv?: (argv: string[], sessionId: string) => string[];
}

/** What a guard reads of the session an action touches (a live session's info, or a saved one's facts). */
export type GuardedSession = Pick<SessionInfo, "name" | "cwd" | "owner_agent" | "shared" | "role"> & Partial<Pick<SessionInfo, "sandbox">>;

/** Something a guard is asked about before it reaches a shell. */
export interface SessionAction {
  kind: "create" | "exec" | "send" | "kill" | "read" | "attach";
  agent?: string;
  session?: GuardedSession;
  command?: string;
  cwd?: string;
  role?: string;
  /** A new session's private TMPDIR, when the kernel sandbox will hold it: the role's $TMPDIR. */
  tmp?: string;
  /** Keys typed at the shell's prompt whose effect on the command line cannot be known (Up, Tab...). */
  opaqueKeys?: string[];
}

/** Picks the directory of a session made without one; `tmp` stands for $TMPDIR when it is the session's own. */
export type DirPicker = (who: { agent?: string; role?: string; tmp?: string }) => string | undefined;

/** Refuses an action by throwing AppError("denied", ...). */
export type Guard = (action: SessionAction) => void;

/**
 * Whom a new session's shell is held to (server/bus: the agent's role and workspace, the session's
 * role), and paths besides the data directory it must not reach (a roles file). None: not a role session.
 */
export type SandboxStandings = (q: { agent?: string; role?: string; cwd: string }) => { standings: SandboxStanding[]; hidden: string[] };

export const NAME_RULE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const DEFAULT_COLS = 200;
export const DEFAULT_ROWS = 50;
const SCROLLBACK_BYTES = 8 * 1024 * 1024;

/** Environment every session's shell gets on top of the server's: wide, unpaged, a real TERM. */
const SESSION_ENV: Record<string, string> = {
  TERM: "xterm-256color",
  COLORTERM: "truecolor",
  PAGER: "cat",
  GIT_PAGER: "cat",
  MANPAGER: "cat",
  SYSTEMD_PAGER: "",
  AI_SESSION: "1",
};

/** All live sessions of the server, by name. Names are unique among live sessions. */
export class SessionManager {
  readonly events = new SessionEvents();
  private byName = new Map<string, Session>();
  private byIdMap = new Map<string, Session>();
  private guards: Guard[] = [];
  private pickDir?: DirPicker;
  private standings?: SandboxStandings;
  private pending = new Set<string>();

  constructor(
    private readonly db: Db,
    private readonly paths: Paths,
  ) {
    this.events.on("session:ended", (info) => {
      if (this.byName.get(info.name)?.id === info.id) this.byName.delete(info.name);
      this.byIdMap.delete(info.id);
    });
  }

  /** Who picks the directory of a session created without one (the policy: a role's own place). */
  setDefaultDir(pick: DirPicker): void {
    this.pickDir = pick;
  }

  /** Whether a new session will run in the kernel sandbox: it is held to a role, and the machine has Landlock. */
  private willSandbox(who: { agent?: string; role?: string }): boolean {
    return !!this.standings?.({ ...who, cwd: process.cwd() }).standings.length && sandboxSupport().kind === "landlock";
  }

  addGuard(g: Guard): void {
    this.guards.push(g);
  }

  setSandboxStandings(fn: SandboxStandings): void {
    this.standings = fn;
  }

  /**
   * The kernel sandbox of a new session: none for a session made without a role or agent (a plain
   * user), none with the reason where the machine has no Landlock, else stacked rulesets, one per
   * standing, that keep the data directory out of reach.
   */
  private sandboxFor(q: { agent?: string; role?: string; cwd: string; dir: string; shell: string; home: string }): SandboxPlan {
    const who = this.standings?.(q);
    if (!who?.standings.length) {
      return { statement: { kind: "none", why: "a session made without a role or agent is not sandboxed (create --role ROLE or --agent NAME sandboxes it)" } };
    }
    const support = sandboxSupport();
    if (support.kind === "none") return { statement: support };
    return planSandbox({
      abi: support.abi,
      standings: who.standings,
      sessionDir: q.dir,
      tmpdir: join(q.dir, "tmp"),
      home: q.home,
      // the data directory, and the other sessions' state files in memory (every server's)
      hidden: [this.paths.home, ...(memoryStateRoot() ? [memoryStateRoot()!] : []), ...who.hidden],
      shell: q.shell,
    });
  }

  /** Runs every guard; the first refusal wins. Adapters call this before acting for an agent. */
  check(action: SessionAction): void {
    for (const g of this.guards) g(action);
  }

  async create(opts: CreateOptions = {}): Promise<Session> {
    const name = opts.name ?? this.nextName();
    validateName(name);
    if (this.byName.has(name) || this.pending.has(name)) {
      throw new AppError("conflict", `a session named "${name}" already exists (pick another name, or ai-session kill ${name})`);
    }
    const id = opts.id ?? crypto.randomUUID();
    const dir = join(this.paths.shellDir, id);
    const who = { agent: opts.agent, role: opts.role };
    // under the sandbox the role's $TMPDIR is the session's own (the machine's is out of reach)
    const privateTmp = this.willSandbox(who) ? join(dir, "tmp") : undefined;
    // made without a directory: where the policy says its role may work, made now if that is its TMPDIR
    const cwd = resolve(opts.cwd ?? this.pickDir?.({ ...who, tmp: privateTmp }) ?? process.env.HOME ?? homedir());
    if (cwd === privateTmp) mkdirSync(privateTmp, { recursive: true, mode: 0o700 });
    checkDirectory(cwd);
    const shell = opts.shell ?? process.env.SHELL ?? "/bin/bash";
    checkShell(shell);
    const cols = opts.cols ?? DEFAULT_COLS;
    const rows = opts.rows ?? DEFAULT_ROWS;
    if (!(cols >= 10 && cols <= 1000 && rows >= 2 && rows <= 500)) {
      throw new AppError("invalid", `a size of ${cols}x${rows} is out of range (columns 10–1000, rows 2–500)`);
    }
    // environment is input too: under a role it may not make the shell run code by itself
    if (opts.role || opts.agent) refuseCodeRunningEnv(opts.env, opts.role ? `the role "${opts.role}"` : `agent "${opts.agent}"`);
    this.check({ kind: "create", agent: opts.agent, cwd, role: opts.role, tmp: privateTmp });
    const env = { ...cleanEnv(process.env), ...SESSION_ENV, ...(opts.env ?? {}), AI_SESSION_SESSION: name };
    const createdAt = Date.now();
    this.pending.add(name);
    try {
      const sandbox = this.sandboxFor({ agent: opts.agent, role: opts.role, cwd, dir, shell, home: homedir() }); // $HOME as the policy reads it
      insertOrReviveRow(this.db, { id, name, shell, cwd, env: opts.env ?? {}, cols, rows, status: "running", ownerAgent: opts.agent, role: opts.role, shared: opts.shared ?? false, createdAt });
      const session = await Session.start(
        {
          id, name, shell, cwd, env, cols, rows, agent: opts.agent, role: opts.role, shared: opts.shared, createdAt,
          seed: opts.seed, scrollbackBytes: SCROLLBACK_BYTES, dir, wrapArgv: opts.wrapArgv, sandbox,
        },
        this.db,
        this.events,
      ).catch((err) => {
        updateSession(this.db, id, { status: "exited", endedAt: Date.now() });
        throw err;
      });
      if (!session.alive) {
        if (sandbox.layers && session.exitCode === LAUNCH_FAILED) {
          // the launcher's own sentence: the sandbox could not be built, so no shell was started
          const said = lastLine(decodeBytes(session.scrollback.read(0).data));
          throw new AppError("unavailable", said.replace(/^ai-session: /, "") || "the sandbox could not be set up; the shell was not started");
        }
        throw new AppError("invalid", `the shell ${shell} exited at once (exit ${session.exitCode ?? "?"}); pick a shell that stays up`);
      }
      updateSession(this.db, id, { pid: session.pid });
      this.byName.set(name, session);
      this.byIdMap.set(id, session);
      this.events.emit("session:created", session.info());
      return session;
    } finally {
      this.pending.delete(name);
    }
  }

  /** A live session by name; a clear not_found naming the way out otherwise. */
  get(name: string): Session {
    const s = this.byName.get(name);
    if (s) return s;
    if (typeof name !== "string" || !NAME_RULE.test(name)) validateName(name);
    const dead = sessionRowsByName(this.db, name)[0];
    if (dead) {
      throw new AppError("not_found", `session "${name}" is no longer running (${dead.status}); ai-session restore ${name} brings it back`);
    }
    throw notFound("session", name, "ai-session list shows the sessions");
  }

  /** The id of a session by name, live or ended (its history stays); a clear not_found otherwise. */
  idOf(name: string): string {
    const live = this.byName.get(name);
    if (live) return live.id;
    const row = this.rowByName(name);
    if (row) return row.id;
    this.get(name); // throws the right not_found
    throw notFound("session", name);
  }

  /** The newest database row of a session by name, live or not (history of killed sessions). */
  rowByName(name: string) {
    return sessionRowsByName(this.db, name)[0];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** A live session by id, without a scan (output and status events carry ids). */
  byId(id: string): Session | undefined {
    return this.byIdMap.get(id);
  }

  list(): Session[] {
    return [...this.byName.values()].sort((a, b) => a.config.createdAt - b.config.createdAt);
  }

  async kill(name: string): Promise<SessionInfo> {
    const s = this.get(name);
    await s.kill();
    this.byName.delete(name);
    this.byIdMap.delete(s.id);
    return s.info();
  }

  /** Ends every shell (server shutdown). Rows stay "running" → marked as ended by each exit. */
  async killAll(): Promise<void> {
    this.events.emit("shutdown");
    await Promise.all(this.list().map((s) => s.kill().catch(() => {})));
    this.byName.clear();
    this.byIdMap.clear();
  }

  /**
   * Removes what sessions that no longer run left in the shell directory: their rc files and the
   * environment file their shell kept (a crash leaves them behind). Called at server start.
   */
  removeLeftovers(): void {
    const live = new Set(this.list().map((s) => s.id));
    let entries: string[];
    try {
      entries = readdirSync(this.paths.shellDir);
    } catch {
      return; // no shell directory yet
    }
    for (const entry of entries) if (!live.has(entry)) rmSync(join(this.paths.shellDir, entry), { recursive: true, force: true });
  }

  private nextName(): string {
    for (let i = 0; ; i++) if (!this.byName.has(String(i)) && !this.pending.has(String(i))) return String(i);
  }
}

export function validateName(name: unknown): asserts name is string {
  if (typeof name !== "string" || name === "") throw new AppError("invalid", "a session name is needed");
  if (!NAME_RULE.test(name)) {
    const shown = JSON.stringify(name).slice(0, 70);
    throw new AppError(
      "invalid",
      `${shown} is not a valid session name (use 1–64 letters, digits, dot, dash or underscore, starting with a letter or digit)`,
    );
  }
}

function checkDirectory(dir: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new AppError("invalid", `the directory ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw new AppError("invalid", `${dir} is not a directory`);
}

function checkShell(shell: string): void {
  try {
    accessSync(shell, constants.X_OK);
  } catch {
    throw new AppError("invalid", `the shell ${shell} does not exist or is not executable`);
  }
}

/** The server's environment, less what belongs to the server or its launcher only. */
function cleanEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) continue;
    if (k === "AI_SESSION_KEY" || k.startsWith("BUN_") || k === "TMUX" || k === "TMUX_PANE") continue;
    out[k] = v;
  }
  return out;
}

/**
 * Records a new session's row; restoring under an id that already has one brings that row back to
 * life. A database that will not take it stops the create before any shell starts.
 */
function insertOrReviveRow(db: Db, row: Parameters<typeof insertSession>[1]): void {
  try {
    if (sessionRowById(db, row.id)) updateSession(db, row.id, { ...row, endedAt: null, exitCode: null });
    else insertSession(db, row);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new AppError("unavailable", `the session "${row.name}" could not be recorded in the database (${why}), so no shell was started`);
  }
}
