import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { countOrEstimate, type Count } from "../work/background-tokens.ts";
import { savedPercent } from "../tokens/tokens.ts";
import { decodeBytes } from "../output/render.ts";
import { AnalysisSchema } from "../output/types.ts";
import { CLI_EXPAND_HINT } from "../work/jobs.ts";
import { INLINE_BELOW, runJob } from "../work/pool.ts";
import type { ExecOutcome } from "./command-tracker.ts";
import { CommandStatusSchema, CompletionSchema } from "./status.ts";
import { sandboxDenial } from "../sandbox/denied.ts";
import type { SandboxStatement } from "../sandbox/statement.ts";
import { recordCommandTokens } from "./store.ts";

const RAW_EXACT_CHARS = 1 << 20;

export const OutputModeSchema = z.enum(["compact", "lossless", "raw"]);
export type OutputMode = z.infer<typeof OutputModeSchema>;

/** What exec, wait and their API, MCP and CLI faces return (the JSON of `ai-session exec --json`). */
export const ExecResultSchema = z.strictObject({
  session: z.string(),
  command_id: z.number().nullable(),
  command: z.string(),
  exit_code: z.number().nullable(),
  status: CommandStatusSchema,
  duration_ms: z.number(),
  output: z.string().describe("the output as asked for: compacted (the default), lossless or raw"),
  raw_bytes: z.number().describe("bytes the command printed"),
  truncated: z.boolean().describe("the output passed the capture cap and its middle was not kept"),
  tokens: z.strictObject({
    raw: z.number(),
    compacted: z.number(),
    saved_pct: z.number(),
    estimated: z
      .boolean()
      .optional()
      .describe(
        "part of a count was extrapolated rather than tokenized: the raw count of an output over 1 MB (from its exactly counted head and tail), a run of one character cut into pieces, counting that passed its time budget, or the tokenizer was still loading",
      ),
  }),
  analysis: AnalysisSchema,
  completion: CompletionSchema,
  cwd: z.string(),
  prompt: z.string().optional().describe("the prompt the command waits on, when status is waiting_for_input"),
  offsets: z
    .strictObject({ start: z.number(), end: z.number() })
    .describe("offsets of the output in the session's scrollback (`ai-session read --since`)"),
});
export type ExecResult = z.infer<typeof ExecResultSchema>;

/** What wait returns: an exec result, with the text that matched when it waited for a pattern. */
export const WaitResultSchema = ExecResultSchema.extend({ matched: z.string().optional().describe("the text that matched the pattern waited for") });
export type WaitResult = z.infer<typeof WaitResultSchema>;

/** A stored command looked up later: its result as exec gave it, and its raw output while retention keeps it. */
export const CommandDetailSchema = ExecResultSchema.extend({ raw_output: z.string().nullable().describe("the output as the command printed it; null once retention dropped it") });
export type CommandDetail = z.infer<typeof CommandDetailSchema>;

/**
 * Turns a finished (or paused) command into the result an agent reads: the output rendered and
 * compacted (or raw), its analysis, and real token counts of what came in and what is returned.
 * A large output is compacted and counted on a worker thread (server/work), so the server keeps
 * answering meanwhile; a small one is compacted here and counted on the worker that has the
 * tokenizer loaded (while it still loads, the counts are estimates and the ledger is filled later).
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
  const large = raw.length >= INLINE_BELOW;
  const done = await runJob("compact", {
    raw,
    mode: opts.mode,
    exitCode: outcome.exitCode,
    command: outcome.record.command,
    cols: opts.cols,
    expandHint: { template: opts.expandHint ?? CLI_EXPAND_HINT, session: sessionName, commandId: id },
    // Exact up to 1 MB; past that the head and tail are counted and the middle extrapolated.
    exactRawChars: RAW_EXACT_CHARS,
    count: large,
  });
  const record = opts.record !== false && outcome.status !== "timeout" && outcome.status !== "waiting_for_input";
  const tool = done.analysis.tool ?? null;
  let t = done.tokens;
  if (!large) {
    const texts = opts.mode === "raw" ? [done.text] : [decodeBytes(raw), done.text];
    const { counts, deferred } = await countOrEstimate(texts, RAW_EXACT_CHARS, (exact) => {
      if (record) recordCommandTokens(db, id, { tool, raw: exact[0]!.tokens, compacted: (exact[1] ?? exact[0])!.tokens });
    });
    const [rawCount, outCount = rawCount] = counts as [Count, Count?];
    t = {
      raw: rawCount.tokens,
      compacted: outCount.tokens,
      saved_pct: savedPercent(rawCount.tokens, outCount.tokens),
      estimated: rawCount.estimated || outCount.estimated,
      raw_estimated: rawCount.estimated,
    };
    if (record && !deferred) recordCommandTokens(db, id, { tool, raw: t.raw, compacted: t.compacted });
  } else if (record) recordCommandTokens(db, id, { tool, raw: t.raw, compacted: t.compacted });
  // the kernel's refusals are read from what the command printed (a large output: its first 1 MB)
  const denied = sandboxDenial(decodeBytes(raw.length > RAW_EXACT_CHARS ? raw.subarray(0, RAW_EXACT_CHARS) : raw), opts.cwd, opts.sandbox);
  return {
    session: sessionName,
    command_id: id,
    command: outcome.record.command,
    exit_code: outcome.exitCode,
    status: outcome.status,
    duration_ms: outcome.durationMs,
    output: done.text,
    raw_bytes: raw.length,
    truncated: outcome.truncated,
    tokens: { raw: t.raw, compacted: t.compacted, saved_pct: t.saved_pct, ...(t.estimated ? { estimated: true } : {}) },
    analysis: denied ? { ...done.analysis, sandbox_denied: denied } : done.analysis,
    completion: outcome.completion,
    cwd: opts.cwd,
    ...(outcome.prompt !== undefined ? { prompt: outcome.prompt } : {}),
    offsets: { start: outcome.startOffset, end: outcome.endOffset },
  };
}
