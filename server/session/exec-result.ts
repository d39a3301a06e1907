import type { Db } from "../../db/client.ts";
import { countOrEstimate, type Count } from "../context/background-tokens.ts";
import { savedPercent } from "../context/tokens.ts";
import { compactOutput } from "../output/compact.ts";
import { decodeBytes } from "../output/render.ts";
import type { Analysis } from "../output/types.ts";
import type { ExecOutcome } from "./command-tracker.ts";
import { sandboxDenial } from "../sandbox/denied.ts";
import type { SandboxStatement } from "../sandbox/plan.ts";
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
  /** `estimated`: the raw count of an output over 1 MB is extrapolated from its exactly counted head and tail, or the tokenizer was still loading. */
  tokens: { raw: number; compacted: number; saved_pct: number; estimated?: boolean };
  analysis: Analysis;
  completion: ExecOutcome["completion"];
  cwd: string;
  /** The prompt the command waits on, when status is waiting_for_input. */
  prompt?: string;
  /** Offsets of the output in the session's scrollback (`ai-session read --since`). */
  offsets: { start: number; end: number };
}

/** How a CLI user reads lines a fold marker hid; adapters pass their own template (MCP names its tool). */
export const CLI_EXPAND_HINT = "ai-session read {session} --command {id} --lines {from}-{to}";

/** The fold marker's pointer to lines FROM-TO of command ID, from a template with {session} {id} {from} {to}. */
export function expandHintFor(session: string, id: number, template = CLI_EXPAND_HINT): (from: number, to: number) => string {
  const base = template.replaceAll("{session}", session).replaceAll("{id}", String(id));
  return (from, to) => base.replaceAll("{from}", String(from)).replaceAll("{to}", String(to));
}

/**
 * Turns a finished (or paused) command into the result an agent reads: the output rendered and
 * compacted (or raw), its analysis, and real token counts of what came in and what is returned.
 * Token counts and the tool are recorded on the command row for metrics.
 */
export async function buildExecResult(
  db: Db,
  sessionName: string,
  outcome: ExecOutcome,
  opts: { mode: OutputMode; cols: number; cwd: string; record?: boolean; expandHint?: string; sandbox?: SandboxStatement },
): Promise<ExecResult> {
  const id = outcome.record.id;
  const raw = outcome.raw;
  const compacted = compactOutput(raw, {
    mode: opts.mode === "raw" ? "lossless" : opts.mode,
    exitCode: outcome.exitCode,
    command: outcome.record.command,
    cols: opts.cols,
    expandHint: expandHintFor(sessionName, id, opts.expandHint),
  });
  const output = opts.mode === "raw" ? decodeBytes(raw) : compacted.text;
  const rawText = decodeBytes(raw);
  const record = opts.record !== false && outcome.status !== "timeout" && outcome.status !== "waiting_for_input";
  const tool = compacted.analysis.tool ?? null;
  // Exact up to 1 MB; past that the tokenizer (about 2 MB/s) would take seconds. Counted in the
  // tokenizer's worker; while it still loads the counts are estimates and the ledger is filled later.
  const texts = opts.mode === "raw" ? [rawText] : [rawText, output];
  const { counts, deferred } = await countOrEstimate(texts, RAW_EXACT_CHARS, (exact) => {
    if (record) recordCommandTokens(db, id, { tool, raw: exact[0]!.tokens, compacted: (exact[1] ?? exact[0])!.tokens });
  });
  const [rawCount, outCount = rawCount] = counts as [Count, Count?];
  const rawTokens = rawCount.tokens;
  const outTokens = outCount.tokens;
  const estimated = rawCount.estimated || outCount.estimated;
  if (record && !deferred) recordCommandTokens(db, id, { tool, raw: rawTokens, compacted: outTokens });
  const denied = sandboxDenial(rawText, opts.cwd, opts.sandbox);
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
    tokens: { raw: rawTokens, compacted: outTokens, saved_pct: savedPercent(rawTokens, outTokens), ...(estimated ? { estimated: true } : {}) },
    analysis: denied ? { ...compacted.analysis, sandbox_denied: denied } : compacted.analysis,
    completion: outcome.completion,
    cwd: opts.cwd,
    ...(outcome.prompt !== undefined ? { prompt: outcome.prompt } : {}),
    offsets: { start: outcome.startOffset, end: outcome.endOffset },
  };
}
