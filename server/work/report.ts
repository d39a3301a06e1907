/**
 * The `compact` result an agent gets: the compacted text, its analysis, and the token counts of
 * what came in and what goes out (tiktoken, loaded lazily on the first count).
 * This is the JSON of `ai-session compact --json` and of POST /api/compact; the work itself is
 * server/work's compact job, which the server runs on a worker thread for large inputs.
 */
import type { Encoding } from "../tokens/tokens.ts";
import { type CompactDone, compactJob } from "./jobs.ts";
import type { CompactMode, Fold } from "../output/compact.ts";
import type { Analysis } from "../output/types.ts";

export interface TokenReport {
  raw: number;
  compacted: number;
  saved_pct: number;
  /** Present (true) when the raw output was too large (or too long to count) and its count is extrapolated. */
  raw_estimated?: true;
  /** Present (true) when any count is an estimate (see ExecResult.tokens.estimated). */
  estimated?: true;
}

export interface CompactReport {
  text: string;
  tokens: TokenReport;
  analysis: Analysis;
  folds: Fold[];
}

export interface ReportOptions {
  mode?: CompactMode;
  exitCode?: number | null;
  command?: string;
  cols?: number;
  encoding?: Encoding;
}

/** The report shape of a finished compact job. */
export function reportOf(d: CompactDone): CompactReport {
  const t = d.tokens;
  return {
    text: d.text,
    tokens: {
      raw: t.raw,
      compacted: t.compacted,
      saved_pct: t.saved_pct,
      ...(t.raw_estimated ? { raw_estimated: true as const } : {}),
      ...(t.estimated ? { estimated: true as const } : {}),
    },
    analysis: d.analysis,
    folds: d.folds,
  };
}

/** Compacts and counts on the calling thread (the CLI, which needs no server). */
export function compactReport(raw: Uint8Array | string, options: ReportOptions = {}): CompactReport {
  return reportOf(compactJob({ raw, ...options, mode: options.mode ?? "compact", budgetMs: Infinity }));
}
