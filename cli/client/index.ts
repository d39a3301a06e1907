import { AppError, errorFromAnswer } from "../../server/errors.ts";
import { dataHome, ensureHome, pathsFor, type Paths } from "../../server/paths.ts";
import { platform, sleep, type UnixRequest, type UnixResponse } from "../../server/platform/index.ts";
import type { ExecResult, WaitResult } from "../../server/session/exec-result.ts";
import type { SessionInfo } from "../../server/session/session.ts";
import type { CommandLines, HistoryRow, ReadAnswer, ScreenAnswer, SendAnswer } from "../../server/session/answers.ts";
import type { HistoryFlags } from "../../server/persist/history.ts";
import type { AnalysisAnswer, ContextAnswer } from "../../server/context/session-context.ts";
import type { SnapshotAnswer } from "../../server/persist/snapshot.ts";
import type { RestoreResult } from "../../server/persist/restore.ts";
import type { TokenCounts } from "../../server/tokens/answers.ts";
import { selfCommand } from "../../server/self.ts";

export type { ExecResult, SessionInfo, WaitResult };
export { busClient, type BusClient } from "./bus.ts";
export { selfCommand };

/**
 * The typed client of an ai-session server: what the CLI uses, and what programs import as
 * `ai-session/client`. It talks to the server of a data directory over its Unix socket (starting
 * the server in the background when none runs), or to any server over HTTP with a token.
 */
export interface ConnectOptions {
  home?: string;
  agent?: string;
  /** Start a server in the background when none answers (default true). */
  autostart?: boolean;
  /**
   * Whether that may create the data directory (default false): a directory that does not exist
   * holds no server and no sessions, so only the commands that make sessions (create, restore,
   * migrate, mcp) bring one into being; everything else says there is no server there.
   */
  createHome?: boolean;
  /** Talk HTTP to this base URL (e.g. http://127.0.0.1:7447) instead of the Unix socket. */
  url?: string;
  token?: string;
}


export class AiSessionClient {
  constructor(
    readonly paths: Paths | undefined,
    private readonly base: string,
    private readonly init: { unix?: string; headers: Record<string, string> },
    /** Starts a server when none answers (the Unix-socket client with autostart). */
    private readonly starter?: () => Promise<void>,
  ) {}

  /** fetch() to the server, on its Unix socket or at its URL, with no time limit: exec and wait may take as long as their own timeout. */
  private fetch(url: string, init: UnixRequest): Promise<UnixResponse> {
    if (this.init.unix) return platform.fetchUnix(this.init.unix, url, init);
    return fetch(url, { ...init, timeout: false } as RequestInit);
  }

  /** One REST call; an error answer becomes the server's AppError (code and sentence). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { ...this.init.headers };
    if (body !== undefined) headers["content-type"] = "application/json";
    const send = async () =>
      this.fetch(this.base + path, {
        method,
        headers: { ...headers, ...(await this.ownerAuth()) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    let res: UnixResponse;
    try {
      res = await send();
    } catch (err) {
      // Nothing was delivered (no socket, or nobody listening): start a server and ask once more.
      if (!this.starter || !neverReached(err)) throw unreachable(err);
      await this.starter();
      try {
        res = await send();
      } catch (again) {
        throw unreachable(again);
      }
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw unreachable(err);
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      throw new AppError("internal", `the server answered ${res.status} with something that is not JSON`);
    }
    if (!res.ok) throw errorFromAnswer(res.status, parsed);
    return parsed as T;
  }

  private ownerToken?: string;

  /**
   * The owner token for the Unix socket, read from the data directory (after a server start made
   * it); nothing when it cannot be read (a sandboxed shell), and the server's answer says so.
   */
  async ownerAuth(): Promise<Record<string, string>> {
    if (!this.init.unix || !this.paths || this.init.headers.authorization) return {};
    this.ownerToken ??= await ownerTokenOf(this.paths);
    return this.ownerToken ? { authorization: `Bearer ${this.ownerToken}` } : {};
  }

  status() {
    return this.request<{
      running: boolean; pid: number; port: number; version: string; sessions: number; url: string;
      sandbox?: { kind: "landlock"; abi: number } | { kind: "none"; why: string };
      cluster?: import("../../server/cluster-port.ts").ClusterStatus | null;
    }>("GET", "/api/status");
  }
  createSession(opts: { name?: string; cwd?: string; shell?: string; env?: Record<string, string>; cols?: number; rows?: number; role?: string; agent?: string; shared?: boolean } = {}) {
    return this.request<SessionInfo>("POST", "/api/sessions", opts);
  }
  listSessions() {
    return this.request<SessionInfo[]>("GET", "/api/sessions");
  }
  /** The sessions of every node of the cluster that is up, each with its `node`. */
  listClusterSessions() {
    return this.request<Array<SessionInfo & { node: string }>>("GET", "/api/cluster/sessions");
  }
  nodes() {
    return this.request<import("../../server/cluster-port.ts").NodeView[]>("GET", "/api/nodes");
  }
  getSession(name: string) {
    return this.request<SessionInfo>("GET", `/api/sessions/${enc(name)}`);
  }
  /** `expandHint`: how fold markers name the way to read what they hid ({session} {id} {from} {to}). */
  exec(name: string, command: string, opts: { timeoutMs?: number; mode?: "compact" | "lossless" | "raw"; expandHint?: string } = {}) {
    return this.request<ExecResult>("POST", `/api/sessions/${enc(name)}/exec`, { command, timeout_ms: opts.timeoutMs, mode: opts.mode, expand_hint: opts.expandHint });
  }
  wait(name: string, opts: { commandId?: number; pattern?: string; timeoutMs?: number; mode?: "compact" | "lossless" | "raw"; expandHint?: string } = {}) {
    return this.request<WaitResult>("POST", `/api/sessions/${enc(name)}/wait`, {
      command_id: opts.commandId,
      pattern: opts.pattern,
      timeout_ms: opts.timeoutMs,
      mode: opts.mode,
      expand_hint: opts.expandHint,
    });
  }
  send(name: string, input: { text?: string; keys?: string[]; enter?: boolean; secret?: boolean }) {
    return this.request<SendAnswer>("POST", `/api/sessions/${enc(name)}/send`, input);
  }
  read(name: string, opts: { since?: number; lines?: number; raw?: boolean } = {}) {
    const q = new URLSearchParams();
    if (opts.since !== undefined) q.set("since", String(opts.since));
    if (opts.lines !== undefined) q.set("lines", String(opts.lines));
    if (opts.raw) q.set("raw", "1");
    return this.request<ReadAnswer>("GET", `/api/sessions/${enc(name)}/read?${q}`);
  }
  screen(name: string) {
    return this.request<ScreenAnswer>("GET", `/api/sessions/${enc(name)}/screen`);
  }
  commandLines(name: string, id: number, from: number, to: number, raw = false) {
    return this.request<CommandLines>(
      "GET",
      `/api/sessions/${enc(name)}/commands/${id}?lines=${from}-${to}${raw ? "&raw=1" : ""}`,
    );
  }
  history(name: string) {
    return this.request<Array<HistoryRow & HistoryFlags>>("GET", `/api/sessions/${enc(name)}/history`);
  }
  context(name: string, opts: { maxTokens?: number; lines?: number } = {}) {
    const q = new URLSearchParams();
    if (opts.maxTokens !== undefined) q.set("max_tokens", String(opts.maxTokens));
    if (opts.lines !== undefined) q.set("lines", String(opts.lines));
    return this.request<ContextAnswer>("GET", `/api/sessions/${enc(name)}/context?${q}`);
  }
  analysis(name: string, commandId?: number) {
    const q = commandId === undefined ? "" : `?command=${commandId}`;
    return this.request<AnalysisAnswer>("GET", `/api/sessions/${enc(name)}/analysis${q}`);
  }
  snapshot(name: string, opts: { document?: boolean } = {}) {
    return this.request<SnapshotAnswer>("POST", `/api/sessions/${enc(name)}/snapshot`, opts);
  }
  restore(name: string, opts: { newName?: string } = {}) {
    return this.request<RestoreResult>("POST", "/api/restore", { name, new_name: opts.newName });
  }
  /** Tokens of several texts in one round trip, counted in the server's tokenizer worker (estimates while it loads). */
  countTokensMany(texts: string[]) {
    return this.request<TokenCounts>("POST", "/api/tokens/count", { texts, background: true });
  }
  resize(name: string, cols: number, rows: number) {
    return this.request<SessionInfo>("POST", `/api/sessions/${enc(name)}/resize`, { cols, rows });
  }
  kill(name: string) {
    return this.request<SessionInfo>("DELETE", `/api/sessions/${enc(name)}`);
  }
  shutdown() {
    return this.request<{ stopping: boolean; pid: number }>("POST", "/api/server/shutdown");
  }
}

const enc = encodeURIComponent;

/** The owner token of a data directory (0600, the owner's), or undefined when it is not there or not readable. */
export async function ownerTokenOf(paths: Paths): Promise<string | undefined> {
  try {
    return (await platform.readText(paths.token)).trim() || undefined;
  } catch {
    return undefined;
  }
}

function neverReached(err: unknown): boolean {
  const code = (err as { code?: string }).code ?? "";
  return ["ENOENT", "ECONNREFUSED", "ConnectionRefused", "FailedToOpenSocket"].includes(code);
}

/** What went wrong with a connection, in our words: the runtime's own messages are not for users. */
const CONNECTION_FAILURES: Record<string, string> = {
  ConnectionClosed: "the connection closed before the answer came",
  ECONNRESET: "the connection was reset",
  EPIPE: "the connection was closed",
  TimeoutError: "it took too long",
  AbortError: "the request was cancelled",
  EACCES: "the socket is not ours to use",
  EPERM: "the socket is not ours to use",
  ENOTSOCK: "the socket path is not a socket",
};

function unreachable(err: unknown): AppError {
  if (neverReached(err)) return new AppError("unavailable", "no ai-session server is running (ai-session serve starts one)");
  const e = err as { code?: string; name?: string };
  const why = CONNECTION_FAILURES[e.code ?? ""] ?? CONNECTION_FAILURES[e.name ?? ""] ?? `a connection error${e.code ? ` (${e.code})` : ""}`;
  return new AppError("unavailable", `the server stopped answering: ${why}; ai-session status tells whether it runs`);
}

/** Connects to the server of a data directory (or a URL), starting it when needed. */
export async function connect(opts: ConnectOptions = {}): Promise<AiSessionClient> {
  const agent = opts.agent ?? platform.proc.env("AI_SESSION_AGENT");
  const headers: Record<string, string> = agent ? { "x-ai-session-agent": agent } : {};
  if (opts.url) {
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    return new AiSessionClient(undefined, opts.url.replace(/\/$/, ""), { headers });
  }
  const paths = pathsFor(dataHome(opts.home));
  // No round trip here: the first request starts the server if nothing answers it.
  return new AiSessionClient(paths, "http://localhost", { unix: paths.socket, headers }, opts.autostart === false ? undefined : () => startInBackground(paths, opts.createHome === true));
}

export async function answers(socket: string): Promise<boolean> {
  const { existsSync } = await import("node:fs");
  if (!existsSync(socket)) return false;
  try {
    const r = await platform.fetchUnix(socket, "http://localhost/api/status", { signal: AbortSignal.timeout(2000) });
    return r.ok || r.status === 401; // a server is there (it asks for the token)
  } catch {
    return false;
  }
}

/**
 * Starts `serve --background` detached, with a lock file so that two clients starting at once make
 * one server: the one that takes the lock spawns, the others wait for the socket to answer.
 * node:fs and node:child_process are loaded here, not at the top: a command that finds its server
 * running does without their milliseconds of start-up.
 */
async function startInBackground(paths: Paths, createHome: boolean): Promise<void> {
  const { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeSync } = await import("node:fs");
  const { spawn } = await import("node:child_process");
  if (!createHome && !existsSync(paths.home)) {
    throw new AppError(
      "unavailable",
      `no ai-session server for ${paths.home}: the directory does not exist (ai-session create --home ${paths.home} starts one there)`,
    );
  }
  ensureHome(paths.home);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (await answers(paths.socket)) return;
    let fd: number;
    try {
      fd = openSync(paths.lock, "wx", 0o600);
    } catch {
      if (await staleLock(paths.lock)) {
        try {
          unlinkSync(paths.lock);
        } catch {}
        continue;
      }
      await sleep(50);
      continue;
    }
    try {
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const log = openSync(paths.log, "a", 0o600);
      const [cmd, ...args] = selfCommand();
      const child = spawn(cmd!, [...args, "serve", "--background", "--home", paths.home], {
        detached: true,
        stdio: ["ignore", log, log],
        env: process.env,
      });
      child.unref();
      closeSync(log);
      while (Date.now() < deadline) {
        if (await answers(paths.socket)) return;
        if (child.exitCode !== null) break;
        await sleep(10);
      }
      break;
    } finally {
      try {
        unlinkSync(paths.lock);
      } catch {}
    }
  }
  if (await answers(paths.socket)) return;
  const tail = existsSync(paths.log) ? readFileSync(paths.log, "utf8").trim().split("\n").slice(-1)[0] : "";
  throw new AppError("unavailable", `could not start the ai-session server${tail ? `: ${tail}` : ""} (see ${paths.log})`);
}

async function staleLock(lock: string): Promise<boolean> {
  const { readFileSync, statSync } = await import("node:fs");
  try {
    const pid = Number(readFileSync(lock, "utf8"));
    if (pid > 0) {
      try {
        process.kill(pid, 0);
      } catch {
        return true;
      }
    }
    return Date.now() - statSync(lock).mtimeMs > 20_000;
  } catch {
    return false;
  }
}
