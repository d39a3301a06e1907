/**
 * Compaction: raw terminal output → what an agent needs, in few tokens, with nothing important
 * lost. Lossless stages always run (rendering, ANSI removal, progress collapse, exact repeats
 * folded with their count). In "compact" mode the lossy stages keep every error and warning line,
 * failing tests with their messages, summaries and the last lines verbatim, and fold the rest into
 * one-line markers that name the exact command to read the folded lines back.
 */
import { analyzeOutput } from "./analyze.ts";
import { classifyLine } from "./classify.ts";
import { isCommitLine, type KeepMask, keepMask } from "./keep.ts";
import { factorPaths } from "./paths.ts";
import { renderOutput } from "./render.ts";
import { idleProcessRows } from "./thin.ts";
import type { Analysis } from "./types.ts";

export type CompactMode = "compact" | "lossless";

export interface CompactOptions {
  mode?: CompactMode;
  exitCode?: number | null;
  command?: string;
  /** Terminal width and height the output was produced at (see renderOutput). */
  cols?: number;
  rows?: number;
  /** The command that shows lines `from`..`to` (1-based lines of the rendered text). */
  expandHint?: (fromLine: number, toLine: number) => string;
}

export interface Fold {
  /** 1-based, inclusive lines of the rendered text that this marker stands for. */
  from: number;
  to: number;
  reason: string;
}

export interface CompactResult {
  text: string;
  analysis: Analysis;
  folds: Fold[];
}

const MIN_FOLD_LINES = 3;
const SHORT_OUTPUT_LINES = 30;
const SHORT_OUTPUT_CHARS = 4000;
const LONG_LINE = 2000;
const LONG_LINE_HEAD = 600;
const LONG_LINE_TAIL = 300;
/** Folds with at most this many lines between them share one marker. */
const MERGE_KEPT = 10;
/** Small stretches fold together once they hold this many characters (a marker's worth, twice). */
const TINY_REGION_CHARS = 240;

export function compactOutput(raw: Uint8Array | string, options: CompactOptions = {}): CompactResult {
  const rendered = renderOutput(raw, { cols: options.cols, rows: options.rows });
  return compactRendered(rendered, options);
}

/** Compaction of text that is already rendered (what renderOutput returned). */
export function compactRendered(rendered: string, options: CompactOptions = {}): CompactResult {
  const analysis = analyzeOutput(rendered, { command: options.command, exitCode: options.exitCode });
  const lines = rendered === "" ? [] : rendered.split("\n");
  const hint = options.expandHint ?? ((a: number, b: number) => `lines ${a}-${b}`);
  if (options.mode === "lossless") {
    const factored = factorPaths(losslessOnly(lines));
    const legend = factored.legend.length ? [`[paths: ${factored.legend.join(" · ")}]`] : [];
    return finish(rendered, [...legend, ...factored.lines], [], analysis);
  }

  // A short output is read whole but for its noise: passing tests, progress and download
  // chatter, stack frames inside dependencies.
  const short = lines.length <= SHORT_OUTPUT_LINES && rendered.length <= SHORT_OUTPUT_CHARS;
  const mask = short ? noiseMask(lines) : keepMask(lines, analysis, options.exitCode);
  const { out, folds } = emitWithFolds(lines, mask, hint);
  return finish(rendered, out.map(shortenRules), folds, analysis);
}

/** Every line but the noise (see classify.ts) and the idle rows of a process table is kept. */
function noiseMask(lines: string[]): KeepMask {
  const classes = lines.map(classifyLine);
  const idle = idleProcessRows(lines);
  const keep = classes.map((c, i) => c !== "chatter" && c !== "frame" && !idle?.[i]);
  return { keep, classes, hidden: null, after: new Map(), snippet: null, idle };
}

/**
 * Kept lines verbatim, the rest folded into markers. Folds close to each other (the snippet under
 * each error, the author, date and stats of each commit in a log, the stack under each failure)
 * share one marker for their whole region instead of a marker each, which would cost as much as
 * the lines: it sits where the first of them was and names the range that holds them all.
 */
function emitWithFolds(lines: string[], mask: KeepMask, hint: (a: number, b: number) => string): { out: string[]; folds: Fold[] } {
  const { keep, classes, hidden, after } = mask;
  const out: string[] = [];
  const folds: Fold[] = [];
  const n = lines.length;
  const gaps: Gap[] = [];
  for (let i = 0; i < n; ) {
    if (keep[i]) {
      i++;
      continue;
    }
    let j = i;
    let chars = 0;
    let nonBlank = 0;
    for (; j < n && !keep[j]; j++) {
      chars += lines[j]!.length + 1;
      if (classes[j] !== "blank") nonBlank++;
    }
    const kind = nonBlank === 0 ? "blank" : j - i < MIN_FOLD_LINES && chars < 160 ? "tiny" : "fold";
    gaps.push({ from: i, to: j, kind, chars, last: -1 });
    i = j;
  }
  // Regions: each fold that opens one notes the index of the last fold it covers. Stretches too
  // small for a marker of their own (two lines of a code frame) join a region when together they
  // are worth one.
  const foldable = (x: Gap) => x.kind === "fold" || x.kind === "tiny";
  for (let g = 0; g < gaps.length; g++) {
    if (!foldable(gaps[g]!)) continue;
    let last = g;
    let chars = gaps[g]!.chars;
    let big = gaps[g]!.kind === "fold";
    for (let h = g + 1; h < gaps.length && gaps[h]!.from - gaps[last]!.to <= MERGE_KEPT; h++) {
      if (!foldable(gaps[h]!)) continue;
      last = h;
      chars += gaps[h]!.chars;
      big ||= gaps[h]!.kind === "fold";
    }
    if (!big && chars < TINY_REGION_CHARS) continue;
    for (let h = g; h <= last; h++) {
      if (gaps[h]!.kind === "tiny") gaps[h]!.kind = "fold";
      if (gaps[h]!.kind === "fold") gaps[h]!.last = -2; // told by the region's marker
    }
    gaps[g]!.last = last;
    g = last;
  }
  let g = 0;
  for (let i = 0; i < n; ) {
    if (keep[i]) {
      const j = hidden?.[i] ? i + 1 : emitKept(lines, i, keep, out, folds, hint);
      if (after.size) for (let k = i; k < j; k++) if (after.has(k)) out.push(after.get(k)!);
      i = j;
      continue;
    }
    const gap = gaps[g]!;
    if (gap.kind === "blank") {
      if (out.length > 0 && out[out.length - 1]!.trim() !== "") out.push("");
    } else if (gap.kind === "tiny") {
      for (let k = gap.from; k < gap.to; k++) out.push(lines[k]!);
    } else if (gap.last >= 0) {
      const region = gaps.slice(g, gap.last + 1).filter((x) => x.kind === "fold");
      const from = gap.from + 1;
      const to = gaps[gap.last]!.to;
      const folded = region.reduce((sum, x) => sum + x.to - x.from, 0);
      const reason = describe(lines, mask, region);
      folds.push({ from, to, reason: region.length > 1 ? `${folded} lines in ${region.length} stretches: ${reason}` : reason });
      out.push(marker(folded, reason, hint(from, to)));
    }
    g++;
    i = gap.to;
  }
  return { out, folds };
}

interface Gap {
  from: number;
  to: number;
  kind: "blank" | "tiny" | "fold";
  chars: number;
  /** For the fold that opens a region, the index of the region's last gap; -2 for the others in it. */
  last: number;
}

const RULES = ["⎯⎯⎯⎯⎯⎯⎯⎯", "━━━━━━━━", "────────", "════════", "========", "________", "--------", "~~~~~~~~", "********", "########", "_ _ _ _ _ _", "- - - - - -"];

/** Does the line hold a decorative rule (a cheap test before the replacing regex)? */
function hasRule(line: string): boolean {
  for (const r of RULES) if (line.includes(r)) return true;
  return false;
}

/** A box-drawing rule drawn after a line's text, out to the terminal's edge (biome's `file:1:2 rule ━━━━`). */
const TRAILING_BOX_RULE = /(\S)[ \t]+[━─═⎯]{3,}[ \t]*$/;

/**
 * Decorative rules (────, ====, ⎯⎯⎯⎯, _ _ _ _) carry no information past their first few characters;
 * a box-drawing rule that only trails a line's text carries none at all.
 */
function shortenRules(line: string): string {
  if (line.length < 16 || !hasRule(line)) return line;
  line = line.replace(TRAILING_BOX_RULE, "$1");
  return line.replace(/([⎯━─═=_~*#-])\1{7,}|(?:([_-]) ){6,}\2?/g, (run, ch: string | undefined, spaced: string | undefined) => (ch ?? spaced ?? "").repeat(3));
}

function finish(rendered: string, out: string[], folds: Fold[], analysis: Analysis): CompactResult {
  const text = out.join("\n");
  // Compaction that would not save anything worth a marker returns the rendered text with only
  // the lossless stage that needs no marker: exact repeats of a line folded with their count.
  if (text.length >= rendered.length * 0.9 || rendered.length - text.length < 120) {
    return { text: rendered.includes("\n") ? losslessOnly(rendered.split("\n")).join("\n") : rendered, analysis, folds: [] };
  }
  return { text, analysis, folds };
}

/** Only lossless stages: exact repeats of a line folded with their count. */
function losslessOnly(lines: string[]): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < lines.length) {
    let j = i + 1;
    while (j < lines.length && lines[j] === lines[i]) j++;
    pushRepeats(out, lines[i]!, j - i);
    i = j;
  }
  return out;
}

/** A line and its `count - 1` exact repeats: told by their count when that is shorter. */
function pushRepeats(out: string[], line: string, count: number): void {
  const told = `… previous line repeated ${count - 1} more times`;
  if (count > 2 && told.length < (count - 1) * (line.length + 1)) {
    out.push(line, told);
    return;
  }
  for (let k = 0; k < count; k++) out.push(line);
}

/** Emits a kept line, folding exact repeats of it losslessly; returns the next index. */
function emitKept(lines: string[], i: number, keep: boolean[], out: string[], folds: Fold[], hint: (a: number, b: number) => string): number {
  let j = i + 1;
  while (j < lines.length && keep[j] && lines[j] === lines[i]) j++;
  let line = lines[i]!;
  if (line.trim() === "" && out.length > 0 && out[out.length - 1]!.trim() === "") return j;
  line = clipLong(line, i, folds, hint);
  pushRepeats(out, line, j - i);
  return j;
}


/** A giant line (minified code, a base64 blob) keeps its start and end around a marker. */
function clipLong(line: string, i: number, folds: Fold[], hint: (a: number, b: number) => string): string {
  if (line.length <= LONG_LINE) return line;
  const cut = line.length - LONG_LINE_HEAD - LONG_LINE_TAIL;
  folds.push({ from: i + 1, to: i + 1, reason: `${cut} characters of one long line` });
  return `${line.slice(0, LONG_LINE_HEAD)} … ${cut} characters folded (${hint(i + 1, i + 1)}) … ${line.slice(-LONG_LINE_TAIL)}`;
}

/**
 * `… 19 lines folded · CMD`, `… 8 dependency stack frames folded · CMD`, `… 40 lines folded (…) · CMD`.
 * A marker for several stretches (kept lines between them) says only how many lines it folded: the
 * kept lines follow it, and its command's range covers them all (the fold's reason has the count).
 */
function marker(folded: number, reason: string, expand: string): string {
  if (reason === OUTPUT) return `… ${folded} lines folded · ${expand}`;
  const whole = new RegExp(`^${folded} [^,]+$`).test(reason);
  return whole ? `… ${reason} folded · ${expand}` : `… ${folded} lines folded (${reason}) · ${expand}`;
}

const PASSING = /✓|✔|√|PASS|\.\.\. ok|PASSED|=== RUN/;
const OUTPUT = "output";
function describe(lines: string[], { classes, snippet, similar, idle }: KeepMask, ranges: Array<{ from: number; to: number }>): string {
  let alike = 0;
  let quiet = 0;
  let tests = 0;
  let frames = 0;
  let progress = 0;
  let snippets = 0;
  let commits = 0;
  let total = 0;
  for (const { from, to } of ranges) {
    total += to - from;
    for (let k = from; k < to; k++) {
      const cls = classes[k];
      if (similar?.[k]) alike++;
      else if (idle?.[k]) quiet++;
      else if (cls === "frame") frames++;
      else if (cls === "chatter") {
        if (PASSING.test(lines[k]!)) tests++;
        else progress++;
      } else if (snippet?.[k]) snippets++;
      else if (isCommitLine(lines[k]!)) commits++;
    }
  }
  const parts: string[] = [];
  if (commits) parts.push(`${commits} more commits`);
  if (tests) parts.push(`${tests} passing-test lines`);
  if (progress) parts.push(`${progress} progress lines`);
  if (frames) parts.push(`${frames} dependency stack frames`);
  if (snippets) parts.push(`${snippets} code-frame lines`);
  if (alike) parts.push(`${alike} near-repeats of kept lines`);
  if (quiet) parts.push(`${quiet} idle processes (0.0 %CPU and %MEM)`);
  const other = total - tests - progress - frames - snippets - commits - alike - quiet;
  if (other > 0) parts.push(parts.length ? `${other} other` : OUTPUT);
  return parts.join(", ");
}
