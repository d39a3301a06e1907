import { AppError } from "../errors.ts";

/**
 * How deep JSON from a caller may nest. Parsing a deeper document works, but storing or answering
 * it does not (JSON.stringify and structuredClone overflow the stack near 10,000 levels), so a
 * document nested 100,000 deep once came back as a 500 "Maximum call stack size exceeded". It is
 * checked on the text, before parsing, in one pass.
 */
export const MAX_JSON_DEPTH = 128;

/** The deepest nesting of arrays and objects in JSON text (strings are skipped). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** Throws `invalid` when JSON text nests deeper than MAX_JSON_DEPTH; `what` names it in the sentence. */
export function assertJsonDepth(text: string, what = "the request body"): void {
  if (text.length <= MAX_JSON_DEPTH * 2) return; // too short to nest that deep
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    throw new AppError("invalid", `${what} nests ${depth} levels deep; the limit is ${MAX_JSON_DEPTH} (send flatter JSON)`);
  }
}
