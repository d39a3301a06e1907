/**
 * The `compact` result an agent gets: the compacted text, its analysis, and the token counts of
 * what came in and what goes out (tiktoken, loaded lazily on the first count).
 * This is the JSON of `ai-session compact --json`, and the output/tokens/analysis fields of exec.
 */
import { countTokens, countTokensLarge, type Encoding, savedPercent } from "../context/tokens.ts";
import { type CompactOptions, compactOutput, type Fold } from "./compact.ts";
import { decodeBytes } from "./render.ts";
import type { Analysis } from "./types.ts";

export interface TokenReport {
  raw: number;
  compacted: number;
  saved_pct: number;
  /** Present (true) when the raw output was too large to tokenize whole and its count is extrapolated. */
  raw_estimated?: true;
}

export interface CompactReport {
  text: string;
  tokens: TokenReport;
  analysis: Analysis;
  folds: Fold[];
}

export function compactReport(raw: Uint8Array | string, options: CompactOptions & { encoding?: Encoding } = {}): CompactReport {
  const result = compactOutput(raw, options);
  const encoding = options.encoding ?? "o200k_base";
  const rawCount = countTokensLarge(decodeBytes(raw), encoding);
  const compacted = countTokens(result.text, encoding);
  return {
    text: result.text,
    tokens: {
      raw: rawCount.tokens,
      compacted,
      saved_pct: savedPercent(rawCount.tokens, compacted),
      ...(rawCount.estimated ? { raw_estimated: true as const } : {}),
    },
    analysis: result.analysis,
    folds: result.folds,
  };
}
