/**
 * Which rendered lines compaction keeps verbatim: errors, warnings, failures, summaries, the lines
 * that explain an error, each must-keep location and failing test the analysis found, the first
 * lines and the last ones (more of them when the command failed).
 */
import { classifyLine, type LineClass } from "./classify.ts";
import { groupDiagnostics, parseDiagnostic } from "./group.ts";
import { dropRepeatedBlocks, thinNearDuplicates, thinRecurringNotices } from "./thin.ts";
import type { Analysis } from "./types.ts";

const CONTEXT_AFTER_HEADER = 8;
const BLOCKS_WITH_CONTEXT = 12;
/** Code frames under the first few blocks stay; past them the file itself shows the code. */
const BLOCKS_WITH_SNIPPET = 3;
const HEAD_LINES = 2;
/** A long listing shows its first and last entries (as many last lines as a failed run shows). */
const LISTING_HEAD = 5;
const LISTING_TAIL = 8;
const HEAD_COMMITS = LISTING_HEAD;
/** A file or package name: word characters joined by `-`, `.`, `@` or `/`. */
const NAME = /[\w@.+-]*\w[-@./][\w@.+/-]*/g;
const COMMIT = /^commit [0-9a-f]{40}\b/;

/** `commit <40 hex>`: the first line of a commit in a git log. */
export function isCommitLine(line: string): boolean {
  return line.startsWith("commit ") && COMMIT.test(line);
}
/** A source line in a code frame with its line-number gutter: `  12 | code`, `> 3 │ code`, `     9| code`. */
const GUTTER = /^ *(?:> *)?\d+ ?[|│](?: |$)/;
/** The markers under an echoed source line: `    ~~~~`, `      ^~~~~`. */
const CARETS = /^ *[~^][~^ ]*$/;
/** A gutter without a line number, holding markers or a fix-it: `      |     ^~~~`, `      |     ;`, `   |`. */
const BARE_GUTTER = /^ *[|│](?: +[~^+-]*[^\s~^+-]{0,30})?$/;
/**
 * Maven's closing help, the same after every failed build (the help links, the `-e`/`-X` advice,
 * surefire's note on dump files, empty `[ERROR]` lines): folded even among the last lines. The
 * `Failed to execute goal …` line and `Please refer to …/surefire-reports …` stay.
 */
export const TOOL_BOILERPLATE =
  /^\[ERROR\] ?$|^\[ERROR\] (?:-> \[Help \d+\]|To see the full stack trace of the errors, re-run Maven with the -e switch\.|Re-run Maven using the -X switch to enable full debug logging\.|For more information about the errors and possible solutions, please read the following articles:|\[Help \d+\] https?:\/\/cwiki\.apache\.org\/\S*|Please refer to dump files \(if any exist\) \[date\]\.dump, \[date\]-jvmRun\[N\]\.dump and \[date\]\.dumpstream\.)$/;

export interface KeepMask {
  keep: boolean[];
  classes: LineClass[];
  /** Kept lines that a group line tells instead of themselves (see group.ts). */
  hidden: Uint8Array | null;
  /** Group lines, each printed after the line at its index. */
  after: Map<number, string>;
  /** Lines of code frames (see snippetLines). */
  snippet: Uint8Array | null;
  /** Kept lines let go because a line kept nearby says the same (see thin.ts). */
  similar?: Uint8Array | null;
  /** Rows of a process table that use no CPU and no memory (see idleProcessRows). */
  idle?: Uint8Array | null;
}

export function keepMask(lines: string[], analysis: Analysis, exitCode: number | null | undefined): KeepMask {
  const n = lines.length;
  const keep = new Array<boolean>(n).fill(false);
  const classes: LineClass[] = new Array(n);
  const unfact = (i: number) => {
    if (classes[i] !== "fact") return;
    classes[i] = "plain";
    keep[i] = false;
  };
  const needles = factNeedles(analysis);
  const needleRe = needles.length ? new RegExp(needles.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")) : null;
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    const cls = classifyLine(line);
    classes[i] = cls;
    if (cls === "fact" || cls === "header") keep[i] = true;
    else if (cls !== "blank" && cls !== "frame" && needleRe && needleRe.test(line)) keep[i] = true;
  }
  const tail = exitCode !== undefined && exitCode !== null && exitCode !== 0 ? 8 : analysis.kind === "listing" ? LISTING_TAIL : 3;
  const tailFrom = tailStart(classes, tail);
  // Diagnostics of one kind repeated many times: the first stays, a group line tells the others.
  const grouping = groupDiagnostics(lines, (i) => i >= tailFrom);
  const hidden = grouping?.hidden ?? null;
  if (hidden) for (let i = 0; i < n; i++) if (hidden[i]) keep[i] = false;
  // Source lines echoed under a diagnostic (a code frame) repeat the file: an error word in the
  // code (`throw new TypeError`, `t.BUILD`) does not make them facts.
  // In a listing, names are entries: `error-ex@1.3.4` or `errors.go` is no error.
  if (analysis.kind === "listing") {
    for (let i = 0; i < n; i++) if (classes[i] === "fact" && classifyLine(lines[i]!.replace(NAME, " ")) !== "fact") unfact(i);
  }
  const snippet = snippetLines(lines);
  for (let i = 0; i < n; i++) {
    if (!snippet[i]) continue;
    unfact(i);
    if (classes[i] !== "header") keep[i] = false;
  }
  // An error block keeps the lines that explain it: location, snippet, assertion, up to a blank line.
  // Past the first few blocks only their header lines stay (each error line with its location and
  // code); their snippets can be read back, or seen by opening the file.
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    if (classes[i] !== "header" || hidden?.[i]) continue;
    if (++blocks > BLOCKS_WITH_CONTEXT) break;
    let blanks = 0;
    for (let k = i + 1; k < Math.min(n, i + 1 + CONTEXT_AFTER_HEADER); k++) {
      if (classes[k] === "header" || (classes[k] === "fact" && parseDiagnostic(lines[k]!, null))) break;
      if (classes[k] === "blank" && k > i + 1 && ++blanks >= 2) break;
      if (classes[k] === "frame" || classes[k] === "chatter") continue;
      if (snippet[k] && blocks > BLOCKS_WITH_SNIPPET) continue;
      keep[k] = true;
    }
  }
  // A commit in a log keeps its header and its subject line; its author, date and body may fold.
  // A long log is a listing: its first commits and its last one stay, the others fold.
  const commits: number[] = [];
  for (let i = 0; i < n; i++) if (isCommitLine(lines[i]!)) commits.push(i);
  for (const i of commits.length > HEAD_COMMITS + 1 ? [...commits.slice(0, HEAD_COMMITS), commits[commits.length - 1]!] : commits) {
    keep[i] = true;
    for (let k = i + 1; k < Math.min(n, i + 6); k++) {
      if (/^ {4}\S/.test(lines[k]!)) {
        keep[k] = true;
        break;
      }
    }
  }
  // Runs of near-identical facts (retry warnings, repeated notices) keep their first and last line.
  const before = keep.slice();
  thinNearDuplicates(lines, keep);
  thinRecurringNotices(lines, keep, classes, needleRe);
  dropRepeatedBlocks(lines, keep);
  const similar = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (before[i] && !keep[i]) similar[i] = 1;
  // A listing (ls, tree, npm ls) shows its first and last entries around the fold.
  const head = analysis.kind === "listing" ? LISTING_HEAD : HEAD_LINES;
  for (let i = 0, seen = 0; i < n && seen < head; i++) {
    if (classes[i] === "blank" || classes[i] === "chatter" || snippet[i]) continue;
    keep[i] = true;
    seen++;
  }
  for (let i = n - 1, seen = 0; i >= 0 && seen < tail; i--) {
    if (classes[i] === "blank") continue;
    if (classes[i] !== "frame" && !snippet[i] && !boilerplate(lines[i]!)) keep[i] = true;
    seen++;
  }
  for (let i = 0; i < n; i++) if (keep[i] && boilerplate(lines[i]!)) keep[i] = false;
  const after = new Map<number, string>();
  if (grouping) {
    for (let i = 0; i < n; i++) if (hidden![i]) keep[i] = true;
    // A group line follows its first diagnostic and the snippet kept under it.
    for (const [first, text] of grouping.lines) {
      let at = first;
      for (let j = first + 1; j < n && keep[j] && !hidden![j] && classes[j] !== "header"; j++) {
        if (parseDiagnostic(lines[j]!, "")) break;
        if (classes[j] !== "blank") at = j;
      }
      keep[first] = true;
      after.set(at, after.has(at) ? `${after.get(at)}\n${text}` : text);
    }
  }
  return { keep, classes, hidden, after, snippet, similar };
}

/**
 * The lines of code frames: source lines echoed under a diagnostic with their line-number gutter,
 * the `^~~~` markers under them, the source line above such markers, fix-it lines in the gutter.
 */
export function snippetLines(lines: string[]): Uint8Array {
  const snippet = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    let p = 0;
    while (line.charCodeAt(p) === 32) p++;
    const c = line.charCodeAt(p);
    if ((c >= 48 && c <= 57) || c === 62) {
      if (GUTTER.test(line)) snippet[i] = 1;
    } else if (c === 124 || c === 0x2502) {
      if (BARE_GUTTER.test(line)) snippet[i] = 1;
    } else if (c === 126 || c === 94) {
      if (CARETS.test(line)) {
        snippet[i] = 1;
        if (i > 0 && lines[i - 1]!.trim() !== "" && !lines[i - 1]!.startsWith(">")) snippet[i - 1] = 1;
      }
    }
  }
  return snippet;
}

function boilerplate(line: string): boolean {
  return line.startsWith("[ERROR]") && TOOL_BOILERPLATE.test(line);
}

/** Index of the first of the last `count` non-blank lines. */
function tailStart(classes: LineClass[], count: number): number {
  let i = classes.length;
  for (let seen = 0; i > 0 && seen < count; ) if (classes[--i] !== "blank") seen++;
  return i;
}

/** Strings whose presence makes a line a must-keep fact: error locations and failing tests. */
function factNeedles(analysis: Analysis): string[] {
  const needles = new Set<string>();
  for (const e of analysis.errors.slice(0, 100)) {
    if (e.file && e.line !== null) needles.add(`${e.file.replace(/^\.\//, "")}:${e.line}`);
    if (e.file && e.line === null) needles.add(e.file);
  }
  for (const t of analysis.tests_failed.slice(0, 100)) {
    const leaf = t.split(/ [›>] |::/).pop();
    if (leaf && leaf.length >= 6) needles.add(leaf);
  }
  return [...needles];
}
