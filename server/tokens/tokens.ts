/**
 * Token counting with the real tokenizer (tiktoken, WASM). Never characters divided by four.
 *
 * The WASM module and the encoder ranks are embedded as files (so they travel inside the compiled
 * binary) and loaded lazily, once per process and once per encoding, on the first count: commands
 * that never count pay nothing at start-up.
 */
import { readFileSync } from "node:fs";
import { AppError } from "../errors.ts";
import { forEachPiece, RUN_LIMIT } from "./pieces.ts";
import { platform } from "../platform/index.ts";

export const ENCODINGS = ["o200k_base", "cl100k_base"] as const;
export type Encoding = (typeof ENCODINGS)[number];

interface TiktokenLike {
  encode_ordinary(text: string): Uint32Array;
}
interface Bindings {
  Tiktoken: new (ranks: string, special: Record<string, number>, pattern: string) => TiktokenLike;
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
}

// Embedded in the compiled binary; from source, in node_modules (server/platform knows which).
const wasmPath = platform.files.tiktokenWasm;
const rankFiles: Record<Encoding, string> = { o200k_base: platform.files.o200kRanks, cl100k_base: platform.files.cl100kRanks };
const encoders = new Map<Encoding, TiktokenLike>();
let bindings: Bindings | undefined;

function loadBindings(): Bindings {
  if (bindings) return bindings;
  const glue = platform.tiktokenGlue() as Bindings;
  const module = new WebAssembly.Module(new Uint8Array(readFileSync(wasmPath)));
  const instance = new WebAssembly.Instance(module, { "./tiktoken_bg.js": glue as never });
  glue.__wbg_set_wasm(instance.exports);
  bindings = glue;
  return glue;
}

function encoderFor(encoding: Encoding): TiktokenLike {
  const cached = encoders.get(encoding);
  if (cached) return cached;
  const file = rankFiles[encoding];
  if (!file) {
    throw new AppError("invalid", `unknown encoding "${encoding}" (use o200k_base or cl100k_base)`);
  }
  const { Tiktoken } = loadBindings();
  const spec = JSON.parse(readFileSync(file, "utf8")) as {
    bpe_ranks: string;
    special_tokens: Record<string, number>;
    pat_str: string;
  };
  const encoder = new Tiktoken(spec.bpe_ranks, spec.special_tokens, spec.pat_str);
  encoders.set(encoding, encoder);
  return encoder;
}

/** Whether this thread has a tokenizer loaded (loading one blocks it for 150 ms to over a second). */
export function tokenizerLoaded(): boolean {
  return encoders.size > 0;
}

/** Checks an encoding name from a user and returns it typed, or throws `invalid`. */
export function parseEncoding(name: string | undefined): Encoding {
  if (name === undefined || name === "") return "o200k_base";
  if ((ENCODINGS as readonly string[]).includes(name)) return name as Encoding;
  throw new AppError("invalid", `unknown encoding "${name}" (use o200k_base or cl100k_base)`);
}

/** A count, and whether any of it was estimated rather than tokenized exactly. */
export interface TokenCount {
  tokens: number;
  /** True when part of the text was not tokenized exactly: its count is an estimate. */
  estimated: boolean;
}

export interface CountOptions {
  /**
   * Past this many characters only the first and last halves of it are tokenized and the middle is
   * extrapolated from their tokens per character (default: no limit).
   */
  exactLimit?: number;
  /** Past this many milliseconds of counting the rest is extrapolated (default: no limit). */
  budgetMs?: number;
}

function encodePiece(encoder: TiktokenLike, piece: string): number {
  try {
    return encoder.encode_ordinary(piece).length;
  } catch (err) {
    throw new AppError(
      "internal",
      `the tokenizer failed on a piece of ${piece.length} characters (${err instanceof Error ? err.name : "error"}); the text was not counted`,
    );
  }
}

/** The one character `text[start, end)` repeats, or undefined. */
function repeatedChar(text: string, start: number, end: number): string | undefined {
  const c = text.charCodeAt(start);
  for (let i = start + 1; i < end; i++) if (text.charCodeAt(i) !== c) return undefined;
  return text[start];
}

const runRates = new Map<string, number>();

/**
 * Tokens per character deep inside a long run of one character (one letter, "=", spaces): the
 * tokens that RUN_LIMIT more characters add to such a run, measured once per character.
 */
function runRate(encoder: TiktokenLike, encoding: Encoding, ch: string): number {
  const key = `${encoding}:${ch}`;
  let rate = runRates.get(key);
  if (rate === undefined) {
    const one = encodePiece(encoder, ch.repeat(RUN_LIMIT * 2));
    const two = encodePiece(encoder, ch.repeat(RUN_LIMIT * 4));
    rate = (two - one) / (RUN_LIMIT * 2);
    runRates.set(key, rate);
  }
  return rate;
}

/** Tokens of text[from, to) in bounded pieces, stopping early (and saying how far it got) past `deadline`. */
function countRange(encoder: TiktokenLike, encoding: Encoding, text: string, from: number, to: number, deadline: number): { tokens: number; upTo: number; inexact: boolean } {
  let tokens = 0;
  let inRuns = 0; // tokens of cut-up runs of one character, from their rate (fractional)
  let upTo = from;
  let inexact = false;
  forEachPiece(text, from, to, (p) => {
    const ch = p.forced ? repeatedChar(text, p.start, p.end) : undefined;
    if (ch !== undefined) inRuns += (p.end - p.start) * runRate(encoder, encoding, ch);
    else tokens += encodePiece(encoder, text.slice(p.start, p.end));
    upTo = p.end;
    if (p.forced) inexact = true;
    return performance.now() < deadline;
  });
  return { tokens: tokens + Math.round(inRuns), upTo, inexact };
}

/**
 * Tokens of `text` in time linear in its length, whatever the text (see token-pieces.ts): exact,
 * except across cuts inside words of over 256 characters and past the limits given, which are
 * estimated and said to be.
 */
export function countTokensDetailed(text: string, encoding: Encoding = "o200k_base", opts: CountOptions = {}): TokenCount {
  if (text.length === 0) return { tokens: 0, estimated: false };
  const encoder = encoderFor(encoding);
  const deadline = opts.budgetMs === undefined ? Infinity : performance.now() + opts.budgetMs;
  const limit = opts.exactLimit ?? Infinity;
  if (text.length <= limit) {
    const r = countRange(encoder, encoding, text, 0, text.length, deadline);
    if (r.upTo >= text.length) return { tokens: r.tokens, estimated: r.inexact };
    return { tokens: r.tokens + Math.round((text.length - r.upTo) * (r.tokens / Math.max(1, r.upTo))), estimated: true };
  }
  // Head and tail, each with half the budget left, and the middle from their density.
  const half = Math.floor(limit / 2);
  const head = countRange(encoder, encoding, text, 0, half, deadline === Infinity ? Infinity : performance.now() + (deadline - performance.now()) / 2);
  const tailStart = text.length - half;
  const tail = countRange(encoder, encoding, text, tailStart, text.length, deadline);
  const counted = head.upTo + (tail.upTo - tailStart);
  const density = (head.tokens + tail.tokens) / Math.max(1, counted);
  return { tokens: head.tokens + tail.tokens + Math.round((text.length - counted) * density), estimated: true };
}

/** Number of tokens `text` costs a model using `encoding` (special tokens count as plain text). */
export function countTokens(text: string, encoding: Encoding = "o200k_base"): number {
  return countTokensDetailed(text, encoding).tokens;
}

export interface LargeCount {
  tokens: number;
  /** True when part of the text was not tokenized and its tokens were extrapolated. */
  estimated: boolean;
}

/**
 * Tokens of a possibly huge text without blocking for long: past `exactLimit` characters (8 MB by
 * default) only the first and last halves of the limit are tokenized and the middle is
 * extrapolated from their measured tokens per character, and the result says it is an estimate.
 */
export function countTokensLarge(text: string, encoding: Encoding = "o200k_base", exactLimit = 8 << 20, budgetMs?: number): LargeCount {
  return countTokensDetailed(text, encoding, { exactLimit, budgetMs });
}

/** Loads the tokenizer now (about 150-250 ms) so the first command's count does not pay for it. */
export function warmTokenizer(encoding: Encoding = "o200k_base"): void {
  encoderFor(encoding);
}

/** Percentage of tokens saved going from `raw` to `compacted` tokens, one decimal, never negative. */
export function savedPercent(raw: number, compacted: number): number {
  if (raw <= 0) return 0;
  return Math.max(0, Math.round(((raw - compacted) / raw) * 1000) / 10);
}
