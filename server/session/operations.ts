import { AppError } from "../errors.ts";
import { renderOutput, decodeBytes } from "../output/render.ts";
import { lastRawLines, renderLastLines } from "../output/render-tail.ts";
import type { Caller } from "../security/auth.ts";
import type { CommandLines, HistoryRow, ReadAnswer, ScreenAnswer, SendAnswer } from "./answers.ts";
import { buildExecResult, type CommandDetail, type ExecResult, type OutputMode, type WaitResult } from "./exec-result.ts";
import type { SessionManager, CreateOptions } from "./manager.ts";
import type { Session, SessionInfo } from "./session.ts";
import { commandById, commandOutput, commandsOf, type CommandRow } from "./store.ts";
import { committed, type Db } from "../../db/client.ts";
import { storedCompletion } from "./status.ts";
import type { SandboxStatement } from "../sandbox/statement.ts";
import { sleep } from "../platform/index.ts";
import { runJob } from "../work/pool.ts";

/**
 * The session verbs, written once. REST routes, MCP tools and the CLI (through REST) all call these,
 * so guards, defaults and results are the same everywhere.
 */
export interface Ops {
  db: Db;
  sessions: SessionManager;
}

const MAX_TIMEOUT_MS = 24 * 3600 * 1000;

export async function createSession(ops: Ops, caller: Caller, opts: CreateOptions): Promise<SessionInfo> {
  // The caller's own agent and role win over what the request body says.
  const s = await ops.sessions.create({ ...opts, agent: caller.agent ?? opts.agent, role: caller.role ?? opts.role });
  return s.info();
}

function sessionFor(ops: Ops, caller: Caller, name: string, kind: "exec" | "send" | "kill" | "read" | "attach", command?: string, opaqueKeys?: string[]) {
  const s = ops.sessions.get(name);
  const info = s.info(); // reads the shell's directory once, for the policy check too
  ops.sessions.check({ kind, agent: caller.agent, role: caller.role, session: info, command, cwd: info.cwd, opaqueKeys });
  return s;
}

export async function execCommand(
  ops: Ops,
  caller: Caller,
  name: string,
  req: { command: string; timeout_ms?: number; mode?: OutputMode; expand_hint?: string },
): Promise<ExecResult> {
  const s = sessionFor(ops, caller, name, "exec", req.command);
  const timeoutMs = Math.min(req.timeout_ms ?? 600_000, MAX_TIMEOUT_MS);
  const outcome = await s.commands.exec(req.command, { timeoutMs, agent: caller.agent });
  const result = await buildExecResult(ops.db, s.name, outcome, {
    mode: req.mode ?? "compact", cols: s.config.cols, cwd: s.cwd(), expandHint: req.expand_hint, sandbox: s.config.sandbox.statement,
  });
  // The result is given only once the command's row is committed: a crash after the answer loses nothing.
  await committed(ops.db);
  return result;
}

/** Waits for a running command to end, or for output matching a pattern. */
export async function waitFor(
  ops: Ops,
  caller: Caller,
  name: string,
  req: { command_id?: number; pattern?: string; timeout_ms?: number; mode?: OutputMode; expand_hint?: string },
  signal?: AbortSignal,
): Promise<WaitResult> {
  const s = sessionFor(ops, caller, name, "read");
  const timeoutMs = Math.min(req.timeout_ms ?? 600_000, MAX_TIMEOUT_MS);
  const mode = req.mode ?? "compact";
  const hint = req.expand_hint;
  if (req.pattern !== undefined) return waitForPattern(ops, s, req.pattern, timeoutMs, mode, signal, hint);
  const outcome = await s.commands.waitCommand(req.command_id, timeoutMs);
  const id = outcome?.fromHistory ? outcome.record.id : req.command_id;
  const sandbox = s.config.sandbox.statement;
  if (outcome && !outcome.fromHistory) return buildExecResult(ops.db, s.name, outcome, { mode, cols: s.config.cols, cwd: s.cwd(), expandHint: hint, sandbox });
  if (id !== undefined) {
    const row = commandById(ops.db, s.id, id);
    if (!row) throw new AppError("not_found", `session "${name}" has no command ${id} (ai-session history ${name})`);
    return resultFromRow(ops, s.name, row, mode, s.config.cols, hint, sandbox);
  }
  throw new AppError("not_found", `session "${name}" has run no command yet (use --for REGEX to wait for output)`);
}

/** Text kept from the previous scan so a match that spans two reads is still found. */
const PATTERN_OVERLAP = 4096;

/**
 * Waits until output since the last input matches `pattern`. Only new bytes are rendered at each
 * look (with an overlap), it stops when the caller goes away, and the result is compacted like exec's.
 */
async function waitForPattern(ops: Ops, s: Session, pattern: string, timeoutMs: number, mode: OutputMode, signal?: AbortSignal, expandHint?: string) {
  let re: RegExp;
  try {
    re = new RegExp(pattern, "m");
  } catch (e) {
    throw new AppError("invalid", `the pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${(e as Error).message}`);
  }
  const running = s.commands.current;
  const from = s.commands.lastInputOffset;
  const started = Date.now();
  let scanned = from;
  let carry = "";
  let matched: string | undefined;
  while (!matched && Date.now() - started < timeoutMs && s.alive && !signal?.aborted) {
    const fresh = s.scrollback.read(scanned);
    if (fresh.data.length) {
      scanned = fresh.offset;
      const text = carry + renderOutput(fresh.data, { cols: s.config.cols });
      matched = re.exec(text)?.[0];
      carry = text.slice(-PATTERN_OVERLAP);
    }
    if (!matched) await sleep(50);
  }
  const r = s.scrollback.read(from, scanned);
  const result = await buildExecResult(
    ops.db,
    s.name,
    {
      record: running ?? { id: 0, sessionId: s.id, command: "", cwd: s.cwd(), startedAt: started },
      status: matched ? "ok" : "timeout",
      exitCode: null,
      durationMs: Date.now() - started,
      startOffset: r.start,
      endOffset: r.offset,
      raw: r.data,
      truncated: r.dropped > 0,
      completion: matched ? { method: "pattern_match", confidence: "high" } : { method: "timeout", confidence: "high" },
    },
    { mode, cols: s.config.cols, cwd: s.cwd(), record: false, expandHint },
  );
  return { ...result, command_id: running?.id ?? null, ...(matched !== undefined ? { matched } : {}) };
}

export function resultFromRow(
  ops: Ops, sessionName: string, row: CommandRow, mode: OutputMode, cols: number, expandHint?: string, sandbox?: SandboxStatement,
): Promise<ExecResult> {
  const raw = commandOutput(row) ?? new Uint8Array(0);
  return buildExecResult(
    ops.db,
    sessionName,
    {
      record: { id: row.id, sessionId: row.sessionId, command: row.command, cwd: row.cwd, agent: row.agent ?? undefined, startedAt: row.startedAt },
      status: row.status,
      exitCode: row.exitCode,
      durationMs: row.durationMs ?? 0,
      startOffset: row.startOffset,
      endOffset: row.endOffset ?? row.startOffset,
      raw,
      truncated: false,
      completion: storedCompletion(row.completionMethod, row.completionConfidence),
    },
    // Reading a stored command back does not rewrite its recorded token counts.
    { mode, cols, cwd: row.cwd, record: false, expandHint, sandbox },
  );
}

/** A live session's guard for reading; ended sessions (history only) belong to no one live. */
export function guardRead(ops: Ops, caller: Caller, name: string): void {
  if (ops.sessions.has(name)) sessionFor(ops, caller, name, "read");
}

export function historyOf(ops: Ops, caller: Caller, name: string): HistoryRow[] {
  guardRead(ops, caller, name);
  return commandsOf(ops.db, ops.sessions.idOf(name)).map((r) => ({
    command_id: r.id,
    command: r.command,
    cwd: r.cwd,
    agent: r.agent,
    status: r.status,
    exit_code: r.exitCode,
    started_at: new Date(r.startedAt).toISOString(),
    duration_ms: r.durationMs,
    raw_bytes: r.rawBytes,
    tool: r.tool,
    tokens: { raw: r.tokensRaw, compacted: r.tokensCompacted },
    completion: r.completionMethod === null ? { method: null, confidence: null } : storedCompletion(r.completionMethod, r.completionConfidence),
  }));
}

/**
 * New output since an offset (default: since the last read), rendered unless raw is asked. A large
 * read (all a session keeps after a flood: megabytes) renders on a worker thread, so the event
 * loop goes on answering other requests meanwhile.
 */
export async function readOutput(ops: Ops, caller: Caller, name: string, req: { since?: number; lines?: number; raw?: boolean; maxBytes?: number }): Promise<ReadAnswer> {
  const s = sessionFor(ops, caller, name, "read");
  const r = s.read({ since: req.since, maxBytes: req.maxBytes });
  const cols = s.config.cols;
  const last = req.lines !== undefined && req.lines > 0 ? req.lines : undefined; // 0, as before, is no limit
  // the last page renders only the end of what is read, however much that is
  const output = last === undefined
    ? req.raw ? decodeBytes(r.data) : await runJob("render", { raw: r.data, cols })
    : req.raw ? lastRawLines(r.data, last) : renderLastLines(r.data, last, { cols });
  return { session: s.name, start: r.start, offset: r.offset, dropped: r.dropped, output };
}

/** A stored command of a session, live or ended, after the read guard. */
function storedCommand(ops: Ops, caller: Caller, name: string, commandId: number) {
  guardRead(ops, caller, name);
  const row = commandById(ops.db, ops.sessions.idOf(name), commandId);
  if (!row) throw new AppError("not_found", `session "${name}" has no command ${commandId} (ai-session history ${name})`);
  const live = ops.sessions.has(name) ? ops.sessions.get(name) : undefined;
  return { row, cols: live?.config.cols ?? 200, sandbox: live?.id === row.sessionId ? live.config.sandbox.statement : undefined };
}

/** A stored command: its result as exec gave it (compacted or lossless) and its raw output. */
export async function commandDetail(ops: Ops, caller: Caller, name: string, commandId: number, mode: OutputMode): Promise<CommandDetail> {
  const { row, cols, sandbox } = storedCommand(ops, caller, name, commandId);
  const result = await resultFromRow(ops, name, row, mode, cols, undefined, sandbox);
  const bytes = commandOutput(row);
  return { ...result, raw_output: bytes ? decodeBytes(bytes) : null };
}

/** Lines A..B (1-based) of one command's rendered output: what a compaction marker points to. */
export function commandLines(ops: Ops, caller: Caller, name: string, commandId: number, range?: { from: number; to: number }, raw = false): CommandLines {
  const { row, cols } = storedCommand(ops, caller, name, commandId);
  const bytes = commandOutput(row);
  if (!bytes) throw new AppError("not_found", `the output of command ${commandId} is no longer stored (retention dropped it)`);
  const text = raw ? decodeBytes(bytes) : renderOutput(bytes, { cols });
  const lines = text.split("\n");
  const from = Math.max(1, range?.from ?? 1);
  const to = Math.min(lines.length, range?.to ?? lines.length);
  return { session: name, command_id: commandId, from, to, total_lines: lines.length, output: lines.slice(from - 1, to).join("\n") };
}

export async function sendInput(
  ops: Ops,
  caller: Caller,
  name: string,
  req: { text?: string; keys?: string[]; enter?: boolean; secret?: boolean },
): Promise<SendAnswer> {
  // Typed at the shell's prompt, text and keys make a command line, judged whole like exec's.
  const typed = ops.sessions.get(name).typedCommand(req);
  const s = sessionFor(ops, caller, name, "send", typed.command, typed.opaque);
  const r = await s.send(req);
  ops.sessions.events.emit("input", s.id, { bytes: r.bytes, secret: req.secret ?? false, agent: caller.agent });
  return { session: s.name, bytes: r.bytes };
}

export async function screenOf(ops: Ops, caller: Caller, name: string): Promise<ScreenAnswer> {
  const s = sessionFor(ops, caller, name, "read");
  return { session: s.name, ...(await s.screen.capture()) };
}

export function resizeSession(ops: Ops, caller: Caller, name: string, cols: number, rows: number): SessionInfo {
  const s = sessionFor(ops, caller, name, "send");
  s.resize(cols, rows);
  return s.info();
}

export async function killSession(ops: Ops, caller: Caller, name: string): Promise<SessionInfo> {
  sessionFor(ops, caller, name, "kill");
  return ops.sessions.kill(name);
}
