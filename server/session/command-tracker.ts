import { AppError } from "../errors.ts";
import type { Db } from "../../db/client.ts";
import type { Mark } from "./marker-filter.ts";
import type { SessionEvents } from "./events.ts";
import type { Session } from "./session.ts";
import { finishCommand, insertCommand } from "./store.ts";
import { encodeOutput } from "../output/codec.ts";
import { INLINE_BELOW, runJob, sharedBytes } from "../work/pool.ts";
import { foregroundReadsTerminal } from "./input-wait.ts";
import { sleep } from "../platform/index.ts";
import type { CommandStatus, Completion } from "./status.ts";


export interface CommandRecord {
  id: number;
  sessionId: string;
  command: string;
  cwd: string;
  agent?: string;
  startedAt: number;
}

export interface ExecOutcome {
  record: CommandRecord;
  status: CommandStatus;
  exitCode: number | null;
  durationMs: number;
  startOffset: number;
  endOffset: number;
  raw: Uint8Array;
  /** True when the output passed the capture cap and its middle was not kept. */
  truncated: boolean;
  completion: Completion;
  /** The prompt text when status is waiting_for_input. */
  prompt?: string;
  /** Set on finished commands looked up later: their output is read back from the database. */
  fromHistory?: boolean;
}

/** Commands longer than this are refused: put long scripts in a file. */
export const MAX_COMMAND_BYTES = 256 * 1024;
/** Output kept in memory per command for storage and compaction: the head and the latest tail. */
const CAPTURE_HEAD = 64 * 1024 * 1024;
const CAPTURE_TAIL = 64 * 1024 * 1024;
const INPUT_QUIET_MS = 200;
const HEURISTIC_QUIET_MS = 600;

interface Running {
  record: CommandRecord;
  /** What was typed (plain sh gets multi-line commands as one eval line). */
  typed: string;
  writeOffset: number;
  startOffset: number | null;
  chunks: Uint8Array[];
  bytes: number;
  /** Past the head cap, the newest bytes: older tail chunks fall off as new ones come. */
  tail: Uint8Array[];
  tailBytes: number;
  omitted: number;
  truncated: boolean;
  done: Promise<ExecOutcome>;
  resolve(o: ExecOutcome): void;
}

/**
 * Runs commands in the live shell and decides when each ends. With shell integration the C mark
 * opens a command's output and the D mark closes it with the exact exit status; plain sh reports
 * the status through its prompt mark; other shells fall back to a quiet-and-prompt heuristic.
 */
export class CommandTracker {
  private running: Running | null = null;
  /** A command typed by hand (attach, send) that the shell is running. */
  private manual = false;
  private finished = new Map<number, ExecOutcome>();
  /** Commands that ended whose large output is being encoded for storage (off the event loop). */
  private ending = new Map<number, Promise<void>>();
  lastInputOffset = 0;

  constructor(
    private readonly session: Session,
    private readonly db: Db,
    private readonly events: SessionEvents,
  ) {}

  get busy(): boolean {
    return this.running !== null || this.manual;
  }

  get current(): CommandRecord | undefined {
    return this.running?.record;
  }

  noteInput(): void {
    this.lastInputOffset = this.session.scrollback.end;
  }

  onOutput(data: Uint8Array): void {
    const r = this.running;
    if (!r || r.startOffset === null) return;
    if (!r.truncated && r.bytes + data.length <= CAPTURE_HEAD) {
      r.chunks.push(data);
      r.bytes += data.length;
      return;
    }
    r.truncated = true;
    r.tail.push(data);
    r.tailBytes += data.length;
    while (r.tail.length > 1 && r.tailBytes - r.tail[0]!.length >= CAPTURE_TAIL) {
      const dropped = r.tail.shift()!;
      r.tailBytes -= dropped.length;
      r.omitted += dropped.length;
    }
  }

  onMark(m: Mark): void {
    const r = this.running;
    if (m.kind === "C") {
      if (r && r.startOffset === null) r.startOffset = this.session.scrollback.end;
      else if (!r) this.manual = true;
      return;
    }
    if (m.kind === "D") {
      this.manual = false;
      if (!r) return;
      const method = this.session.kind === "sh" ? "prompt_marker" : "shell_integration";
      this.finish(r, m.status ?? null, {
        method,
        confidence: method === "shell_integration" && r.startOffset !== null ? "high" : "medium",
      });
    }
  }

  /** The shell ended; `killed` when the session was killed (its running command is interrupted). */
  onShellExit(code: number, killed = false): void {
    this.manual = false;
    const r = this.running;
    if (r) this.finish(r, code, { method: "process_exit", confidence: "high" }, killed ? "interrupted" : undefined);
  }

  /** Starts `command` in the shell and waits for its end, a prompt for input, or the timeout. */
  async exec(command: string, opts: { timeoutMs: number; agent?: string }): Promise<ExecOutcome> {
    this.session.assertAlive();
    if (command.trim() === "") throw new AppError("invalid", "the command is empty");
    const size = Buffer.byteLength(command);
    if (size > MAX_COMMAND_BYTES) {
      throw new AppError(
        "too_large",
        `the command is ${size} bytes; the limit is ${MAX_COMMAND_BYTES} (put long scripts in a file and run the file)`,
      );
    }
    if (this.running) {
      const id = this.running.record.id;
      throw new AppError(
        "conflict",
        `session "${this.session.name}" is still running command ${id} (ai-session wait ${this.session.name} --command ${id}, or send C-c)`,
      );
    }
    if (this.manual) {
      throw new AppError("conflict", `session "${this.session.name}" is busy with a command typed into it (ai-session read ${this.session.name} --screen)`);
    }
    const clearLine = this.session.lineClearBeforeCommand();
    const cwd = this.session.cwd();
    const startedAt = Date.now();
    const writeOffset = this.session.scrollback.end;
    const id = insertCommand(this.db, {
      sessionId: this.session.id,
      command,
      cwd,
      agent: opts.agent,
      status: "running",
      startedAt,
      startOffset: writeOffset,
    });
    this.session.commandTotal++;
    const record: CommandRecord = { id, sessionId: this.session.id, command, cwd, agent: opts.agent, startedAt };
    let resolve!: (o: ExecOutcome) => void;
    const done = new Promise<ExecOutcome>((r) => (resolve = r));
    const plainSh = this.session.kind === "sh" || this.session.kind === "other";
    const typed = typedForm(command, this.session.kind, this.session.pasteMode);
    this.running = {
      record, typed, writeOffset, startOffset: plainSh ? writeOffset : null,
      chunks: [], bytes: 0, tail: [], tailBytes: 0, omitted: 0, truncated: false, done, resolve,
    };
    this.events.emit("command:start", this.session.id, record);
    this.session.typeCommand(clearLine + typed);
    this.lastInputOffset = writeOffset;
    return this.waitFor(this.running, opts.timeoutMs);
  }

  /** Waits for a running (or recently finished) command. */
  async waitCommand(id: number | undefined, timeoutMs: number): Promise<ExecOutcome | undefined> {
    const r = this.running;
    if (r && (id === undefined || r.record.id === id)) return this.waitFor(r, timeoutMs);
    if (id !== undefined) {
      await this.ending.get(id);
      return this.finished.get(id);
    }
    await Promise.all(this.ending.values());
    // No command running: the one that finished last (it may have ended just before the call).
    return [...this.finished.values()].pop();
  }

  private async waitFor(r: Running, timeoutMs: number): Promise<ExecOutcome> {
    const deadline = Date.now() + timeoutMs;
    let settled: ExecOutcome | undefined;
    void r.done.then((o) => (settled = o));
    while (!settled) {
      const left = deadline - Date.now();
      if (left <= 0) return this.partial(r, "timeout", { method: "timeout", confidence: "high" });
      await Promise.race([r.done, sleep(Math.min(left, 50))]);
      if (settled) break;
      const quiet = this.session.quietForMs;
      if (r.startOffset !== null && quiet >= INPUT_QUIET_MS && this.running === r && foregroundReadsTerminal(this.session.pid)) {
        // at a bash prompt the shell reads too: only a read during the command counts
        if (this.session.kind !== "other" || r.bytes > 0) {
          const o = this.partial(r, "waiting_for_input", { method: "input_prompt", confidence: "medium" });
          o.prompt = lastLineOf(o.raw);
          return o;
        }
      }
      if (this.session.kind === "other" && quiet >= HEURISTIC_QUIET_MS && r.bytes > 0 && looksLikePrompt(r)) {
        this.finish(r, null, { method: "quiet_heuristic", confidence: "low" });
      }
    }
    return settled!;
  }

  private partial(r: Running, status: CommandStatus, completion: Completion): ExecOutcome {
    const raw = captured(r);
    return {
      record: r.record,
      status,
      exitCode: null,
      durationMs: Date.now() - r.record.startedAt,
      startOffset: r.startOffset ?? r.writeOffset,
      endOffset: this.session.scrollback.end,
      raw: this.session.kind === "sh" ? stripEcho(raw, r.typed) : raw,
      truncated: r.truncated,
      completion,
    };
  }

  private finish(r: Running, exitCode: number | null, completion: Completion, status?: CommandStatus): void {
    if (this.running !== r) return;
    this.running = null;
    // No exit status is no claim of success: "unknown", never "ok".
    const outcome = this.partial(r, status ?? (exitCode === null ? "unknown" : exitCode === 0 ? "ok" : "failed"), completion);
    outcome.exitCode = exitCode;
    if (this.session.kind === "other") outcome.raw = stripPromptTail(outcome.raw);
    const id = r.record.id;
    const store = (outputZ: Uint8Array | null) => {
      finishCommand(this.db, id, {
        status: outcome.status,
        exitCode,
        endedAt: Date.now(),
        durationMs: outcome.durationMs,
        endOffset: outcome.endOffset,
        rawBytes: outcome.raw.length,
        outputZ,
        completionMethod: completion.method,
        completionConfidence: completion.confidence,
      });
      // Only what a later `wait` needs to find it; the output itself is in the database.
      this.finished.set(id, { ...outcome, raw: new Uint8Array(0), fromHistory: true });
      if (this.finished.size > 32) this.finished.delete(this.finished.keys().next().value!);
      this.ending.delete(id);
      this.events.emit("command:end", this.session.id, r.record, outcome);
      r.resolve(outcome);
    };
    // A small output is encoded here; a large one (redaction, gzip, encryption of up to 128 MB)
    // on a worker thread, and the command counts as ended once it is stored.
    if (outcome.raw.length < INLINE_BELOW) {
      store(encodeOutput(outcome.raw));
      return;
    }
    this.ending.set(
      id,
      runJob("encode", { raw: outcome.raw }).then(store, (err) => {
        console.error(`could not store the output of command ${id}: ${err instanceof Error ? err.message : err}`);
        store(null);
      }),
    );
  }
}

/** The chunks in one buffer (shared memory when large: the workers that encode and compact it read it in place). */
function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = sharedBytes(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/** Plain sh has no start mark: its captured output begins with the echo of the typed command. */
function stripEcho(raw: Uint8Array, typed: string): Uint8Array {
  const echoed = Buffer.from(typed.replace(/\r$/, "") + "\r\n");
  const head = Buffer.from(raw.subarray(0, echoed.length));
  if (head.equals(echoed)) return raw.subarray(echoed.length);
  const nl = raw.indexOf(0x0a);
  return nl === -1 ? raw : raw.subarray(nl + 1);
}

/** Without a D mark that ends it exactly, the shell's next prompt trails the output: drop it. */
function stripPromptTail(raw: Uint8Array): Uint8Array {
  const nl = raw.lastIndexOf(0x0a);
  return nl === -1 ? raw : raw.subarray(0, nl + 1);
}

function lastLineOf(raw: Uint8Array): string {
  const text = new TextDecoder().decode(raw.subarray(Math.max(0, raw.length - 4096)));
  const clean = text.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, "").replace(/\r(?!\n)/g, "\n");
  const lines = clean.split(/\r?\n/).map((l) => l.trimEnd()).filter(Boolean);
  return lines.pop() ?? "";
}

function looksLikePrompt(r: Running): boolean {
  const last = r.tail.at(-1) ?? r.chunks.at(-1);
  return last !== undefined && /[$#%>❯]\s*$/.test(lastLineOf(last));
}

/** The captured output: all of it, or its head, a line saying how much was left out, and its tail. */
function captured(r: Running): Uint8Array {
  if (!r.truncated) return concat(r.chunks, r.bytes);
  const note = new TextEncoder().encode(`\r\n[ai-session: ${r.omitted} bytes of output not kept here; the session's scrollback has the latest]\r\n`);
  return concat([...r.chunks, note, ...r.tail], r.bytes + note.length + r.tailBytes);
}

/**
 * What is typed for a command, so that the shell runs exactly its bytes and no byte is taken for
 * an editing key (readline would run Ctrl-A, Tab or ESC sequences inside the line): one bracketed
 * paste, which bash and zsh insert literally and keep in their history as is, whenever the line
 * editor has paste mode on. Otherwise, when the command holds a line break or a control
 * character: bash and zsh get `eval $'…'` (every byte escaped), plain sh (no line editor, but its
 * terminal driver would act on ^C, ^U, ^W, and each line would end at its own prompt) one
 * `eval "$(printf '%b' '…')"` line that carries the whole script. Plain text is typed as is.
 */
export function typedForm(command: string, kind: string, pasteMode: boolean): string {
  const PASTE_END = "\x1b[201~";
  if ((kind === "bash" || kind === "zsh" || kind === "other") && pasteMode && !command.includes(PASTE_END)) {
    return `\x1b[200~${command}${PASTE_END}\r`;
  }
  if (!/[\x00-\x1f\x7f]/.test(command)) return `${command}\r`;
  if (kind === "bash" || kind === "zsh") return `eval ${ansiCQuoted(command)}\r`;
  if (kind !== "sh") return `${command}\r`;
  const escaped = command.replace(/[\\'\x00-\x1f\x7f]/g, (c) =>
    c === "\\" ? "\\\\" : c === "'" ? "'\\''" : `\\0${c.charCodeAt(0).toString(8).padStart(3, "0")}`,
  );
  return `eval "$(printf '%b' '${escaped}')"\r`;
}

/** `$'…'` quoting (bash, zsh): backslash, quote and every control character as an escape. */
function ansiCQuoted(text: string): string {
  return `$'${text.replace(/[\\'\x00-\x1f\x7f]/g, (c) => (c === "\\" || c === "'" ? `\\${c}` : `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`))}'`;
}
