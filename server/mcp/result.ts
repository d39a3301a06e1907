import { z } from "zod";
import type { ExecResult, WaitResult } from "../session/exec-result.ts";
import { AnalysisSchema, type OutputError } from "../output/types.ts";
import { CommandStatusSchema } from "../session/status.ts";
import { clip, MAX_TEXT_CHARS, type ToolEnv } from "./tool.ts";

/**
 * What exec and wait return over MCP, sized as one budget: the text block is the compacted output
 * under a one-line status header; structuredContent carries what a program needs (status, exit
 * code, ids, counts, the first error rows) and never the output again, unless asked for.
 */

/** Error rows in structuredContent: at most this many, fewer when the budget says so (measureResult). */
const ERROR_CAP = 10;
const TESTS_CAP = 10;
const MSG_CHARS = 100;

/**
 * An error of the analysis (output/types.ts) as a compact row: the same fields under shorter names,
 * each left out when the tool did not say it, the message clipped (analyze_output gives it whole).
 */
export const ErrorRow = z.strictObject({
  file: z.string().optional(),
  line: z.number().optional(),
  col: z.number().optional(),
  code: z.string().optional(),
  msg: z.string(),
});
export type ErrorRow = z.infer<typeof ErrorRow>;
export function errorRow(e: OutputError, msgChars = Number.POSITIVE_INFINITY): ErrorRow {
  const row: Partial<ErrorRow> = {};
  if (e.file != null) row.file = e.file;
  if (e.line != null) row.line = e.line;
  if (e.column != null) row.col = e.column;
  if (e.code != null) row.code = e.code;
  return { ...row, msg: e.message.length > msgChars ? `${e.message.slice(0, msgChars)}…` : e.message };
}

/** The analysis as exec and wait carry it: what a program branches on, the lists capped (measureResult). */
export const CompactAnalysis = AnalysisSchema.pick({ tool: true }).extend({
  // the refused path, absent when the shell's message names none
  sandbox_denied: z.strictObject({ path: z.string().optional(), message: z.string() }).optional(),
  // nonzero counts only, keyed as the analysis counts
  counts: z.partialRecord(AnalysisSchema.shape.counts.keyof(), z.number()),
  // rows only when some fit the budget (measureResult), with errors_total and errors_cap; with none, counts say how many
  errors: z.array(ErrorRow).optional(),
  errors_total: z.number().optional(),
  errors_cap: z.number().optional(),
  tests_failed: AnalysisSchema.shape.tests_failed.optional(),
}).strict();

/** The usual way a command's end is known, left out of results (RunResult.completion). */
const DEFAULT_COMPLETION = "shell_integration/high";

export const RunResult = z.strictObject({
  // the session a call names; a call that names none works in the connection's own (ToolEnv.defaultSession)
  session: z.string().optional().describe("absent: your default session"),
  command_id: z.number().nullable(),
  // a command past its timeout is still running: exec says so and wait picks it up
  status: CommandStatusSchema.exclude(["timeout"]),
  exit_code: z.number().nullable(),
  duration_ms: z.number(),
  // how the end was decided, and how sure ("quiet_heuristic/medium"); absent when the shell reported it
  completion: z.string().optional().describe(`absent: ${DEFAULT_COMPLETION}`),
  // raw: of the output as the command printed it; result: of this whole JSON-RPC response
  tokens: z.strictObject({ raw: z.number(), result: z.number(), estimated: z.boolean().optional() }),
  analysis: CompactAnalysis.optional(),
  prompt: z.string().optional(),
  output: z.string().optional(),
  next: z.string().optional(),
});
export type RunResult = z.infer<typeof RunResult>;


function compactAnalysis(a: ExecResult["analysis"]): z.infer<typeof CompactAnalysis> | undefined {
  const errors = a.errors ?? [];
  const failed = a.tests_failed ?? [];
  if (a.tool === "generic" && errors.length === 0 && failed.length === 0 && !a.sandbox_denied) return undefined;
  const counts = Object.fromEntries(Object.entries(a.counts ?? {}).filter(([, n]) => n > 0));
  const out: z.infer<typeof CompactAnalysis> = {
    tool: a.tool,
    counts,
    errors_total: errors.length,
  };
  if (errors.length) {
    out.errors = errors.slice(0, ERROR_CAP).map((e) => errorRow(e, MSG_CHARS));
    out.errors_cap = ERROR_CAP;
  }
  if (failed.length) out.tests_failed = failed.slice(0, TESTS_CAP);
  if (a.sandbox_denied) out.sandbox_denied = a.sandbox_denied.path === null ? { message: a.sandbox_denied.message } : { path: a.sandbox_denied.path, message: a.sandbox_denied.message };
  return out;
}

/**
 * Whether some error's location is not in the text the caller sees (folded or clipped away), so
 * the text must say where the full list is. An error counts as shown when its file is named and,
 * on that line or one below it (a linter's file heading its findings), its line number stands as
 * a location (`:12`, `12:5`, `(12,`, `[12,`, `line 12`) beside its message.
 */
function errorsHidden(errors: ExecResult["analysis"]["errors"], text: string): boolean {
  if (errors.length === 0) return false;
  const lines = text.split("\n");
  return errors.some((e) => {
    const words = e.message.slice(0, 40);
    if (e.file === null || e.line === null) return !text.includes(words);
    const file = e.file;
    const at = new RegExp(`(?:^|[:([\\s])${e.line}(?:[:,)]|\\s|$)`);
    const first = lines.findIndex((l) => l.includes(file));
    if (first < 0) return true;
    return !lines.some((l, i) => i >= first && at.test(l) && (l.includes(file) || l.includes(words) || l.includes(e.code ?? "\u0000")));
  });
}

const seconds = (ms: number) => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

/**
 * Shapes the server's exec/wait answer: `running` whenever the command has not ended (whatever
 * bounded the call), one header line, the output clipped to a page, and `next` saying what to call.
 */
export function presentRun(r: WaitResult, o: { includeOutput?: boolean; patternWait?: boolean; defaultSession?: string }): { data: RunResult; text: string } {
  // one word for "not over yet", whatever bounded the call
  const status: RunResult["status"] = r.status === "timeout" ? "running" : r.status;
  const id = r.command_id;
  // blank lines around the output say nothing under the header
  const out = clip((r.output ?? "").replace(/^(?:[ \t]*\n)+/, "").trimEnd(), MAX_TEXT_CHARS, `read_output {command_id: ${id}, lines: "1-200"} reads it by lines`);
  let next: string | undefined;
  if (status === "running" && id !== null) next = `wait {session: "${r.session}", command_id: ${id}} picks up the result`;
  else if (status === "running") next = o.patternWait ? "the pattern did not appear in time: wait again, or read_output to see what came" : "still running: wait again";
  else if (status === "waiting_for_input") next = `answer with send_input (send_secret for a password), then wait {command_id: ${id}}`;
  else if (errorsHidden(r.analysis?.errors ?? [], out.text)) next = `analyze_output {command_id: ${id}} lists all ${r.analysis.errors.length} errors`;
  const data: RunResult = {
    ...(r.session === o.defaultSession ? {} : { session: r.session }),
    command_id: id,
    status,
    exit_code: r.exit_code,
    duration_ms: r.duration_ms,
    tokens: { raw: r.tokens.raw, result: 0, ...(r.tokens.estimated ? { estimated: true } : {}) },
  };
  const completion = `${r.completion.method}/${r.completion.confidence}`;
  if (completion !== DEFAULT_COMPLETION) data.completion = completion;
  const analysis = compactAnalysis(r.analysis);
  if (analysis) data.analysis = analysis;
  if (r.prompt !== undefined) data.prompt = r.prompt;
  if (o.includeOutput) data.output = r.output;
  if (next && status !== "ok" && status !== "failed") data.next = next; // for errors, errors_total vs errors_cap says it
  // the exit code says ok or failed; the word is news only when it does not (a failure that exits 0)
  const ended = status === "ok" || status === "failed";
  const usual = (status === "ok" && r.exit_code === 0) || (status === "failed" && r.exit_code !== 0 && r.exit_code !== null);
  const head = [
    ended ? `exit ${r.exit_code ?? "?"}` : null,
    usual ? null : status,
    // how long a command ran is news from a second on (structuredContent has duration_ms always)
    status === "running" ? `${seconds(r.duration_ms)} so far` : r.duration_ms >= 1000 ? seconds(r.duration_ms) : null,
    // how the end was detected is news only when it was not the shell's own report (structuredContent has it then)
    r.completion.method === "shell_integration" ? null : r.completion.method,
    id !== null ? `command_id ${id}` : null,
    r.prompt ? `prompt ${JSON.stringify(r.prompt.slice(-80))}` : null,
  ].filter(Boolean).join(" · ");
  const text = [next ? `${head} — ${next}` : head, out.text].filter(Boolean).join("\n");
  return { data, text };
}

/** The complete JSON-RPC response that carries a result, as the client receives it. */
export function envelope(env: ToolEnv, data: RunResult, text: string): string {
  return JSON.stringify({ jsonrpc: "2.0", id: env.requestId, result: { content: [{ type: "text", text }], structuredContent: data } });
}

/**
 * Error rows in structuredContent may cost this share of the text block's tokens: the text holds
 * the errors for the model already, the rows are for programs, and analyze_output has them all.
 */
export const ROWS_SHARE = 0.1;

/**
 * Sizes structuredContent and fills `tokens.result` with the tokens of the complete JSON-RPC
 * response (text block, structuredContent, envelope), counted by the server's tokenizer. The text
 * already shows the model every failing test and error; the lists for programs, failing tests
 * first, then error rows, go in while together they cost at most ROWS_SHARE of the text block
 * (none when one alone costs more). `errors_cap` says how many rows fit, `counts.failed` how many
 * tests failed; analyze_output has them all.
 */
export async function measureResult(env: ToolEnv, data: RunResult, text: string): Promise<void> {
  const a = data.analysis;
  let estimated = false;
  if (a && (a.errors?.length || a.tests_failed?.length)) {
    const tests = a.tests_failed ?? [];
    const rows = a.errors ?? [];
    const r = await env.backend.countTokens([text, ...tests.map((t) => JSON.stringify(t)), ...rows.map((row) => JSON.stringify(row))]);
    estimated ||= r.estimated === true;
    const [textTokens, ...itemTokens] = r.counts as [number, ...number[]];
    const budget = textTokens * ROWS_SHARE;
    let spent = 0;
    let k = 0;
    while (k < itemTokens.length && spent + itemTokens[k]! + 1 <= budget) spent += itemTokens[k++]! + 1;
    if (tests.length) {
      if (k === 0) delete a.tests_failed;
      else a.tests_failed = tests.slice(0, k);
    }
    const keptRows = Math.max(0, k - tests.length);
    if (keptRows > 0) {
      a.errors = rows.slice(0, keptRows);
      a.errors_cap = keptRows;
    } else {
      // no row fits: counts says how many there are, analyze_output lists them
      delete a.errors;
      delete a.errors_cap;
      delete a.errors_total;
    }
  }
  const first = await env.backend.countTokens([envelope(env, { ...data, tokens: { ...data.tokens, result: 0 } }, text)]);
  estimated ||= first.estimated === true;
  // the count's own digits: o200k_base takes up to three digits a token
  const n = first.counts[0]!;
  data.tokens.result = n - 1 + Math.ceil(String(n).length / 3);
  if (estimated) data.tokens.estimated = true;
}
