/**
 * Token counts of text pieces, remembered: a session's context is assembled again and again from
 * mostly the same lines, so each line is counted by tiktoken once and then looked up.
 */
import { countTokens, type Encoding } from "./tokens.ts";

const MAX_ENTRIES = 50_000;
const caches = new Map<Encoding, Map<string, number>>();

/** Tokens of `text` (tiktoken), cached by exact text. */
export function cachedTokens(text: string, encoding: Encoding = "o200k_base"): number {
  let cache = caches.get(encoding);
  if (!cache) {
    cache = new Map();
    caches.set(encoding, cache);
  }
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const n = countTokens(text, encoding);
  if (cache.size >= MAX_ENTRIES) {
    // Drop the oldest tenth: Map iterates in insertion order.
    let drop = MAX_ENTRIES / 10;
    for (const key of cache.keys()) {
      cache.delete(key);
      if (--drop <= 0) break;
    }
  }
  cache.set(text, n);
  return n;
}

/**
 * Tokens of lines joined with "\n", from the cached counts of each line. o200k_base and
 * cl100k_base never merge a newline with the text around it into one token, so this equals the
 * count of the joined text except where runs of blank lines merge (then it overcounts slightly,
 * which is the safe side for a budget).
 */
export function linesTokens(lines: readonly string[], encoding: Encoding = "o200k_base"): number {
  let total = 0;
  for (const line of lines) total += cachedTokens(line, encoding) + 1;
  return Math.max(0, total - 1);
}
