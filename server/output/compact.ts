/**
 * Compaction: raw terminal output → what an agent needs, in few tokens, with nothing important
 * lost. Lossless stages always run (rendering, ANSI removal, progress collapse, exact repeats
 * folded with their count). In "compact" mode each line's role is read from its shape (roles.ts),
 * tool recognisers refine it, the facts and what explains them are kept verbatim (select.ts), and
 * the rest folds into one-line markers that name the exact command to read the folded lines back.
 */
import { ANALYSIS_WINDOW, analyzeWith, isQuietData, isQuietRun } from "./analyze.ts";
import { type EmitPlan, emitWithFolds, type ExpandHint, type Fold, pushRepeats } from "./emit.ts";
import type { RuleSelection } from "./parsers/index.ts";
import { factorPaths } from "./paths.ts";
import { renderOutput } from "./render.ts";
import { type LineInfo, lineRoles } from "./roles.ts";
import { annotatesFile, isFileText, measures, printsAnswer, printsText } from "./shape/content.ts";
import { expandInfo, foldRuns } from "./runs.ts";
import { selectLines, selectShort } from "./select.ts";
import type { Analysis } from "./types.ts";

export type CompactMode = "compact" | "lossless";
export type { Fold };

export interface CompactOptions {
  mode?: CompactMode;
  exitCode?: number | null;
  command?: string;
  /** The directory the command ran in: stack frames under it are the project's own. */
  cwd?: string;
  /** Terminal width and height the output was produced at (see renderOutput). */
  cols?: number;
  rows?: number;
  /** The command that shows lines `from`..`to` (1-based lines of the rendered text). */
  expandHint?: ExpandHint;
  /** Which tool rules apply (default all; `generic` for shapes alone). */
  rules?: RuleSelection;
  /** The text is a file's, printed as it is, and stays whole (content.ts; default: what the command says). */
  fileText?: boolean;
}

export interface CompactResult {
  text: string;
  analysis: Analysis;
  folds: Fold[];
}

const SHORT_OUTPUT_LINES = 30;
const SHORT_OUTPUT_CHARS = 4000;

export function compactOutput(raw: Uint8Array | string, options: CompactOptions = {}): CompactResult {
  const rendered = renderOutput(raw, { cols: options.cols, rows: options.rows });
  return compactRendered(rendered, { ...options, fileText: options.fileText ?? isFileText(options.command, raw) });
}

/** Compaction of text that is already rendered (what renderOutput returned). */
export function compactRendered(rendered: string, options: CompactOptions = {}): CompactResult {
  const lines = rendered === "" ? [] : rendered.split("\n");
  if (options.mode === "lossless") {
    const { analysis } = analyzeWith(rendered, { command: options.command, exitCode: options.exitCode, rules: options.rules });
    const factored = factorPaths(losslessOnly(lines));
    const legend = factored.legend.length ? [`[paths: ${factored.legend.join(" · ")}]`] : [];
    return finish(rendered, [...legend, ...factored.lines], [], analysis);
  }
  const short = lines.length <= SHORT_OUTPUT_LINES && rendered.length <= SHORT_OUTPUT_CHARS;
  // A flood of one line (`yes`, a spinner, a repeated warning) is read once per run, not once per line (runs.ts).
  const text = options.fileText ?? printsText(options.command);
  const fits = lines.length <= ANSWER_WHOLE_LINES && rendered.length <= ANSWER_WHOLE_CHARS;
  const runs = short ? null : foldRuns(lines);
  const read = runs?.lines ?? lines;
  const info = lineRoles(read, options.cwd, !short, lines);
  if (runs) info.weight = runs.weight;
  const { analysis, parser } = analyzeWith(rendered, { command: options.command, exitCode: options.exitCode, rules: options.rules, fileText: text, info: !runs ? info : rendered.length <= ANALYSIS_WINDOW ? expandInfo(info, runs) : undefined });
  // a search's or a listing's answer, and data asked for that reports nothing (a query's rows, JSON),
  // stay whole up to a few thousand tokens; longer ones are compacted as a listing
  // a file's lines annotated (`git blame`) stay whole as a file's text does, read by the tool's rules
  // and so does the short output of a quiet run no rule read as a tool's report (a project's own script),
  // and a benchmark's or a profiler's report, each of whose numbers was asked for
  const whole = text
    ? !printsAnswer(options.command) || fits
    : annotatesFile(options.command)
      ? lines.length <= TEXT_WHOLE_LINES
      : (fits && (isQuietData(analysis, options, rendered) || measures(options.command))) || isQuietRun(analysis, options, lines.length, rendered.length);
  const hint = options.expandHint ?? ((a: number, b: number) => `lines ${a}-${b}`);
  parser.roles?.(read, info.roles);
  const located = parser.locate?.(lines) ?? null;
  const plan: EmitPlan = whole
    ? wholeText(info)
    : short
    ? selectShort(info, options.exitCode !== undefined && options.exitCode !== null && options.exitCode !== 0)
    : selectLines(info, { exitCode: options.exitCode, listing: analysis.kind === "listing" && parser.tool !== "generic", needles: parser.tool === "generic" ? [] : factNeedles(analysis), locations: runs && located ? Array.from(runs.start, (i) => located[i]!) : located });
  const { out, folds } = emitWithFolds(read, plan, hint, runs);
  // a file's text comes back as it is, its rules of `=` or `-` too
  return finish(rendered, whole ? out : out.map(shortenRules), folds, analysis);
}

/** A file's text this long stays whole; a longer one keeps its first TEXT_HEAD lines and its last TEXT_TAIL. */
const TEXT_WHOLE_LINES = 500;
const TEXT_HEAD = 400;
const TEXT_TAIL = 40;

/** A search's or a listing's answer, or data asked for, this long stays whole (each line asked for); a longer one is compacted. */
const ANSWER_WHOLE_LINES = 500;
const ANSWER_WHOLE_CHARS = 16_000;

/** What a command that prints files keeps (content.ts): the text as it is, its middle folded when it is long. */
function wholeText(info: LineInfo): EmitPlan {
  const n = info.roles.length;
  const keep = info.roles.map((_, i) => n <= TEXT_WHOLE_LINES || i < TEXT_HEAD || i >= n - TEXT_TAIL);
  return { keep, roles: info.roles, hidden: null, after: new Map(), snippet: info.snippet, similar: null, quiet: null, idle: null };
}

const RULES = ["⎯⎯⎯⎯⎯⎯⎯⎯", "━━━━━━━━", "────────", "════════", "========", "________", "--------", "~~~~~~~~", "********", "########", "_ _ _ _ _ _", "- - - - - -"];

/** Does the line hold a decorative rule (a cheap test before the replacing regex)? */
function hasRule(line: string): boolean {
  for (const r of RULES) if (line.includes(r)) return true;
  return false;
}

/** A box-drawing rule drawn after a line's text, out to the terminal's edge (`file:1:2 rule ━━━━`). */
const TRAILING_BOX_RULE = /(\S)[ \t]+[━─═⎯]{3,}[ \t]*$/;

/**
 * Decorative rules (────, ====, ⎯⎯⎯⎯, _ _ _ _) carry no information past their first few characters;
 * a box-drawing rule that only trails a line's text carries none at all.
 */
function shortenRules(line: string): string {
  if (line.length < 16 || !hasRule(line)) return line;
  // A title drawn between rules (`══ Failed ════`) keeps a rule's mark on each side.
  line = line.replace(TRAILING_BOX_RULE, (m, last: string) => (/^\s*[━─═⎯]/.test(line) ? `${last} ${m.trim().at(-1)}` : last));
  // A run that opens a title (`************* Module app.cli`), or a bracketed tag before the text
  // (GoogleTest's `[==========] 11 tests ran.`), is part of how the line reads: it stays.
  return line.replace(/([⎯━─═=_~*#-])\1{7,}|(?:([_-]) ){6,}\2?/g, (run, ch: string | undefined, spaced: string | undefined, at: number) => {
    const tag = at === 1 && line[0] === "[" && line[run.length + 1] === "]";
    return (at === 0 || tag) && /\S/.test(line.slice(run.length + (tag ? 2 : 0))) ? run : (ch ?? spaced ?? "").repeat(3);
  });
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

/**
 * Strings whose presence makes a line a must-keep fact: the error locations and failing tests a
 * tool's recogniser found (the generic reading finds them from the same shapes compaction reads).
 */
function factNeedles(analysis: Analysis): string[] {
  const needles = new Set<string>();
  for (const e of analysis.errors.slice(0, 40)) {
    if (e.file && e.line !== null) needles.add(`${e.file.replace(/^\.\//, "")}:${e.line}`);
    if (e.file && e.line === null) needles.add(e.file);
  }
  for (const t of analysis.tests_failed.slice(0, 40)) {
    const leaf = t.split(/ [›>] |::/).pop();
    if (leaf && leaf.length >= 6) needles.add(leaf);
  }
  return [...needles];
}
