/**
 * Token counting with the real tokenizer (tiktoken, WASM). Never characters divided by four.
 *
 * The WASM module and the encoder ranks are embedded as files (so they travel inside the compiled
 * binary) and loaded lazily, once per process and once per encoding, on the first count: commands
 * that never count pay nothing at start-up.
 */
import { readFileSync } from "node:fs";
import wasmFile from "../../node_modules/tiktoken/lite/tiktoken_bg.wasm" with { type: "file" };
import o200kFile from "../../node_modules/tiktoken/encoders/o200k_base.json" with { type: "file" };
import cl100kFile from "../../node_modules/tiktoken/encoders/cl100k_base.json" with { type: "file" };
import { AppError } from "../errors.ts";

export type Encoding = "o200k_base" | "cl100k_base";
export const ENCODINGS: readonly Encoding[] = ["o200k_base", "cl100k_base"];

interface TiktokenLike {
  encode_ordinary(text: string): Uint32Array;
}
interface Bindings {
  Tiktoken: new (ranks: string, special: Record<string, number>, pattern: string) => TiktokenLike;
  __wbg_set_wasm(exports: WebAssembly.Exports): void;
}

// With { type: "file" } each import is the path of the embedded file (TypeScript sees the module's type).
const wasmPath = wasmFile as unknown as string;
const rankFiles: Record<Encoding, string> = { o200k_base: o200kFile as unknown as string, cl100k_base: cl100kFile as unknown as string };
const encoders = new Map<Encoding, TiktokenLike>();
let bindings: Bindings | undefined;

function loadBindings(): Bindings {
  if (bindings) return bindings;
  const glue = require("tiktoken/lite/init") as Bindings;
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

/** Checks an encoding name from a user and returns it typed, or throws `invalid`. */
export function parseEncoding(name: string | undefined): Encoding {
  if (name === undefined || name === "") return "o200k_base";
  if ((ENCODINGS as readonly string[]).includes(name)) return name as Encoding;
  throw new AppError("invalid", `unknown encoding "${name}" (use o200k_base or cl100k_base)`);
}

/** Number of tokens `text` costs a model using `encoding` (special tokens count as plain text). */
export function countTokens(text: string, encoding: Encoding = "o200k_base"): number {
  if (text.length === 0) return 0;
  const encoder = encoderFor(encoding);
  if (text.length <= CHUNK_CHARS) return encoder.encode_ordinary(text).length;
  // Large texts are encoded in pieces cut just after a newline (the tokenizer never joins a token
  // across "\n" followed by a non-space), so the count stays exact while the tokenizer's memory
  // stays small: one 150 MB encode took over 100 s, the same text in pieces about 2 s.
  let total = 0;
  let start = 0;
  while (start < text.length) {
    let end = Math.min(text.length, start + CHUNK_CHARS);
    if (end < text.length) {
      const nl = text.lastIndexOf("\n", end);
      if (nl > start) end = nl + 1;
    }
    total += encoder.encode_ordinary(text.slice(start, end)).length;
    start = end;
  }
  return total;
}

const CHUNK_CHARS = 1 << 20;

export interface LargeCount {
  tokens: number;
  /** True when part of the text was not tokenized and its tokens were extrapolated. */
  estimated: boolean;
}

const CHUNK = 1 << 20;

/** Splits at a line break followed by a non-blank character, where tokenizers never merge across. */
function chunkEnd(text: string, from: number): number {
  const target = from + CHUNK;
  if (target >= text.length) return text.length;
  for (let i = target; i < Math.min(text.length, target + 64 * 1024); i++) {
    if (text.charCodeAt(i) === 0x0a && i + 1 < text.length && !/\s/.test(text[i + 1]!)) return i + 1;
  }
  return target;
}

function countRange(text: string, from: number, to: number, encoding: Encoding): number {
  let total = 0;
  for (let i = from; i < to; ) {
    const end = Math.min(chunkEnd(text, i), to);
    total += countTokens(text.slice(i, end), encoding);
    i = end;
  }
  return total;
}

/**
 * Tokens of a possibly huge text without blocking for long or allocating a giant buffer: counted
 * in 1 MB pieces; past `exactLimit` characters only the first and last halves of the limit are
 * tokenized and the middle is extrapolated from their measured tokens per character, and the
 * result says it is an estimate.
 */
export function countTokensLarge(text: string, encoding: Encoding = "o200k_base", exactLimit = 8 * CHUNK): LargeCount {
  if (text.length <= exactLimit) return { tokens: countRange(text, 0, text.length, encoding), estimated: false };
  const half = Math.floor(exactLimit / 2);
  const headEnd = chunkEnd(text, half - CHUNK);
  const tailStart = text.length - half;
  const head = countRange(text, 0, headEnd, encoding);
  const tail = countRange(text, tailStart, text.length, encoding);
  const density = (head + tail) / (headEnd + (text.length - tailStart));
  return { tokens: head + tail + Math.round((tailStart - headEnd) * density), estimated: true };
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
