/**
 * Compaction: raw terminal output → what an agent needs, in few tokens, with nothing important
 * lost. Lossless stages always run (rendering, ANSI removal, progress collapse, exact repeats
 * folded with their count). In "compact" mode the lossy stages keep every error and warning line,
 * failing tests with their messages, summaries and the last lines verbatim, and fold the rest into
 * one-line markers that name the exact command to read the folded lines back.
 */
import { analyzeOutput } from "./analyze.ts";
import type { LineClass } from "./classify.ts";
import { keepMask } from "./keep.ts";
import { factorPaths } from "./paths.ts";
import { renderOutput } from "./render.ts";
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
const LONG_RUN = 40; // a run this long keeps its first and last lines as a sample
const SHORT_GAP = 6;
const SHORT_OUTPUT_LINES = 30;
const SHORT_OUTPUT_CHARS = 4000;
const LONG_LINE = 2000;
const LONG_LINE_HEAD = 600;
const LONG_LINE_TAIL = 300;
const MANY_GAPS = 8;

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

  // A short output is read whole: only the lossless stages apply.
  if (lines.length <= SHORT_OUTPUT_LINES && rendered.length <= SHORT_OUTPUT_CHARS) return finish(rendered, losslessOnly(lines), [], analysis);

  const { keep, classes } = keepMask(lines, analysis, options.exitCode);
  const { out, folds } = emitWithFolds(lines, classes, keep, hint);
  return finish(rendered, out.map(shortenRules), folds, analysis);
}

/**
 * Kept lines verbatim, the rest folded into markers. Many short stretches between kept lines
 * (snippets under error lines, the author, date and stats of each commit in a log) fold into one
 * marker for the whole region instead of a marker each, which would cost as much as the lines.
 */
function emitWithFolds(lines: string[], classes: LineClass[], keep: boolean[], hint: (a: number, b: number) => string): { out: string[]; folds: Fold[] } {
  const out: string[] = [];
  const folds: Fold[] = [];
  const n = lines.length;
  const gapAt: Array<[number, number]> = [];
  for (let i = 0; i < n; ) {
    if (keep[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < n && !keep[j]) j++;
    gapAt.push([i, j]);
    i = j;
  }
  const isShort = ([i, j]: [number, number]) => i > 0 && j < n && j - i <= SHORT_GAP && classes.slice(i, j).some((c) => c !== "blank");
  const aggregate = gapAt.filter(isShort).length >= MANY_GAPS;
  // The marker sits where the first folded stretch was; it is written once the region ends.
  let pending = null as { at: number; from: number; to: number; count: number; lines: number } | null;
  const flush = () => {
    if (!pending) return;
    const { at, from, to, count, lines: folded } = pending;
    if (count === 1) {
      const reason = describe(lines, classes, from - 1, to);
      folds.push({ from, to, reason });
      out[at] = `… ${folded} lines folded (${reason}) · ${hint(from, to)}`;
    } else {
      folds.push({ from, to, reason: `${folded} lines in ${count} short stretches` });
      out[at] = `… ${folded} lines in ${count} short stretches among the next lines folded · ${hint(from, to)}`;
    }
    pending = null;
  };
  let g = 0;
  for (let i = 0; i < n; ) {
    if (keep[i]) {
      i = emitKept(lines, i, keep, out, folds, hint);
      continue;
    }
    const gap = gapAt[g++]!;
    const [, j] = gap;
    if (isShort(gap) && (aggregate || classes[i - 1] === "header")) {
      if (pending) pending = { ...pending, to: j, count: pending.count + 1, lines: pending.lines + (j - i) };
      else {
        pending = { at: out.length, from: i + 1, to: j, count: 1, lines: j - i };
        out.push(""); // placeholder for the marker
      }
    } else {
      flush();
      emitRun(lines, classes, i, j, out, folds, hint);
    }
    i = j;
  }
  flush();
  return { out, folds };
}

const RULES = ["⎯⎯⎯⎯⎯⎯⎯⎯", "━━━━━━━━", "────────", "════════", "========", "________", "--------", "~~~~~~~~", "********", "########", "_ _ _ _ _ _", "- - - - - -"];

/** Does the line hold a decorative rule (a cheap test before the replacing regex)? */
function hasRule(line: string): boolean {
  for (const r of RULES) if (line.includes(r)) return true;
  return false;
}

/** Decorative rules (────, ====, ⎯⎯⎯⎯, _ _ _ _) carry no information past their first few characters. */
function shortenRules(line: string): string {
  if (line.length < 16 || !hasRule(line)) return line;
  return line.replace(/([⎯━─═=_~*#-])\1{7,}|(?:([_-]) ){6,}\2?/g, (run, ch: string | undefined, spaced: string | undefined) => (ch ?? spaced ?? "").repeat(3));
}

function finish(rendered: string, out: string[], folds: Fold[], analysis: Analysis): CompactResult {
  const text = out.join("\n");
  // Compaction that would not save anything worth a marker returns the rendered text unchanged.
  if (text.length >= rendered.length * 0.9 || rendered.length - text.length < 120) {
    return { text: rendered, analysis, folds: [] };
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
    out.push(lines[i]!);
    if (j - i > 2) out.push(`… previous line repeated ${j - i - 1} more times`);
    else if (j - i === 2) out.push(lines[i]!);
    i = j;
  }
  return out;
}

/** Emits a kept line, folding exact repeats of it losslessly; returns the next index. */
function emitKept(lines: string[], i: number, keep: boolean[], out: string[], folds: Fold[], hint: (a: number, b: number) => string): number {
  let j = i + 1;
  while (j < lines.length && keep[j] && lines[j] === lines[i]) j++;
  let line = lines[i]!;
  if (line.trim() === "" && out.length > 0 && out[out.length - 1]!.trim() === "") return j;
  line = clipLong(line, i, folds, hint);
  out.push(line);
  if (j - i > 2) out.push(`… previous line repeated ${j - i - 1} more times`);
  else if (j - i === 2) out.push(line);
  return j;
}


/** A giant line (minified code, a base64 blob) keeps its start and end around a marker. */
function clipLong(line: string, i: number, folds: Fold[], hint: (a: number, b: number) => string): string {
  if (line.length <= LONG_LINE) return line;
  const cut = line.length - LONG_LINE_HEAD - LONG_LINE_TAIL;
  folds.push({ from: i + 1, to: i + 1, reason: `${cut} characters of one long line` });
  return `${line.slice(0, LONG_LINE_HEAD)} … ${cut} characters folded (${hint(i + 1, i + 1)}) … ${line.slice(-LONG_LINE_TAIL)}`;
}

/** Folds lines [i, j) into a marker, or emits them when a marker would cost as much. */
function emitRun(lines: string[], classes: LineClass[], i: number, j: number, out: string[], folds: Fold[], hint: (a: number, b: number) => string): void {
  let chars = 0;
  let nonBlank = 0;
  for (let k = i; k < j; k++) {
    chars += lines[k]!.length + 1;
    if (classes[k] !== "blank") nonBlank++;
  }
  if (nonBlank === 0) {
    if (out.length > 0 && out[out.length - 1]!.trim() !== "") out.push("");
    return;
  }
  if (j - i < MIN_FOLD_LINES && chars < 160) {
    for (let k = i; k < j; k++) out.push(lines[k]!);
    return;
  }
  let from = i;
  let to = j;
  if (j - i >= LONG_RUN) {
    out.push(clipLong(lines[i]!, i, folds, hint), clipLong(lines[i + 1]!, i + 1, folds, hint));
    from = i + 2;
    to = j - 1;
  }
  const reason = describe(lines, classes, from, to);
  folds.push({ from: from + 1, to, reason });
  out.push(`… ${to - from} lines folded (${reason}) · ${hint(from + 1, to)}`);
  if (to < j) out.push(clipLong(lines[j - 1]!, j - 1, folds, hint));
}

const PASSING = /✓|✔|√|PASS|\.\.\. ok|PASSED|=== RUN/;

function describe(lines: string[], classes: LineClass[], from: number, to: number): string {
  let tests = 0;
  let frames = 0;
  let progress = 0;
  for (let k = from; k < to; k++) {
    const cls = classes[k];
    if (cls === "frame") frames++;
    else if (cls === "chatter") {
      if (PASSING.test(lines[k]!)) tests++;
      else progress++;
    }
  }
  const parts: string[] = [];
  if (tests) parts.push(`${tests} passing-test lines`);
  if (progress) parts.push(`${progress} progress lines`);
  if (frames) parts.push(`${frames} dependency stack frames`);
  const other = to - from - tests - progress - frames;
  if (other > 0) parts.push(parts.length ? `${other} other` : "output");
  return parts.join(", ");
}
