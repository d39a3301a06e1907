/**
 * The heavy work of the server, as plain functions of plain data: compaction with its token
 * counts, token counts alone, analysis of raw text, and the encoding of an output for storage
 * (redaction, gzip, encryption). They run in a worker thread (pool.ts) for large inputs, so the
 * event loop that answers `status` and every other session never waits for them, and inline for
 * small ones, where a thread hop would cost more than the work.
 */
import { countTokensDetailed, type Encoding, savedPercent, type TokenCount, warmTokenizer } from "../tokens/tokens.ts";
import { analyzeOutput } from "../output/analyze.ts";
import { isFileText } from "../output/shape/content.ts";
import { compactOutput, type CompactMode, type Fold } from "../output/compact.ts";
import { decodeBytes, renderOutput } from "../output/render.ts";
import type { Analysis } from "../output/types.ts";
import { encodeOutput } from "../output/codec.ts";
import { platform, type SqliteDatabase } from "../platform/index.ts";

export interface CompactJob {
  raw: Uint8Array | string;
  /** "raw" returns the decoded bytes as the text (token counts of both are then the same). */
  mode: CompactMode | "raw";
  command?: string;
  exitCode?: number | null;
  cols?: number;
  encoding?: Encoding;
  /** Fold markers name the way to read their lines back: a template with {session} {id} {from} {to}. */
  expandHint?: { template: string; session: string; commandId: number };
  /** Count tokens too (default true); without, `tokens` is all zero. */
  count?: boolean;
  /** Raw outputs longer than this are counted from their head and tail (default 8 Mi characters). */
  exactRawChars?: number;
  /** Milliseconds of token counting past which counts are extrapolated (default 5,000). */
  budgetMs?: number;
}

export interface CompactDone {
  text: string;
  analysis: Analysis;
  folds: Fold[];
  /** `estimated`: any count is an estimate; `raw_estimated`: the raw one is. */
  tokens: { raw: number; compacted: number; saved_pct: number; estimated: boolean; raw_estimated: boolean };
}

const DEFAULT_BUDGET_MS = 5000;

/** How a CLI user reads lines a fold marker hid; adapters pass their own template (MCP names its tool). */
export const CLI_EXPAND_HINT = "ai-session read {session} --command {id} --lines {from}-{to}";

/** The fold marker's pointer to lines FROM-TO of command ID, from a template with {session} {id} {from} {to}. */
export function expandHintFor(session: string, id: number, template = CLI_EXPAND_HINT): (from: number, to: number) => string {
  const base = template.replaceAll("{session}", session).replaceAll("{id}", String(id));
  return (from, to) => base.replaceAll("{from}", String(from)).replaceAll("{to}", String(to));
}

/**
 * Results for small outputs, remembered: agents run the same commands over and over (`true`,
 * `git status` with nothing to say, a test that prints one line), and a result that holds no fold
 * marker depends only on the bytes, the command, its exit code and the options.
 */
const MEMO_BELOW = 2048;
const MEMO_ENTRIES = 512;
/** As JSON text: a hit is parsed into a fresh copy (14 times cheaper than structuredClone, ~1.4 µs). */
const memo = new Map<string, string>();

function memoKey(job: CompactJob): string | undefined {
  if (job.raw.length > MEMO_BELOW) return undefined;
  const raw = typeof job.raw === "string" ? `s${job.raw}` : `b${decodeBytes(job.raw)}`;
  return JSON.stringify([job.mode, job.command ?? null, job.exitCode ?? null, job.cols ?? null, job.encoding ?? null, job.exactRawChars ?? null, job.count ?? true, raw]);
}

export function compactJob(job: CompactJob): CompactDone {
  const key = memoKey(job);
  const known = key === undefined ? undefined : memo.get(key);
  if (known !== undefined) return JSON.parse(known) as CompactDone;
  const done = compactFresh(job);
  if (key !== undefined && done.folds.length === 0 && !done.tokens.estimated) {
    if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
    memo.set(key, JSON.stringify(done));
  }
  return done;
}

function compactFresh(job: CompactJob): CompactDone {
  const started = performance.now();
  const budget = job.budgetMs ?? DEFAULT_BUDGET_MS;
  const eh = job.expandHint;
  const result = compactOutput(job.raw, {
    mode: job.mode === "raw" ? "lossless" : job.mode,
    exitCode: job.exitCode,
    command: job.command,
    cols: job.cols,
    ...(eh ? { expandHint: expandHintFor(eh.session, eh.commandId, eh.template) } : {}),
  });
  const encoding = job.encoding ?? "o200k_base";
  const rawText = decodeBytes(job.raw);
  if (job.count === false) {
    const text = job.mode === "raw" ? rawText : result.text;
    return { text, analysis: result.analysis, folds: result.folds, tokens: { raw: 0, compacted: 0, saved_pct: 0, estimated: false, raw_estimated: false } };
  }
  const left = () => Math.max(0, budget - (performance.now() - started));
  const raw = countTokensDetailed(rawText, encoding, { exactLimit: job.exactRawChars ?? 8 << 20, budgetMs: left() });
  const text = job.mode === "raw" ? rawText : result.text;
  const out = job.mode === "raw" ? raw : countTokensDetailed(text, encoding, { budgetMs: Math.max(left(), 50) });
  // (the compacted text is small; it gets 50 ms even when the raw count took the whole budget)
  return {
    text,
    analysis: result.analysis,
    folds: result.folds,
    tokens: {
      raw: raw.tokens,
      compacted: out.tokens,
      saved_pct: savedPercent(raw.tokens, out.tokens),
      estimated: raw.estimated || out.estimated,
      raw_estimated: raw.estimated,
    },
  };
}

export interface CountJob {
  texts: string[];
  encoding?: Encoding;
  /** Texts longer than this are counted from their head and tail (default: no limit). */
  exactLimit?: number;
  /** Milliseconds for all the texts, past which counts are extrapolated (default 5,000; each text gets at least 50). */
  budgetMs?: number;
}

export function countJob(job: CountJob): TokenCount[] {
  const started = performance.now();
  const budget = job.budgetMs ?? DEFAULT_BUDGET_MS;
  const encoding = job.encoding ?? "o200k_base";
  return job.texts.map((text) =>
    countTokensDetailed(text, encoding, { exactLimit: job.exactLimit, budgetMs: Math.max(50, budget - (performance.now() - started)) }),
  );
}

/** Loads the tokenizer where the job runs (150 ms to over a second), so later counts there wait for nothing. */
export function warmJob(job: { encoding?: Encoding }): true {
  warmTokenizer(job.encoding);
  return true;
}

export interface AnalyzeJob {
  text: string;
  command?: string;
  exitCode?: number | null;
  cols?: number;
}

export function analyzeJob(job: AnalyzeJob): Analysis {
  return analyzeOutput(renderOutput(job.text, { cols: job.cols }), { command: job.command, exitCode: job.exitCode, fileText: isFileText(job.command, job.text) });
}

/** A session's output as the screen shows it (`read` without --lines: megabytes after a flood). */
export function renderJob(job: { raw: Uint8Array | string; cols?: number }): string {
  return renderOutput(job.raw, { cols: job.cols });
}

/** The bytes stored for a command's output (see output/codec.ts). */
export function encodeJob(job: { raw: Uint8Array }): Uint8Array {
  return encodeOutput(job.raw);
}

/** The worker's own connection to each database it checkpoints (opened once, kept). */
const checkpointDbs = new Map<string, SqliteDatabase>();

/**
 * A PASSIVE checkpoint of a WAL database over this thread's connection (see checkpoint.ts): copies
 * what no reader still needs into the database file, waiting for no reader or writer.
 */
export function checkpointJob(job: { path: string }): { log: number; checkpointed: number } {
  let db = checkpointDbs.get(job.path);
  if (!db) {
    db = platform.openSqlite(job.path);
    db.exec("PRAGMA busy_timeout = 1000");
    checkpointDbs.set(job.path, db);
  }
  const r = db.query<{ log: number; checkpointed: number }, []>("PRAGMA wal_checkpoint(PASSIVE)").get();
  return { log: r?.log ?? 0, checkpointed: r?.checkpointed ?? 0 };
}

/** Every job by name, with its input and output types: what the worker and the pool agree on. */
export const jobs = {
  compact: compactJob,
  count: countJob,
  warm: warmJob,
  analyze: analyzeJob,
  render: renderJob,
  encode: encodeJob,
  checkpoint: checkpointJob,
};

export type JobName = keyof typeof jobs;
export type JobInput<K extends JobName> = Parameters<(typeof jobs)[K]>[0];
export type JobOutput<K extends JobName> = ReturnType<(typeof jobs)[K]>;
