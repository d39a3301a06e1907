import type { Db } from "../../db/client.ts";
import { countTokens, countTokensLarge, savedPercent } from "../context/tokens.ts";
import { compactOutput } from "../output/compact.ts";
import { decodeBytes } from "../output/render.ts";
import type { Analysis } from "../output/types.ts";
import type { ExecOutcome } from "./command-tracker.ts";
import { recordCommandTokens } from "./store.ts";

const RAW_EXACT_CHARS = 1 << 20;

export type OutputMode = "compact" | "lossless" | "raw";

/** What exec, wait and their API, MCP and CLI faces return (the JSON of `ai-session exec --json`). */
export interface ExecResult {
  session: string;
  command_id: number | null;
  command: string;
  exit_code: number | null;
  status: ExecOutcome["status"];
  duration_ms: number;
  output: string;
  raw_bytes: number;
  truncated: boolean;
  /** `estimated`: the raw count of an output over 1 MB is extrapolated from its exactly counted head and tail. */
  tokens: { raw: number; compacted: number; saved_pct: number; estimated?: boolean };
  analysis: Analysis;
  completion: ExecOutcome["completion"];
  cwd: string;
  /** The prompt the command waits on, when status is waiting_for_input. */
  prompt?: string;
  /** Offsets of the output in the session's scrollback (`ai-session read --since`). */
  offsets: { start: number; end: number };
}

/**
 * Turns a finished (or paused) command into the result an agent reads: the output rendered and
 * compacted (or raw), its analysis, and real token counts of what came in and what is returned.
 * Token counts and the tool are recorded on the command row for metrics.
 */
export function buildExecResult(
  db: Db,
  sessionName: string,
  outcome: ExecOutcome,
  opts: { mode: OutputMode; cols: number; cwd: string; record?: boolean },
): ExecResult {
  const id = outcome.record.id;
  const raw = outcome.raw;
  const compacted = compactOutput(raw, {
    mode: opts.mode === "raw" ? "lossless" : opts.mode,
    exitCode: outcome.exitCode,
    command: outcome.record.command,
    cols: opts.cols,
    expandHint: (a, b) => `ai-session read ${sessionName} --command ${id} --lines ${a}-${b}`,
  });
  const output = opts.mode === "raw" ? decodeBytes(raw) : compacted.text;
  // Exact up to 1 MB; past that the tokenizer (about 2 MB/s) would stall the server for seconds.
  const rawCount = countTokensLarge(decodeBytes(raw), "o200k_base", RAW_EXACT_CHARS);
  const rawTokens = rawCount.tokens;
  const outTokens = opts.mode === "raw" ? rawTokens : countTokens(output);
  if (opts.record !== false && outcome.status !== "timeout" && outcome.status !== "waiting_for_input") {
    recordCommandTokens(db, id, { tool: compacted.analysis.tool ?? null, raw: rawTokens, compacted: outTokens });
  }
  return {
    session: sessionName,
    command_id: id,
    command: outcome.record.command,
    exit_code: outcome.exitCode,
    status: outcome.status,
    duration_ms: outcome.durationMs,
    output,
    raw_bytes: raw.length,
    truncated: outcome.truncated,
    tokens: { raw: rawTokens, compacted: outTokens, saved_pct: savedPercent(rawTokens, outTokens), ...(rawCount.estimated ? { estimated: true } : {}) },
    analysis: compacted.analysis,
    completion: outcome.completion,
    cwd: opts.cwd,
    ...(outcome.prompt !== undefined ? { prompt: outcome.prompt } : {}),
    offsets: { start: outcome.startOffset, end: outcome.endOffset },
  };
}
