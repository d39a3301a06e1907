/**
 * Cuts text into pieces that the tokenizer can encode one by one, in time linear in the length.
 *
 * tiktoken first splits text with a regular expression into words (letter runs, digit groups,
 * punctuation runs, whitespace runs), then merges each word byte pair by byte pair, in time that
 * grows with the square of the word: 100,000 'a' took 5.7 s, 400,000 over 100 s. So pieces are cut
 * only where the expression of o200k_base and cl100k_base always ends a word, which leaves every
 * count exact:
 * - after a letter, before anything but a letter, a combining mark or an apostrophe;
 * - after a digit, before anything but a digit;
 * - after a line break, before a letter, a digit or punctuation other than "/";
 * - after anything but whitespace, before a space or a tab.
 * Where no such place comes within RUN_LIMIT characters (one letter repeated, a line of "=", a run
 * of spaces) the text is cut there anyway: a digit run at a multiple of three from its start (digits
 * go in threes, so that is exact too), anything else wherever it reached the limit, and that piece's
 * count is marked inexact (off by at most a token or two per cut).
 */

/** A piece of text: [start, end), and whether its start was cut where a word may continue. */
export interface Piece {
  start: number;
  end: number;
  forced: boolean;
}

/** Longest stretch without a safe cut; the tokenizer stays fast on words this long (256: ~6 MB/s). */
export const RUN_LIMIT = 256;
/** Pieces handed to the tokenizer at once (fewer calls into WASM, and a time check between them). */
export const PIECE_CHARS = 16 * 1024;

const OTHER = 0;
const LETTER = 1;
const MARK = 2;
const DIGIT = 3;
const SPACE = 4; // horizontal: space and tab (the only whitespace a cut may precede)
const BREAK = 5; // \n, \r
const WHITE = 6; // any other whitespace
const SURROGATE = 7; // half of an astral character: never cut next to it
const PUNCT = 8; // printable ASCII that is neither letter, digit nor space

let classes: Uint8Array | undefined;

/** The class of every UTF-16 unit, built once (a regex test per code unit of the BMP). */
function classTable(): Uint8Array {
  if (classes) return classes;
  const t = new Uint8Array(65536);
  for (let c = 0; c < 65536; c++) {
    if (c >= 0xd800 && c <= 0xdfff) t[c] = SURROGATE;
    else if (c === 0x0a || c === 0x0d) t[c] = BREAK;
    else if (c === 0x20 || c === 0x09) t[c] = SPACE;
    else {
      const ch = String.fromCharCode(c);
      if (/\p{L}/u.test(ch)) t[c] = LETTER;
      else if (/\p{M}/u.test(ch)) t[c] = MARK;
      else if (/\p{N}/u.test(ch)) t[c] = DIGIT;
      else if (/\s/u.test(ch) || c === 0x85) t[c] = WHITE;
      else if (c > 0x20 && c < 0x7f) t[c] = PUNCT;
      else t[c] = OTHER;
    }
  }
  classes = t;
  return t;
}

/** True when the tokenizer always ends a word between classes `a` and `b` (`bCode` the unit of b). */
function safeBetween(a: number, b: number, bCode: number): boolean {
  if (a === SURROGATE || b === SURROGATE) return false;
  if (a === LETTER) return b !== LETTER && b !== MARK && bCode !== 0x27;
  if (a === DIGIT) return b !== DIGIT;
  if (a === BREAK) return b === LETTER || b === DIGIT || (b === PUNCT && bCode !== 0x2f);
  return b === SPACE && a !== SPACE && a !== BREAK && a !== WHITE;
}

/** Calls `each` for consecutive pieces covering text[from, to), none over PIECE_CHARS. */
export function forEachPiece(text: string, from: number, to: number, each: (p: Piece) => boolean | void): void {
  const cls = classTable();
  let pieceStart = from;
  let forced = false;
  let lastSafe = -1; // the newest safe cut inside the current piece
  let stretch = from; // start of the stretch since the last cut
  let digitsFrom = -1; // start of the current run of digits
  let prev = from < to ? cls[text.charCodeAt(from)]! : OTHER;
  if (prev === DIGIT) digitsFrom = from;
  for (let i = from + 1; i < to; i++) {
    const code = text.charCodeAt(i);
    const cur = cls[code]!;
    if (cur === DIGIT && prev !== DIGIT) digitsFrom = i;
    let cut: "safe" | "forced" | null = safeBetween(prev, cur, code) ? "safe" : null;
    if (!cut && i - stretch >= RUN_LIMIT) {
      cut = cur === DIGIT && prev === DIGIT && (i - digitsFrom) % 3 === 0 ? "safe" : i - stretch >= RUN_LIMIT + 2 ? "forced" : null;
    }
    prev = cur;
    if (!cut) continue;
    stretch = i;
    if (cut === "forced") {
      // a word may continue across this cut: it ends a piece at once, so the word is never whole
      if (each({ start: pieceStart, end: i, forced }) === false) return;
      pieceStart = i;
      forced = true;
      lastSafe = -1;
      continue;
    }
    lastSafe = i;
    if (i - pieceStart >= PIECE_CHARS) {
      if (each({ start: pieceStart, end: lastSafe, forced }) === false) return;
      pieceStart = lastSafe;
      forced = false;
      lastSafe = -1;
    }
  }
  if (pieceStart < to) each({ start: pieceStart, end: to, forced });
}
