/**
 * The fallback for any tool: what the shapes of its lines say. Findings (a location with a
 * severity or a code, or a compiler's `path:line: message`) and error lines are its errors; lines
 * naming a failed test are its failures; the last summary line with counts gives the counts.
 */
import { frameKind, isFrame } from "../shape/frames.ts";
import { snippetLines } from "../shape/codeframe.ts";
import { findLocation, isPlacedProgress, type Location } from "../shape/location.ts";
import { isSummary, type SummaryCounts, summaryCounts } from "../shape/summary.ts";
import { codeOf, hasCode, hasSeverityLabel, isChatter, severityOf } from "../shape/words.ts";
import type { LineInfo } from "../roles.ts";
import { type Counts, issue, numberOf, type OutputError, type OutputKind, type Parser, programCommand, type Severity } from "../types.ts";

/** `FAIL name`, `✗ name`, `not ok 3 - name`, `--- FAIL: TestX (0.00s)`, `FAILED path::test - msg`. */
const FAILED_TEST = /^\s*(?:--- FAIL:\s+|(?:FAIL(?:ED)?|✗|✖|✘|×|●(?! Console$| Test suite failed to run$)|not ok(?: \d+)?(?: -)?)\s+)(\S.*?)(?:\s+\([\d.]+\s*m?s\))?(?: - .*)?$/;

/** Issues read before the analysis keeps its 1,000 (ERRORS_KEPT): errors past the first 1,000 warnings still make it (it keeps errors first). */
const COLLECTED = 2000;

/** One line's reading as an issue: its location (if any) and its severity word (if any). */
interface Candidate {
  at: Location | null;
  severity: Severity | null;
}

/**
 * A one-letter severity right after the location, alone or starting the code (rubocop's `: C:`,
 * `: W:`, pylint's `: C0413:`, `: E1101:`): C(onvention), R(efactor) and W(arning) are warnings,
 * E(rror) and F(atal) errors, I(nfo) notes. It says more than the words of the message.
 */
function letterSeverity(after: string): Severity | null {
  // a label in brackets right after the place (yamllint's parsable `a.yml:1:1: [warning] missing …`): its word, whatever the message's
  const bracketed = /^:?\s*\[(error|warning|warn|info|note)\]\s/i.exec(after)?.[1]?.toLowerCase();
  if (bracketed) return bracketed === "error" ? "error" : bracketed === "info" || bracketed === "note" ? "note" : "warning";
  const m = /^:?\s*(?:([CRWEFI])(?:\d{3,4})?|(style|performance|portability|information)):\s/.exec(after);
  if (!m) return null;
  // cppcheck's kinds of finding below a warning (style, performance, portability, information): notes
  if (m[2]) return "note";
  return m[1] === "E" || m[1] === "F" ? "error" : m[1] === "I" ? "note" : "warning";
}

/** A located finding that calls itself an error (`a.cc:80:3: error: …`, `[error]`): the run found an error, whatever its exit code. */
const labelledError = (e: OutputError) => e.severity === "error" && e.file !== null && /(?:^|[\s:[(])(?:error|ERROR|Error)(?:[:\]]|\s*$)/.test(e.message);

/** A finding labelled a note or a hint right after its location (`a.c:3: note:`, Free Pascal's `a.pas(7,11) Note:`, `Hint:`). */
const NOTE_AFTER = /^[:)\]]?\s*(?:note|Note|NOTE|hint|Hint|HINT)\b/;

/**
 * Words before a place on the way to an error: GCC's and Clang's `In file included from a.h:3,` and
 * its `                 from b.cc:1:`; webpack's ` @ ./src/index.ts 1:0-27` (the module that imports it).
 */
const CONTEXT_BEFORE = /(?:^|\s)(?:[Ii]ncluded from|from)\s+$|^\s*@\s+$/;
/**
 * Words after such a place: `a.cc:13:38:   required from here`, `In instantiation of …`, `In function 'f':`;
 * or a message that goes on from the one above it, an ellipsis first (GNU gettext's
 * `fr.po:29: ...this is the location of the first definition` under `fr.po:32: duplicate message definition...`).
 */
const CONTEXT_AFTER = /^:?\s*(?:required (?:from|by)\b|In instantiation of\b|In (?:member |static member )?function\b|In constructor\b|In destructor\b|At global scope\b|In lambda function\b|\.\.\.\s*[a-z])/;

/** A heading that names the severity of the numbered list under it: `Errors:`, `Warnings:`, `Suggestions:`. */
const LIST_HEADING = /^\s*(Errors|Warnings|Suggestions|ERRORS|WARNINGS)\s*:\s*$/;
const NUMBERED_ITEM = /^\s*\d+[.)]\s+\S/;
/** A YAML parser's mark alone on its line, under the message it places: `  in "values.yaml", line 18, column 5.` */
const MARK_ONLY = /^\s+in "[^"]+", line \d+, column \d+\.?\s*$/;
/** How far under its error's first line a mark may be (PyYAML: context, its mark, the problem, its mark). */
const MARK_REACH = 3;
/** A file an error names before its message, after the program's name if any: `sha256sum: dist/a.zip: No such file`, `dist/a.zip: FAILED`. */
const NAMED_FILE = /^(?:[a-z][\w.+-]*: )?((?:[\w@+~.-]*\/)*[\w@+~-][\w@+~.-]*\.[A-Za-z][\w+-]{0,9}): \S/;

/** A severity word and `in` before a module and its place, nothing else (webpack's stats: `ERROR in ./src/a.js 3:0-34`, `WARNING in ./b.css`). */
const PLACE_ONLY_HEADER = /^\s*(?:ERROR|WARNING)\s+in\s+\S+(?: \([^()]*\))?(?: \d+:\d+-(?:\d+:)?\d+)?\s*$/;

/** A severity label in brackets and a path, alone or before its message: Prettier's `--check` (`[warn] src/app.js`), helm lint's `[ERROR] templates/a.yaml: unable to parse YAML`. */
const LABELLED_FILE_ONLY = /^\s*\[(?:warn|warning|error)\]\s+((?:\.{1,2}\/|\/)?(?:[\w@+~.$-]+\/)*[\w@+~$-][\w@+~.$-]*\.[A-Za-z][\w+-]{0,9})(?:\s*$|: \S)/i;

/** A line that is a file's path alone (a path with an extension, `./a/b.yml`, or `src/a.js:1:1`), heading the rows of its findings. */
const FILE_HEADING = /^\s*(?:== |FILE: )?((?:\.{1,2}\/|\/)?(?:[\w@+~.$-]+\/)*[\w@+~$-][\w@+~.$-]*\.[A-Za-z][\w+-]{0,9})(?::\d+(?::\d+)?)?(?: ==)?\s*$/;
/** A file heading is a path, not a paragraph: longer lines are not tried. */
const MAX_HEADING = 500;
/** A finding's row under its file heading: `  12:5  error  msg  rule`, `  ✖  4:12  msg`, `   4:12  ✖  msg`. */
const ROW = /^\s+(?:[✖✗×⚠!‼ℹ]\s+)?(\d+):(\d+)\s+\S/;
/** A row of cells under a `FILE: path` heading, its line and severity first (PHP_CodeSniffer's full report: ` 12 | ERROR   | [x] msg`). */
const PIPE_ROW = /^\s*(\d+)\s*\|\s*(ERROR|WARNING)\s*\|/;
/** Lines a report may draw between a file's heading and its rows: rules and the file's own counts (`FOUND 3 ERRORS AFFECTING 1 LINE`). */
const ABOVE_ROWS = /^\s*-{5,}\s*$|^\s*FOUND \d+ /;
/** The first row under a file heading at `i`, past what a report draws between them, or -1. */
function firstRowUnder(lines: string[], i: number): number {
  for (let k = i + 1; k < lines.length && k <= i + 4; k++) {
    if (groupRow(lines[k]!)) return k;
    if (!ABOVE_ROWS.test(lines[k]!)) return -1;
  }
  return -1;
}

/** A row led by its one-letter severity under an `== path ==` heading (RuboCop's simple format): `C: 51: 20: Cop: msg`. */
const LETTER_ROW = /^([CRWEFI]):\s*(\d+):\s*(\d+):\s/;
/** The place and severity of a row under a file heading, or null for another line. */
function groupRow(line: string): { line: number; column: number | null; severity: Severity | null } | null {
  const row = ROW.exec(line);
  if (row) return { line: Number(row[1]), column: Number(row[2]), severity: rowSeverity(line) };
  const cells = PIPE_ROW.exec(line);
  if (cells) return { line: Number(cells[1]), column: null, severity: /^e/i.test(cells[2]!) ? "error" : "warning" };
  const lettered = LETTER_ROW.exec(line);
  return lettered ? { line: Number(lettered[2]), column: Number(lettered[3]), severity: letterSeverity(`${lettered[1]}: `) } : null;
}

/** A row's severity: its severity column (`12:5  warning  …`) or mark (`⚠`, `✖`) when it has one, else the words of its message. */
function rowSeverity(line: string): Severity | null {
  const col = /^\s+(?:([✖✗×⚠‼!ℹ])\s+)?\d+:\d+\s+(?:([✖✗×⚠‼!ℹ])\s+)?(error|warning|warn|info|note)?\b/i.exec(line);
  const mark = col?.[1] ?? col?.[2];
  const word = col?.[3]?.toLowerCase();
  if (word) return word === "error" ? "error" : word === "info" || word === "note" ? "note" : "warning";
  if (mark) return mark === "⚠" || mark === "!" ? "warning" : mark === "ℹ" ? "note" : "error";
  return severityOf(line);
}

/**
 * How bad a finding is: a one-letter or cppcheck label after its location, else its words, else a
 * `Note:`/`Hint:` label after the location, else an error when its location leads the line.
 */
function severityFor(line: string, c: Candidate, at: Location | null): Severity {
  const after = c.at ? line.slice(c.at.end) : null;
  const labelled = after === null ? null : letterSeverity(after);
  if (labelled) return labelled;
  // a note labelled as one is a note, whatever its words (GCC's `a.h:9:5: note:   template argument deduction/substitution failed:`)
  if (after !== null && NOTE_AFTER.test(after)) return "note";
  // a place on the way to an error (an include chain, an instantiation), not an error of its own
  if (c.at && (CONTEXT_BEFORE.test(line.slice(0, c.at.start)) || (after !== null && CONTEXT_AFTER.test(after)))) return "note";
  if (c.severity) return c.severity;
  return at?.leading ? "error" : "warning";
}

/**
 * A location ending in a colon over its message indented under it (pydocstyle's
 * `a.py:5 in public function \`f\`:` over `        D103: Missing docstring …`): one finding.
 */
function headsIndented(lines: string[], i: number, c: Candidate): boolean {
  const next = lines[i + 1] ?? "";
  return c.at?.leading === true && /:\s*$/.test(lines[i]!) && next.trim() !== "" && indentOf(next) > indentOf(lines[i]!) && findLocation(next) === null;
}

/** How far below its location heading a diagnostic's message may come (past blank and code-frame lines). */
const HEADING_REACH = 6;

/**
 * A location that heads its diagnostic: the line is the location and a colon, nothing more than a
 * word beside it (GCC's Fortran `src/grid.f90:20:19:`, OCaml's `File "a.ml", line 17, characters
 * 12-13:`); the message comes below it, after the code frame.
 */
function isHeading(line: string, c: Candidate): boolean {
  if (!c.at?.leading || c.severity !== null || !/:\s*$/.test(line)) return false;
  return (line.slice(c.at.end).match(/[A-Za-z]{2,}/g)?.length ?? 0) <= 1;
}

/** The place on the line under a message, indented further, that is the place and its context alone (`  lib/a.ex:26: A.f/2`). */
function placeBelow(lines: string[], i: number): { at: Location; line: number } | null {
  const next = lines[i + 1];
  if (next === undefined || indentOf(next) <= indentOf(lines[i]!) || next.length > MAX_HEADING) return null;
  const at = findLocation(next);
  if (!at?.leading || severityOf(next) !== null) return null;
  // the place and a colon, then at most a function's name (`A.f/2`, `Mod.fun`), no words of a message
  return /^:(?:\s+[\w.$:/<>-]+)?\s*$/.test(next.slice(at.end)) ? { at, line: i + 1 } : null;
}

/**
 * HashiCorp's diagnostics (Terraform, Packer): `Error: Unsupported argument`, a blank line, then
 * `  on main.tf line 36, in resource "x" "y":` (inside the `│` box they draw): that is its place.
 */
const HCL_ON = /^[\s│|]*on (\S+) line (\d+)(?:, in .*)?:\s*$/;
function hclPlace(lines: string[], i: number): { at: Location; line: number } | null {
  for (let k = i + 1; k < lines.length && k <= i + 3; k++) {
    const m = HCL_ON.exec(lines[k]!);
    if (m) return { at: { file: m[1]!, line: Number(m[2]), column: null, start: 0, end: 0, leading: true }, line: k };
    if (!/^[\s│|]*$/.test(lines[k]!)) return null;
  }
  return null;
}

/** npm's prefix on each line of its error report (npm 10+, and `npm ERR!` before). */
const NPM_LOG = /^npm (?:error|ERR!)(?: |$)/;
/** What follows a place when a line only quotes the source there: `` : `done'``, `: 'x = 1'`. */
const QUOTED_ONLY = /^:?\s*[`'‘"].*['’"]\s*$/;

/**
 * The issues of some lines: each candidate line is one, and a location heading takes the message of
 * the severity line under it (`Error: Symbol 'dx' has no IMPLICIT type` three lines below
 * `src/grid.f90:20:19:` is one error at that place, not two). `skippable` lines (blank, code frame)
 * may stand between them.
 */
function collectIssues(lines: string[], limit: number, candidate: (i: number) => Candidate | null, skippable: (i: number) => boolean): OutputError[] {
  const errors: OutputError[] = [];
  // the indentation of the located finding whose block this is (-1: none): lines indented under it, up to a blank line, explain it
  let block = -1;
  // the last error placed in a file, and the line it was read from
  let placed: { file: string; i: number } | null = null;
  let lastAt = null as Location | null;
  // the file the last error named, placed or not (`sha256sum: dist/a.zip: No such file or directory`), and its line
  let named = null as { file: string; i: number } | null;
  // the line the last error was read from (-1: none, or not known)
  let lastLine = -1;
  // the line of the last mark that placed an error
  let marked = -1;
  // the severity a heading gave the numbered list under it (null: no such list)
  let list = null as Severity | null;
  const add = (line: string, c: Candidate, at = c.at, i = -1) => {
    // a finding about a whole file, its path alone after a label (Prettier's `[warn] src/app.js`): that file, no line
    const whole = at ? null : (LABELLED_FILE_ONLY.exec(line)?.[1] ?? null);
    errors.push(issue(line, severityFor(line, c, at), at?.file ?? whole, at?.line ?? null, at?.column ?? null, codeOf(line) || null));
    block = at ? indentOf(line) : -1;
    lastAt = at;
    placed = at && i >= 0 ? { file: at.file, i } : null;
    const file = at?.file ?? whole ?? NAMED_FILE.exec(line)?.[1];
    named = file && i >= 0 ? { file, i } : null;
    lastLine = i;
    if (i >= 0 && MARK_ONLY.test(lines[i]!)) marked = i;
  };
  let heading: { i: number; c: Candidate } | null = null;
  const flush = () => {
    if (heading) add(lines[heading.i]!, heading.c);
    heading = null;
  };
  let group: string | null = null;
  for (let i = 0; i < lines.length && errors.length < limit; i++) {
    const line = lines[i]!;
    // Findings grouped under their file (eslint's stylish, stylelint, xo, yamllint): the heading names the file, each row its place.
    const row = group === null ? null : groupRow(line);
    if (row) {
      add(line, { at: null, severity: row.severity }, { file: group!, line: row.line, column: row.column, start: 0, end: 0, leading: true });
      continue;
    }
    const file = line.length <= MAX_HEADING ? FILE_HEADING.exec(line)?.[1] : undefined;
    const rows = file ? firstRowUnder(lines, i) : -1;
    if (rows >= 0) {
      flush();
      group = file!;
      i = rows - 1;
      continue;
    }
    // a row's message wrapped onto an indented line of its own
    if (group !== null && /^\s+\S/.test(line) && !isSummary(line)) continue;
    group = null;
    if (heading && i - heading.i > HEADING_REACH) flush();
    if (line.trim() === "") block = -1;
    if (heading && skippable(i)) continue;
    // a numbered list under a heading that names its items' severity (publint's `Errors:` over `1. pkg.main is …`): each item is one
    const listed = line.includes(":") ? LIST_HEADING.exec(line) : null;
    if (listed && !heading && NUMBERED_ITEM.test(lines[i + 1] ?? "")) {
      flush();
      list = /^E/i.test(listed[1]!) ? "error" : /^W/i.test(listed[1]!) ? "warning" : "note";
      continue;
    }
    if (list && NUMBERED_ITEM.test(line)) {
      add(line, { at: null, severity: list }, findLocation(line), i);
      continue;
    }
    if (list && line.trim() !== "") list = null;
    // a YAML parser's mark on a line of its own places the error told above it; the last mark is where it
    // failed (PyYAML's `while parsing a block collection` / `  in "a.yaml", line 16, column 5` /
    // `did not find expected '-' indicator` / `  in "a.yaml", line 18, column 5.`)
    const mark = line.includes('", line ') && MARK_ONLY.test(line) ? findLocation(line) : null;
    if (mark && !heading && lastLine >= 0 && i - lastLine <= MARK_REACH && errors.length) {
      const e = errors[errors.length - 1]!;
      errors[errors.length - 1] = { ...e, file: mark.file, line: mark.line, column: mark.column };
      marked = i;
      continue;
    }
    // the problem between the context's mark and its own (`could not find expected ':'`) is the same error
    if (marked >= 0 && marked === i - 1 && MARK_ONLY.test(lines[i + 1] ?? "")) continue;
    const c = candidate(i);
    if (!c) {
      flush();
      continue;
    }
    if (heading && !c.at && c.severity) {
      add(lines[i]!, c, heading.c.at);
      heading = null;
      continue;
    }
    // Nim's `  first type mismatch at position: 2` under `a.nim(13, 14) Error: type mismatch`: part of that error
    // (and a line indented under it that reads its place from the same frame)
    if (!heading && block >= 0 && indentOf(line) > block && (!c.at || (c.at.file === lastAt?.file && c.at.line === lastAt.line))) continue;
    // the message under a place-only header (webpack's `ERROR in ./src/a.js 3:0-34`, then `Module not found: …`): that error's words
    const last = placed as { file: string; i: number } | null;
    if (!heading && !c.at && c.severity && last && last.i === i - 1 && PLACE_ONLY_HEADER.test(lines[i - 1]!)) {
      errors[errors.length - 1]!.message = line.trim();
      continue;
    }
    // bash's `a.sh: line 10: `done'` right under its syntax error at that line: the source it quotes, no second error
    if (!heading && c.at && lastAt && last && last.i === i - 1 && c.at.file === lastAt.file && c.at.line === lastAt.line && QUOTED_ONLY.test(line.slice(c.at.end))) continue;
    // npm prints one error over many lines, each with its prefix (`npm error Missing script: "lint"`, `npm error`, `npm error Did you mean this?`): one error
    if (!heading && NPM_LOG.test(line) && NPM_LOG.test(lines[i - 1] ?? "")) continue;
    // an error right under one about the same file, with no place of its own, is that error told again (php -l's
    // `Errors parsing src/a.php` under the error it placed there; sha256sum's `dist/a.zip: FAILED open or read`
    // under `sha256sum: dist/a.zip: No such file or directory`); a line with its own severity label is a diagnostic of its own
    const prior = named as { file: string; i: number } | null;
    if (!heading && !c.at && prior && prior.i === i - 1 && line.includes(prior.file) && !hasSeverityLabel(line)) continue;
    flush();
    // a message whose place is the indented line under it (Elixir's `warning: variable "x" is unused` over `  lib/a.ex:26: A.f/2`)
    const below = !c.at && c.severity ? (placeBelow(lines, i) ?? hclPlace(lines, i)) : null;
    if (below) {
      add(lines[i]!, c, below.at, below.line);
      i = below.line;
      continue;
    }
    if (isHeading(lines[i]!, c) || headsIndented(lines, i, c)) heading = { i, c };
    else add(lines[i]!, c, c.at, i);
  }
  if (errors.length < limit) flush();
  return errors;
}

export function genericIssues(lines: string[], limit = COLLECTED): OutputError[] {
  let snippet: Uint8Array | null = null;
  const skippable = (i: number) => lines[i]!.trim() === "" || (snippet ??= snippetLines(lines))[i] === 1;
  return collectIssues(lines, limit, (i) => {
    const line = lines[i]!;
    if (line.length > 2000 || isChatter(line) || (snippet ??= snippetLines(lines))[i]) return null;
    const severity = severityOf(line);
    const at = findLocation(line);
    // a trace's frame is no finding, but a location heading may look like one (OCaml's `File "a.ml", line 3, characters 2-5:`)
    if (isFrame(line) && !(at && isHeading(line, { at, severity }))) return null;
    if (at && isPlacedProgress(line.slice(at.end))) return null;
    const finding = at !== null && !/^:\S/.test(line.slice(at.end)) && (at.leading || severity !== null || hasCode(line));
    if (!finding && severity === null) return null;
    if (!finding && isSummary(line)) return null;
    return { at, severity };
  }, skippable);
}

/** The same issues, from lines whose roles are read already (compaction reads them anyway). */
export function issuesFromRoles(lines: string[], info: LineInfo, limit = COLLECTED): OutputError[] {
  return collectIssues(lines, limit, (i) => {
    const r = info.roles[i]!;
    if (r === "plain" && headsTrace(lines, info, i)) return { at: tracePlace(lines, info, i), severity: "error" };
    if (r !== "finding" && r !== "problem" && r !== "warning" && r !== "failure" && r !== "assertion") return null;
    if (r === "problem" && headsExceptionBelow(lines, info, i)) return null;
    const severity = severityOf(lines[i]!);
    // a search's match that reports a problem (`a.c:17:F:suite:test:0: Assertion failed`) is at its place
    const own = r !== "finding" && info.locations[i]?.leading ? info.locations[i]! : null;
    const at = r === "finding" ? info.locations[i] ?? null : severity === "error" ? own ?? tracePlace(lines, info, i) : null;
    return at || severity !== null ? { at, severity } : null;
  }, (i) => info.roles[i] === "blank" || info.roles[i] === "snippet");
}

/** The line that opens a Python traceback. */
const TRACEBACK_HEADER = /^(?:Exception Group )?Traceback \(most recent call last\):\s*$/;

/** The last line of a Python traceback: the exception's name, then its message (`SyntaxError: expected ':'`). */
const EXCEPTION_LINE = /^[A-Za-z_][\w.]*(?:Error|Exception)(?::\s|$)/;

/**
 * A problem line over a traceback that ends in its exception (compileall's `*** Error compiling
 * 'a.py'...`, then `File "a.py", line 2`, the code, `SyntaxError: …`; a logged error over the traceback
 * it logged): one error, told by the exception line, which reads its place from the frames above it;
 * the line on top only names it.
 */
function headsExceptionBelow(lines: string[], info: LineInfo, i: number): boolean {
  if (info.locations[i]?.leading) return false;
  // a logger's record over the traceback it logged (Python's `logger.exception`: `ERROR app: load failed`, `Traceback (most recent call last):`)
  let k = TRACEBACK_HEADER.test(lines[i + 1] ?? "") ? i + 2 : i + 1;
  let frames = 0;
  for (; k < lines.length; k++) {
    const r = info.roles[k];
    if (r === "frame" || r === "library-frame") frames++;
    else if (r !== "snippet") break;
  }
  if (!frames || k >= lines.length || info.roles[k] !== "problem" || !EXCEPTION_LINE.test(lines[k]!.trim())) return false;
  // an exception with a trace of its own below (Java's `Caused by: …`) is another error
  const next = info.roles[k + 1];
  return next !== "frame" && next !== "library-frame" && next !== "snippet";
}

/**
 * A line that opens a report of its own, a stack trace right under it, whatever its words
 * (valgrind's `Conditional jump or move depends on uninitialised value(s)`): after a blank line or
 * at the start, not a heading ending in a colon (Go's `goroutine 7 [chan receive]:` lists a
 * goroutine, not an error), two frames under it, one in the project's files.
 */
function headsTrace(lines: string[], info: LineInfo, i: number): boolean {
  if (i > 0 && info.roles[i - 1] !== "blank") return false;
  if (/:\s*$/.test(lines[i]!)) return false;
  const inTrace = (k: number) => info.roles[k] === "frame" || info.roles[k] === "library-frame";
  if (!inTrace(i + 1) || !inTrace(i + 2)) return false;
  for (let k = i + 1; k < lines.length && inTrace(k); k++) if (info.roles[k] === "frame") return true;
  return false;
}

/**
 * An error whose stack trace follows it (valgrind's `Invalid read of size 8`, a Java or .NET
 * exception and each `Caused by:`, a Ruby error, Deno's type error): its place is the trace's first
 * frame in the project's own files. The trace starts on the next line or the one after, past a code
 * frame. An error with no trace below it and one right above (innermost call last) is at that
 * trace's last frame in the project's files; an error that starts with its own place is there.
 */
function tracePlace(lines: string[], info: LineInfo, i: number): Location | null {
  // an error that starts with its own place (Ruby's `lib/a.rb:44:in 'parse': not an amount (ArgumentError)`) is there
  // (`path:12:text` is a search's match, not a place, but for Ruby's `:in 'method'`)
  const own = findLocation(lines[i]!);
  if (own?.leading && (!/^:\S/.test(lines[i]!.slice(own.end)) || /^:in [`'‘]/.test(lines[i]!.slice(own.end)))) return own;
  let j = i + 1;
  // past the code frame a compiler may print between (Deno's `TS2322 [ERROR]: …`, its code, then `at file:///…`)
  // and the message's indented elaboration above that frame (tsc's `  Types of property 'root' are incompatible.`)
  const indent = indentOf(lines[i]!);
  while (j < lines.length && j - i <= HEADING_REACH && (info.roles[j] === "snippet" || (info.roles[j] !== "frame" && info.roles[j] !== "library-frame" && info.roles[j] !== "blank" && indentOf(lines[j]!) > indent))) j++;
  if (info.roles[j] !== "frame" && info.roles[j] !== "library-frame") j++;
  const inTrace = (k: number) => info.roles[k] === "frame" || info.roles[k] === "library-frame";
  if (inTrace(j)) {
    for (; j < lines.length && inTrace(j); j++) {
      if (info.roles[j] !== "frame") continue;
      const at = findLocation(lines[j]!);
      if (at) return { ...at, leading: true };
    }
    return null;
  }
  // no trace below, one right above (Python's `Traceback (most recent call last):`, innermost call last): its last frame in the project's files
  for (let k = i - 1; k >= 0 && inTrace(k); k--) {
    const at = info.roles[k] === "frame" ? findLocation(lines[k]!) : null;
    if (at) return { ...at, leading: true };
  }
  return null;
}

/** An item of a numbered list of failures (`  1) Ledger::Book totals per day`, `2) Suite::testX`), and a rule drawn after it. */
const NUMBERED = /^\s{0,4}(\d{1,4})\) (\S.*?)\s*(?:─+)?$/;
const NOT_FAILED_HEADING = /^(?:Pending|Skipped|Todo|Ignored):/i;
const FAILURE_WORD = /\b(?:[Ff]ail(?:ed|ures?|ing|s)?|FAIL(?:ED|URES?|S)?)\b/;
/** A numbered item that only says what kind of failure it is (minitest): the test's name is on the next line. */
const KIND_ONLY = /^(?:Failure|Error):$/;

/** The nested suites and title under a numbered failure, each line further in, the last ending with ':'. */
function titleUnder(lines: string[], i: number): string | undefined {
  const parts: string[] = [];
  let indent = indentOf(lines[i]!) + 2;
  for (let k = i + 1; k < lines.length && k <= i + 6; k++) {
    const t = /^(\s*)(\S.*?)\s*$/.exec(lines[k]!);
    if (!t || t[1]!.length <= indent || VERDICT_TITLE.test(t[2]!)) return undefined;
    indent = t[1]!.length;
    if (t[2]!.endsWith(":")) return [...parts, t[2]!.slice(0, -1)].join(" ");
    parts.push(t[2]!);
  }
  return undefined;
}

/**
 * The failures of a run that lists them numbered from 1 (rspec, hspec, jasmine, ExUnit, phpunit,
 * minitest, Playwright): each list counts up by one from 1, a new list (errors, then failures)
 * starts at 1 again. Only in a failing run that reads as a test run.
 */
function numberedFailures(lines: string[]): string[] {
  const failed: string[] = [];
  let next = 1;
  let pending = false;
  for (let i = 0; i < lines.length && failed.length < 200; i++) {
    // a list under `Pending:` or `Skipped:` (rspec) is of tests that did not fail; another heading ends it
    if (NOT_FAILED_HEADING.test(lines[i]!)) pending = true;
    else if (/^\S.*:\s*$/.test(lines[i]!)) pending = false;
    const m = NUMBERED.exec(lines[i]!);
    if (!m || pending) continue;
    const n = Number(m[1]);
    if (n !== 1 && n !== next) continue;
    next = n + 1;
    let name = KIND_ONLY.test(m[2]!) ? /^\s*(\S.*?)(?: \[|:$|$)/.exec(lines[i + 1] ?? "")?.[1] : m[2];
    // mocha: the suite on the numbered line, nested suites under it, each further in, the test's title
    // last, ending with ':' (not a failure's label under the name: rspec's `Failure/Error:`)
    const title = titleUnder(lines, i);
    if (name && title) name = `${name} ${title}`;
    if (!name || failed.includes(name)) continue;
    // the same test listed again with its suite (`1) runs on Mondays` in the run, `1) cron.next runs on Mondays` below)
    const shorter = failed.findIndex((f) => name!.endsWith(` ${f}`));
    if (shorter !== -1) failed.splice(shorter, 1);
    failed.push(name);
  }
  return failed;
}

/**
 * Where each failure of a test run happened: the first frame in the project's own files below each
 * failure (`at Object.<anonymous> (test/cart.test.js:9:22)`, rspec's `# ./spec/book_spec.rb:72`),
 * one per failure, where the errors do not name that place already; and when that frame is in
 * another file than the failure's last project frame (an exception raised in the code under test),
 * that last one too: the test's own line, where the failing call was made.
 */
function failurePlaces(lines: string[], info: LineInfo, known: OutputError[]): OutputError[] {
  const seen = new Set(known.map((e) => `${e.file}:${e.line}`));
  const out: OutputError[] = [];
  const add = (i: number, at: Location) => {
    if (seen.has(`${at.file}:${at.line}`)) return;
    seen.add(`${at.file}:${at.line}`);
    out.push(issue(lines[i]!, "error", at.file, at.line, at.column));
  };
  let open = false;
  // the failure's first project frame, and its latest one since
  let first: Location | null = null;
  let last: { i: number; at: Location } | null = null;
  const close = () => {
    if (first && last && last.at.file !== first.file) add(last.i, last.at);
    first = last = null;
  };
  for (let i = 0; i < lines.length && out.length < 200; i++) {
    const r = info.roles[i];
    // a frame inside an assertion's block reads as part of it: the frame's shape says what it is
    const frame = r === "frame" || (r !== "library-frame" && isFrame(lines[i]!) && !LIBRARY_PATH.test(lines[i]!));
    if (!frame && (r === "failure" || r === "assertion" || NUMBERED.test(lines[i]!))) {
      if (!open) close();
      open = true;
    }
    if (!frame) {
      if (r === "summary") close();
      continue;
    }
    const at = findLocation(lines[i]!);
    if (!at) continue;
    if (!open) {
      if (first) last = { i, at };
      continue;
    }
    open = false;
    first = at;
    add(i, at);
  }
  close();
  return out;
}

/** Frames in installed code or the runtime, not the project's. */
const LIBRARY_PATH = /node_modules|node:internal|site-packages|dist-packages|\/usr\/lib\//;

const indentOf = (line: string) => line.length - line.trimStart().length;

/** A heading over the list of a run's failed tests (Maven Surefire's `[ERROR] Failures:`, `[ERROR] Errors:`, doctest's `2 items had failures:`). */
const FAILURES_HEADING = /^(?:\[\w+\]\s+)?(?:Failures|Errors|Failed tests|Tests in error|\d+ items? had failures):\s*$/;
/** An item that counts the failures of one test: Python doctest's `   2 of   3 in money.Money.parse`. */
const COUNTED_ITEM = /^\s+\d+ of\s+\d+ in ([\w$.<>-]+)\s*$/;
/** An item of such a list, further in: `[ERROR]   CalcTest.averageOfTwo:9 expected …`, `Suite.t:56 » Boom`. */
const LISTED_FAILURE = /^(?:\[\w+\])?\s{2,}([\w$.#/[\]-]+?)(?::\d+)?(?:\s|$)/;

/** The tests listed under a failures heading. */
function listedFailures(lines: string[]): string[] {
  const failed: string[] = [];
  for (let i = 0, under = false; i < lines.length && failed.length < 200; i++) {
    const line = lines[i]!;
    if (FAILURES_HEADING.test(line)) {
      under = true;
      continue;
    }
    const m = under ? (COUNTED_ITEM.exec(line) ?? LISTED_FAILURE.exec(line)) : null;
    if (!m) under = false;
    else if (!failed.includes(m[1]!)) failed.push(m[1]!);
  }
  return failed;
}

/**
 * The failed tests a run names. A cross (`✗ name`) names a failed test only in a test run; in a
 * build it marks an error (`✘ [ERROR] Could not resolve`, `✗ Build failed`).
 */
function genericTests(lines: string[], info: LineInfo | undefined, testRun: boolean, numbered: boolean): string[] {
  const failed: string[] = numbered ? [...numberedFailures(lines), ...listedFailures(lines), ...boxedFailures(lines)] : [];
  for (let i = 0; i < lines.length; i++) {
    if (info && NOT_TEST_ROLES.has(info.roles[i]!)) continue;
    const line = lines[i]!;
    // a test's line is short; the name patterns below backtrack on a long run of spaces
    if (line.length > MAX_TEST_LINE) continue;
    const m = FAILED_TEST.exec(line);
    // automake's harness names the test on its verdict's line (`FAIL: tests/case.sh`)
    const harness = testRun ? HARNESS_FAILED.exec(line)?.[1] : undefined;
    if (harness) {
      if (!failed.includes(harness) && failed.length < 200) failed.push(harness);
      continue;
    }
    // a failure's header that gives only its kind and place (busted's `Failure → spec/a_spec.lua @ 96`): the name is the next line
    if (testRun && PLACE_ONLY_FAILURE.test(line)) {
      const next = lines[i + 1]?.trim() ?? "";
      if (next && !findLocation(next) && !failed.includes(next) && failed.length < 200) failed.push(next);
      continue;
    }
    const counted = testRun ? (COUNTED_FAILED.exec(line)?.[1] ?? BRACKETED_FAILED.exec(line)?.[1] ?? VSTEST_FAILED.exec(line)?.[1] ?? placedFailure(line) ?? QUOTED_CASE.exec(line)?.[1] ?? caseUnderError(lines, i) ?? nameOverAssertion(lines, i)) : undefined;
    const name = counted ?? (m ? (testRun || !CROSS.test(line) ? m[1] : undefined) : testRun ? (TRAILING_FAILED.exec(line)?.[1] ?? PLACED_FAILURE.exec(line)?.[2] ?? QUOTED_FAILED.exec(line)?.[2] ?? headedFailure(line)) : undefined);
    // `✖ | 3   1  13 | summaries`: a row of a progress table, not a test's name; `FAIL  pkg [build failed]`:
    // a package's verdict (go's `[build failed]`, `[setup failed]`), which failed to build, not a test
    if (!name || name.startsWith("|") || (!counted && isSummary(line)) || PART_VERDICT.test(name)) continue;
    // a name the runner quotes (uvu's `FAIL  "slugs umlauts"`) is the name inside the quotes
    // a verdict in brackets before the title (AVA's `✘ [fail]: lru › expires entries`) is no part of the name
    const bare = unquoted(name.replace(/^\[(?:fail(?:ed)?|FAIL(?:ED)?|error|ERROR)\]:?\s+/, ""));
    if (!failed.includes(bare) && failed.length < 200) failed.push(bare);
  }
  return failed;
}
const PART_VERDICT = /^\S+\s+\[(?:build|setup) failed\]$/;
/** automake's test harness: a test that failed, passed when it was expected to fail, or could not run (`FAIL: tests/case.sh`). */
const HARNESS_FAILED = /^(?:FAIL|XPASS|ERROR): ([^\s:]+)$/;
/** A rule of one character drawn across the line (`-----`, `=====`); the character is its group. */
const DRAWN_RULE = /^\s*([=\-~*#_─━═])\1{19,}\s*$/;
/** A title that is a verdict and a name already (`FAIL: test_x (Case)`), read by the line readers. */
const VERDICT_TITLE = /^\s*(?:FAIL(?:ED|URE)?|ERROR|Failure|Error)\b/;
/**
 * Tests named by a title boxed between two rules (Catch2's `-----` / `name` / `-----`), whose block,
 * up to the next box or the summary, reports a failure at a place (`test/a.cpp:21: FAILED:`).
 */
function boxedFailures(lines: string[]): string[] {
  const boxes: { title: string; at: number; rule: string }[] = [];
  for (let i = 0; i + 2 < lines.length; i++) {
    const top = DRAWN_RULE.exec(lines[i]!);
    if (!top) continue;
    // one to three lines of title (a test case, then its sections), closed by the same rule
    for (let k = i + 2; k <= i + 4 && k < lines.length; k++) {
      const bottom = DRAWN_RULE.exec(lines[k]!);
      if (!bottom) continue;
      const title = lines[i + 1]!.trim();
      const titled = lines.slice(i + 1, k).every((l) => l.trim() !== "" && !DRAWN_RULE.test(l));
      if (bottom[1] === top[1] && titled && !VERDICT_TITLE.test(title) && !isSummary(title)) boxes.push({ title, at: k, rule: top[1]! });
      break;
    }
  }
  const failed: string[] = [];
  boxes.forEach((box, n) => {
    const end = boxes[n + 1] ? boxes[n + 1]!.at - 2 : lines.length;
    for (let j = box.at + 1; j < end; j++) {
      if (isSummary(lines[j]!)) break;
      if (BOX_FAILURE.test(lines[j]!) && findLocation(lines[j]!)) {
        if (!failed.includes(box.title)) failed.push(box.title);
        break;
      }
    }
  });
  return failed;
}
/** A failure word in a test's block (on a line that also gives its place): `FAILED:`, `failed`, `FAILURE`. */
const BOX_FAILURE = /\b(?:FAIL(?:ED|URE)?|[Ff]ailed)\b/;
/** An error that names the test case it happened in, in quotes (Boost.Test's `a.cpp(17): error: in "suite/case": check … has failed`). */
const QUOTED_CASE = /(?:^|\s)(?:fatal )?error: in "([^"]+)":/;
/** A test's verdict under an error's place: SWI-Prolog plunit's `ERROR: a.pl:15:` over `        test hops: wrong answer`. */
const CASE_VERDICT = /^\s+test (\w+): \S/;
function caseUnderError(lines: string[], i: number): string | undefined {
  const m = CASE_VERDICT.exec(lines[i]!);
  if (!m || i === 0) return undefined;
  const above = lines[i - 1]!;
  return severityOf(above) === "error" && findLocation(above) ? m[1] : undefined;
}
/** xUnit's progress line, one mark a test (`..E.F`: pass, error, failure, skip, expected failure, unexpected success; node's dot reporter's `X`, a failure): its passes, or undefined for another line. */
export function progressPasses(line: string): number | undefined {
  const marks = line.trim();
  return /^[.FEsxuX]{2,}$/.test(marks) ? [...marks].filter((ch) => ch === ".").length : undefined;
}

/**
 * A test's bare name on its own line with an assertion's failure right under it, as runners that
 * print each test's name before running it write a failure (shUnit2's `testBumpPatch` over
 * `ASSERT:expected:<1> but was:<2>`): the name is a failed test's.
 */
const BARE_NAME = /^\s*([A-Za-z_][\w.:]*)\s*$/;
const ASSERTION_FAILURE = /^\s*(?:ASSERT(?:ION)?(?: FAILED)?:|Assertion failed\b|AssertionError\b)/i;
function nameOverAssertion(lines: string[], i: number): string | undefined {
  const m = BARE_NAME.exec(lines[i]!);
  if (!m || VERDICT_TITLE.test(m[1]!) || !ASSERTION_FAILURE.test(lines[i + 1] ?? "")) return undefined;
  return m[1];
}
const unquoted = (name: string) => /^(["'“‘])[^"'“”‘’]+["'”’]$/.test(name) ? name.slice(1, -1) : name;
const CROSS = /^\s*[✗✖✘×●]/;
const MAX_TEST_LINE = 1000;
/** The VSTest console's failed test: `  Failed Calc.Tests.AddTests.AddsNegatives [12 ms]` (`dotnet test`). */
const VSTEST_FAILED = /^\s*Failed (\S+) \[[\d.]+ m?s\]\s*$/;
/** A test's line that ends with its verdict: cargo's `test a::b ... FAILED`, JUnit's plain `Testcase: t(C):	Caused an ERROR`, deno's `name ... FAILED (2ms)`, Gradle's `Suite > name FAILED`, EUnit's `mod: name...*failed*`. */
const TRAILING_FAILED = /^\s*(?:\[\w+\]\s+)?(?:test\s+|Testcase:\s+)?(\S.*?):?(?:\s+(?:\.{3}\s+)?(?:FAILED|FAIL|Caused an ERROR)|\.{3}\s*(?:\[[\d.]+\s*m?s\]\s*)?\*(?:failed|FAILED)\*)(?:\s*\([\d.]+\s*[µm]?s\))?\s*$/;
/** A failure word, the test's place in parentheses, then its name: testthat's `Failure (test-x.R:31): name`. */
const PLACED_FAILURE = /^\s*(?:Failure|Error|FAIL(?:URE|ED)?)\s*\(([^()]+:\d+(?::\d+)?)\):\s+(\S.*?)\s*$/;
/**
 * The counts of a TAP stream with no summary of its own: its top-level `ok N` and `not ok N` lines,
 * those marked `# SKIP` (and failing ones marked `# TODO`) skipped, once its plan (`1..N`) says it is TAP.
 */
function tapCounts(lines: string[]): SummaryCounts {
  if (!lines.some((l) => /^1\.\.\d+\s*$/.test(l))) return {};
  const c = { passed: 0, failed: 0, skipped: 0 };
  for (const l of lines) {
    const m = /^(not )?ok\b(?: \d+)?[^#]*(?:#\s*(SKIP|TODO)\b)?/i.exec(l);
    if (!m) continue;
    const directive = m[2]?.toUpperCase();
    if (directive === "SKIP" || (m[1] && directive === "TODO")) c.skipped++;
    else if (m[1]) c.failed++;
    else c.passed++;
  }
  return c.passed + c.failed + c.skipped ? c : {};
}

/** A failure word and a place, nothing else: `Failure → spec/a_spec.lua @ 96`, `Error -> t/b.lua:12`. */
const PLACE_ONLY_FAILURE = /^\s*(?:Failure|Error|FAIL(?:URE|ED)?)\s*(?:→|->|:|-|in)\s*(?:\.{0,2}\/)?(?:[\w@+~.-]+\/)*[\w@+~-][\w@+~.-]*\.[A-Za-z]\w{0,9}(?:\s*@\s*\d+|:\d+(?::\d+)?)?\s*$/;
/**
 * A test's row in a run that counts its tests (`N/M`), its verdict in a column after its name:
 * meson's ` 4/12 peak_negative      FAIL     0.10s`, CTest's ` 2/5 Test #2: parse ....***Failed  0.01 sec`.
 */
const COUNTED_FAILED = /^\s*\d+\/\d+\s+(?:Test\s+#\d+:\s+)?(\S(?:.*?\S)?)(?:\s*\.{3,}\s*|\s{2,})(?:[\w ]*\*{3}[A-Z]\w*|(?:\*{3})?(?:FAIL(?:ED)?|Failed|ERROR|Error|TIMEOUT|Timeout)\b)/;
/** A test's verdict in brackets before its name (GoogleTest's `[  FAILED  ] Suite.Name (3 ms)`, `[FAILED] name`), not a count (`[  FAILED  ] 3 tests, listed below:`). */
const BRACKETED_FAILED = /^\s*\[\s*FAIL(?:ED|URE)?\s*\]\s+(?!\d+ tests?\b)(\S(?:.*?\S)?)(?:\s+\([\d.]+\s*m?s\))?\s*$/;
/**
 * A run whose tests each print a bracketed verdict, some passed and some failed, under a heading of
 * their suite (Nim's `[Suite] tally`, GoogleTest's `[ RUN      ] …`, `[----------]`): a test run
 * without a summary. Boot or check lines (`[  OK  ] Started Journal Service.`, `[FAILED] Failed to
 * start nginx.service.`) have the verdicts and no such heading.
 */
function bracketedRun(lines: string[]): boolean {
  let passed = false;
  let failed = false;
  let suite = false;
  for (const l of lines) {
    if (l.length > MAX_TEST_LINE) continue;
    passed ||= BRACKETED_PASSED.test(l);
    failed ||= BRACKETED_FAILED.test(l);
    suite ||= /^\s*\[\s*(?:Suite|RUN|-{3,}|={3,})\s*\]/.test(l);
  }
  return passed && failed && suite;
}

/**
 * A test's verdict as a field after its place, in Check's documented format
 * `file:line:P|F|E:test case:test name:iteration: message` (P passed, F failed, E error).
 */
const PLACED_VERDICT = /^\s*[\w@+~./-]+\.\w+:\d+:([PFE]):[^:\s][^:]*:(\w+):\d+:\s/;
function placedFailure(line: string): string | undefined {
  const m = PLACED_VERDICT.exec(line);
  return m && m[1] !== "P" ? m[2] : undefined;
}
/** A passing test's verdict in brackets before its name (`[       OK ] Suite.Name (0 ms)`, `[OK] name`, `[PASS] name`). */
/** A passing test's verdict line in `go test -v`'s documented format: `--- PASS: TestName (0.00s)`, subtests indented. */
const GO_PASSED = /^\s*--- PASS: \S/;
const BRACKETED_PASSED = /^\s*\[\s*(?:OK|PASS(?:ED)?)\s*\]\s+(?!\d+ tests?\b)\S/;
/**
 * A failure's header: its verdict, a colon, the test method and its class in parentheses (xUnit's
 * way: Python unittest's `FAIL: test_x (pkg.mod.Case.test_x)`, Ruby test-unit's `Failure: test_x(Case)`).
 * The test is its full id: what the parentheses hold when it ends with the method, else the class and the method.
 */
export const testId = (method: string, owner: string): string => (owner.endsWith(`.${method}`) ? owner : `${owner}.${method}`);
const HEADED_FAILURE = /^\s*(?:Failure|Error|FAIL|ERROR):\s+(\w[\w.]*)\s?\(([\w.:$]+)\)(?: \(.*\))?:?\s*$/;
function headedFailure(line: string): string | undefined {
  const m = HEADED_FAILURE.exec(line);
  if (!m) return undefined;
  return testId(m[1]!, m[2]!);
}
/** A failed test named in quotes after the words, as a diagnostic comment may say it (Perl's Test::More `#   Failed test 'parses dates'`). */
const QUOTED_FAILED = /^[\s#]*Failed test\s+(['"‘])(.+)(?:\1|’)\s*$/;
/**
 * The roles of lines that cannot name a failed test (a passing test's line, echoed code, a frame);
 * any other may (`FAILED a.py::t - AssertionError` reads as a problem, jest's `● Suite › t` after a
 * snapshot diff as a line of the diff).
 */
const NOT_TEST_ROLES = new Set(["chatter", "snippet", "frame", "library-frame", "blank", "noise"]);

/**
 * The counts of the last summary: its line, and the summary lines right above it, for a summary
 * written one count per line (meson's `Ok: 10` / `Fail: 2` / `Skipped: 0`); the lowest line that
 * names a count gives it.
 */
function genericCounts(lines: string[], info?: LineInfo): SummaryCounts {
  // a summary of failures may read as a failure (valgrind's `ERROR SUMMARY: 9 errors from 6 contexts`)
  const summary = (i: number) => (info && info.roles[i] !== "failure" ? info.roles[i] === "summary" : isSummary(lines[i]!));
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 400); i--) {
    // how many of them a fix option would fix (`27 errors potentially fixable with the "--fix" option.`) is no total
    if (!summary(i) || FIXABLE.test(lines[i]!)) continue;
    // a task runner's count of its tasks (Turborepo's `Tasks: 4 successful, 4 total`) is no count of tests
    if (UNITS_LABEL.test(lines[i]!)) continue;
    const c = summaryCounts(lines[i]!);
    if (!Object.keys(c).length) continue;
    // a total smaller than what an earlier summary counts is a part's (CTest's label times `slow = 0.02 sec*proc (1 test)`), not the run's
    if (c.total !== undefined && earlierCountsMore(lines, i, c.total, summary)) continue;
    // the same summary once per part of the run (cargo's `test result:` per test binary, one per assembly or module): their sum
    const shape = summaryShape(lines[i]!);
    for (let j = 0; j < i; j++) {
      // a summary printed twice in a row (Ant's junit task and its formatter) is one
      if (!summary(j) || lines[j] === lines[j + 1] || summaryShape(lines[j]!) !== shape) continue;
      for (const [k, v] of Object.entries(summaryCounts(lines[j]!))) c[k as keyof SummaryCounts] = (c[k as keyof SummaryCounts] ?? 0) + v;
    }
    let top = i;
    while (top > 0 && isSummary(lines[top - 1]!)) top--;
    // a block of summaries printed once per part (node --test's `ℹ pass 1` … under each package of a
    // monorepo run): each of its lines counts with the lines of its shape in the blocks above
    const ofParts = (k: number): SummaryCounts => {
      const sum = summaryCounts(lines[k]!);
      const shape = summaryShape(lines[k]!);
      for (let j = 0; j < top; j++) {
        if (!summary(j) || lines[j] === lines[j + 1] || summaryShape(lines[j]!) !== shape) continue;
        for (const [key, v] of Object.entries(summaryCounts(lines[j]!))) sum[key as keyof SummaryCounts] = (sum[key as keyof SummaryCounts] ?? 0) + v;
      }
      return sum;
    };
    // a block of summaries, each labelled with what it counts (jest's `Test Suites:`, `Tests:`, `Snapshots:`): the tests' line says how many tests failed
    const tests = lines.slice(top, i).findIndex((l) => TESTS_LABEL.test(l));
    const first = tests >= 0 && !TESTS_LABEL.test(lines[i]!) ? { ...ofParts(top + tests) } : c;
    for (const [k, v] of Object.entries(c)) first[k as keyof SummaryCounts] ??= v;
    for (let j = i - 1; j >= top; j--) for (const [k, v] of Object.entries(ofParts(j))) first[k as keyof SummaryCounts] ??= v;
    return first;
  }
  return {};
}

const TESTS_LABEL = /^\s*Tests\s*:\s+\d/;
/** A summary labelled with units that are not tests: a task runner's tasks, jobs, packages, projects. */
const UNITS_LABEL = /^\s*(?:Tasks|Jobs|Packages|Projects|Workspaces)\s*:\s+\d/;

/**
 * How many tests a run says it starts: `Running 6 test cases...`, `Executing 4 specs`; a run of
 * several parts that announces each (libtest's `running 12 tests` per test binary) starts their sum.
 */
const ANNOUNCED = /^\s*(?:Running|running|Executing|Starting)\s+(\d+)\s+(?:tests?|test cases?|specs?|test suites?)\b(?!.*\b(?:passed|failed)\b)/;
function announcedTotal(lines: string[]): number | undefined {
  let total: number | undefined;
  for (const line of lines) {
    const m = ANNOUNCED.exec(line);
    if (m) total = (total ?? 0) + Number(m[1]);
  }
  return total;
}

const SUPPRESSED = /^\s*Suppressed \d+ warnings?\b|\b\d+ warnings? (?:suppressed|hidden|not shown)\b/i;

const FIXABLE = /\b(?:potentially fixable|fixable with|can be fixed (?:automatically|with))\b/i;

/** Does a summary above line `i` state outcomes (passed, failed) that add up to more than `total`? */
function earlierCountsMore(lines: string[], i: number, total: number, summary: (k: number) => boolean): boolean {
  for (let j = i - 1; j >= Math.max(0, i - 400); j--) {
    if (!summary(j)) continue;
    const c = summaryCounts(lines[j]!);
    if (c.total === undefined && (c.passed ?? 0) + (c.failed ?? 0) > total) return true;
  }
  return false;
}

/**
 * A summary line with its counts (a number and the word it counts), its verdict and its `and`s
 * taken out: the same summary of another part of the run has the same shape (`FOUND 3 ERRORS
 * AFFECTING 1 LINE` and `FOUND 6 ERRORS AND 1 WARNING AFFECTING 5 LINES`; `test result: ok. 6
 * passed; …` and `test result: FAILED. 3 passed; 1 failed; …`).
 */
const summaryShape = (line: string) =>
  line
    .toLowerCase()
    .replace(/\d[\d.,]*\s*[a-z]*|\b(?:and|ok|passed|failed|failure|success)\b/g, "")
    .replace(/[\s,;.]+/g, " ")
    .trim();

const TEST_COUNTS = /^\s*[#ℹ]\s+tests\s+\d+\s*$|^# TOTAL: +\d+$|^Testsuite summary for \S|\b\d+ errors? during collection\b|\b\d+ (?:tests?|examples?|specs?|assertions?|runs?|scenarios?|test cases?|pass|passed|passing|successes)\b|^\s*(?:not )?ok \d+\b|\btests? successful\b|^\s*--- (?:PASS|FAIL|SKIP): \S|^=== RUN\s+\S|^\*{3}Test Failed\*{3} \d+ failures?\.|^\d+(?:\/\d+)? modules? (?:FAILED|passed) unittests\b|^ok\s+\S+\s+(?:[\d.]+s|\(cached\))(?:\s|$)/im;
/** Fields of a test summary, capitalised as runners write them (`Tests: 12`, prove's `Tests=61`), not a build's `failed: 3 error(s)`. */
const TEST_FIELDS = /\b(?:Tests? run|Tests?|Examples?|Assertions|Passed|Failed|Ok|Fail|Skipped|Expected Fail|Unexpected Pass)\s*[:=]\s*\d|\b(?:PASS|FAIL) \d+\b.*\b(?:PASS|FAIL) \d+\b/m;
const isTestRun = (text: string) => TEST_COUNTS.test(text) || TEST_FIELDS.test(text);
const LINT_WORDS = /\b\d+ (?:offen[cs]es?|problems?|issues?|findings?|violations?|smells?|suggestions?|hints?)\b|\bno (?:offen[cs]es|problems|issues|findings|violations)\b|\bfiles? (?:inspected|checked|linted|scanned|would be reformatted|would reformat)|\bwould reformat\b|\blint(?:ing|er)?\b|^Unused (?:files|exports|dependencies|devDependencies|exported types|types|class members|enum members)\b/im;
const MAKE_STOP = /^\S*make(?:\[\d+\])?: \*\*\* /m;
const BUILD_WORDS = /\b(?:compil(?:e|ed|ing|ation)|linking|linker|undefined reference|ld returned|build (?:failed|stopped|succeeded)|ninja: |make(?:\[\d+\])?: |cc1|\bgcc\b|\bg\+\+|clang(?!-tidy|-format)|javac|rustc|msbuild|xcodebuild)\b/i;

/**
 * Files of languages that are run or read as they are, not built: scripts (Python, Ruby, Perl, PHP,
 * Lua, shell), markup and documents (HTML, XML, Markdown, reStructuredText, TeX) and configuration
 * (YAML, TOML, INI, Terraform, `.conf`). A finding placed in one, outside a trace, is a checker's.
 */
const UNCOMPILED_FILE = /\.(?:pyi?|rb|rake|pm|pl|t|php|lua|sh|bash|zsh|ksh|html?|xml|xsd|md|markdown|rst|tex|sty|ya?ml|toml|ini|cfg|conf|tf|tfvars)$/i;

/** Codes compilers give their diagnostics (a warning flag, tsc's, rustc's, the C#, MSVC and MSBuild ones), not a linter's rules. */
const COMPILER_CODE = /^(?:\[?-W[\w=+-]*\]?|TS\d{4,5}|E\d{4}|CS\d{4}|C\d{4}|LNK\d{4}|MSB\d{4})$/;

/** Columns set apart by two spaces or more, or by bars: `USER   PID %CPU`, ` id | name`. */
const COLUMNS = / {2,}\S| \| /g;
const columnCount = (line: string) => line.trim().match(COLUMNS)?.length ?? 0;
/** A header of column names: words, `%CPU`, `MAJ:MIN`, `Recv-Q`, `buff/cache`; no sentence. */
const HEADER = /^\s*[A-Za-z%#][\w%#:/.-]*(?:\s+\|?\s*[A-Za-z%#(][\w%#:/.()-]*)+\s*$/;

/**
 * A table (ps, df, free, lsblk, ss, a SQL client's result, a package manager's outdated list):
 * a header of three or more column names set apart as columns, and rows under it set apart the
 * same way; or a list of paths alone (tar -v, find), a drawn tree, a long listing's rows, or sizes
 * beside names (du).
 */
function isTable(lines: string[]): boolean {
  const shown: string[] = [];
  for (let i = 0; i < lines.length && shown.length < TABLE_SAMPLE; i++) if (lines[i]!.trim() !== "") shown.push(lines[i]!);
  if (shown.length < 3) return false;
  const h = shown.slice(0, 3).findIndex((l) => columnCount(l) >= 2 && HEADER.test(l));
  if (h !== -1) {
    const rows = shown.slice(h + 1).filter((l) => !/^[\s+|=-]+$/.test(l));
    const columnar = rows.findIndex((l) => columnCount(l) < 2);
    if ((columnar === -1 ? rows.length : columnar) >= 2) return true;
  }
  const share = (re: RegExp) => shown.filter((l) => re.test(l)).length / shown.length;
  return share(PATH_ALONE) >= 0.8 || share(TREE_BRANCH) >= 0.5 || share(LONG_LISTING) >= 0.5 || share(SIZE_ROW) >= 0.8;
}

/** A path alone on its line (tar -v, find). */
const PATH_ALONE = /^\s*\S*\/\S*\s*$/;
/** A branch of a drawn tree (tree, npm ls, cargo tree, pstree): `├── a.go`, `│   └── b`, `|-- c`, `` `-- d``. */
const TREE_BRANCH = /^[\s│|]*(?:[├└]──|[|`]--)/;
/** A long listing's row, its mode first (ls -l, tar -tv, find -ls): `drwxr-xr-x  20 root root 4096 …`. */
const LONG_LISTING = /^\s*(?:\d+\s+\d+\s+)?[-dlcbpsD][rwxsStT-]{9}[.+@]?\s/;
/** A size and a name (du, a sorted count): `7.2M    R`, `  1520 src/app.ts`. */
const SIZE_ROW = /^\s*\d[\d.,]*[KMGTPkB]?i?B?\s+\S/;

/** The lines a table is judged by: its header is among the first three, its rows follow. */
const TABLE_SAMPLE = 400;

/** A package script named for a check of style (`lint`, `lint:css`, `format:check`, `spellcheck`). */
const CHECK_SCRIPT = /^lint(?::[\w-]+)?$|^[\w-]+:lint$|^(?:format|fmt|style|prettier|spell)[:-]check$|^spellcheck$/;
/** A run told to check what it is given (`systemd-analyze verify a.service`, `packer validate .`); Maven's `verify` is a lifecycle phase, a build. */
const VERIFY_VERB = /^(?:verify|validate)$/;
const MAVEN = /^(?:\S*\/)?(?:mvn|mvnw)(?:\s|$)/;
/**
 * A program named a checker (`luacheck`, `codespell`, `clang-tidy`, `gofmt`, `hlint`, `jsonschema`), one run in its
 * check mode (`--check`), a well-known linter, type checker or analyser whose name says none of that
 * (flake8, pyright, phpcs, jshint, flawfinder, madge …), or a server's configuration test (`nginx -t`).
 */
const CHECKER =
  /^(?:\S*\/)?\S*(?:lint|check|spell|tidy|fmt|schema|validator)\b|\s--check(?:-only)?\b|^(?:\S*\/)?(?:flake8|pyflakes|pycodestyle|pydocstyle|pyright|mypy|bandit|vulture|ruff|jshint|jscs|standard|xo|phpcs|phpstan|psalm|phpmd|rubocop|reek|flawfinder|cppcheck|splint|madge|knip|depcheck|hadolint|lintian|tflint|checkov|semgrep|sqlfluff|detekt|checkstyle|pmd)(?:\s|$)|^(?:\S*\/)?(?:nginx|sshd|haproxy)\s+(?:.*\s)?-[tc](?:\s|$)|^(?:\S*\/)?apachectl\s+configtest\b|^(?:\S*\/)?\S*format\S*\s+(?:.*\s)?(?:--dry-run|--verify-no-changes)(?:\s|$)/;

/**
 * The verbs a command gives its program (`gem install rails`, `mvn -q clean package`, `npm run build`
 * names its script): its first two words after the program that are no option.
 */
function verbsOf(command: string): string[] {
  const words = programCommand(command).split(/\s+/).slice(1);
  const verbs = words.filter((w) => !w.startsWith("-")).slice(0, 2);
  return verbs[0] === "run" ? verbs.slice(1) : verbs;
}
/** Verbs that install packages, whatever the package manager (`install`, `add`, `npm ci`, `uv sync`, `dotnet restore`, `composer require`, `mix deps.get`). */
const INSTALL_VERB = /^(?:install|add|i|ci|sync|restore|require|deps\.get)$/;
/**
 * A package tool's install option, no verb (`dpkg -i a.deb`, `rpm -Uvh a.rpm`, `pacman -U a.pkg.tar.zst`),
 * or go's commands that fetch and settle a module's dependencies (`go mod tidy`, `go mod download`, `go get x@v1`).
 */
const INSTALL_OPTION = /^(?:\S*\/)?(?:dpkg\s+(?:.*\s)?(?:-i|--install)|rpm\s+(?:.*\s)?-[iU]\w*|pacman\s+(?:.*\s)?-U|go\s+(?:mod\s+(?:tidy|download|vendor)|get))(?:\s|$)/;
/** Does the command install packages by its option or its go module verb (kindByVerb's INSTALL_OPTION)? */
export const installsByCommand = (command: string): boolean => INSTALL_OPTION.test(programCommand(command));
/** Verbs that build (`cargo build`, `sbt compile`, `gradle assemble`, `mvn package`, `npm run docs`), or a build tool run with no target or its default one. */
const BUILD_VERB = /^(?:build|compile|assemble|package|bundle|dist|docs?)$/;
const BUILD_TOOL = /^(?:\S*\/)?(?:make|gmake|ninja|msbuild|xcodebuild)(?:\s|$)/;
/** Version control: git, Mercurial, Subversion, Bazaar, Fossil. */
const VCS_PROGRAM = /^(?:\S*\/)?(?:git|hg|svn|bzr|fossil)\s/;
const LISTING_PROGRAM = /^(?:\S*\/)?(?:ip\s+(?:-\S+\s+)*(?:a|addr|address|l|link|r|route|n|neigh)\b|ss|lsblk|lsof|lsusb|lspci|df|free|ps|mount|findmnt|printenv)(?:\s|$)/;
/** A bundler, which builds whatever it is asked (`webpack --mode production`, `rollup -c`, `esbuild src/a.ts --bundle`). */
const BUNDLER = /^(?:\S*\/)?(?:webpack|rollup|esbuild|parcel|tsup|rspack|rolldown)(?:\s|$)/;
/** A program named a build or a compiler, or a documentation generator, whatever its arguments (`sphinx-build -b html docs out`, `rpmbuild -ba x.spec`, `python3 -m compileall src`, `typedoc src/index.ts`). */
const BUILD_PROGRAM = /^(?:\S*\/)?(?:[\w.]+-?build|\w*compile\w*|typedoc|jsdoc|javadoc|doxygen|pdoc)(?:\s|$)/;

/**
 * An output file that is a compiled artefact by its extension (`-o hello.o`, `-o app.mo`,
 * `--output=lib.so`): whatever the program's name says (msgfmt's `fmt`), it builds.
 */
const ARTEFACT_OUTPUT = /\s(?:-o\s*|--output[=\s])\S+\.(?:o|obj|mo|a|so|dylib|dll|exe|class|jar|wasm|elc|beam|pyc|gmo)(?:\s|$)/;

/** Is the command a check: a checker by name, a lint script, a verify or validate verb? */
function isCheck(command: string): boolean {
  return CHECKER.test(programCommand(command)) || verbsOf(command).some((v) => CHECK_SCRIPT.test(v)) || (VERIFY_VERB.test(verbsOf(command)[0] ?? "") && !MAVEN.test(programCommand(command)));
}

/** What a command's verb says it does, when it says: installs or builds. */
function kindByVerb(command: string): OutputKind | null {
  const verbs = verbsOf(command);
  if (verbs.some((v) => INSTALL_VERB.test(v)) || INSTALL_OPTION.test(programCommand(command))) return "install";
  const program = programCommand(command);
  if (verbs.some((v) => BUILD_VERB.test(v)) || /\s--build\b/.test(program) || BUILD_PROGRAM.test(program) || BUNDLER.test(program) || (BUILD_TOOL.test(program) && verbs.every((v) => v === "all"))) return "build";
  return null;
}

/** What kind of run this was, from the words of its summaries and the shapes of its findings. */
function kindOf(lines: string[], errors: OutputError[], tests: string[], text: string, command: string, testRun: boolean): OutputKind {
  if (tests.length || testRun) return "test";
  // an install that failed in a package's own code (a setup.py's traceback inside pip's report, a postinstall script's stack) is an install,
  // and a checker that crashed (ESLint's `Oops! Something went wrong!` over node's stack) was a check
  if (kindByVerb(command) === "install") return "install";
  if (ARTEFACT_OUTPUT.test(programCommand(command))) return "build";
  if (isCheck(command)) return "lint";
  // a stack trace is frames close together (a Python or Go frame has its code or function line between);
  // one `at file:line` under each of a compiler's errors is its place, not a trace
  let trace = false;
  for (let i = 0, last = -9; i < lines.length && !trace; i++) {
    if (!isFrame(lines[i]!)) continue;
    trace = i - last <= 2;
    last = i;
  }
  if (trace && errors.length && !toolsOwnTrace(lines, errors)) return "runtime_error";
  const byVerb = kindByVerb(command);
  if (byVerb) return byVerb;
  // a program that lists what the system has (`ip addr`, `ss -tln`, `lsblk`, `df -h`, `ps aux`)
  if (LISTING_PROGRAM.test(programCommand(command))) return "listing";
  // a version-control program's own run (`git apply`, `hg update`, `svn commit`), unless a hook it ran printed a build's or a test's lines
  if (VCS_PROGRAM.test(programCommand(command)) && !BUILD_WORDS.test(text) && !LINT_WORDS.test(text)) return "vcs";
  const located = errors.some((e) => e.file);
  // findings only in files nothing compiles (scripts, markup, configuration) come from a checker
  if (located && errors.every((e) => !e.file || UNCOMPILED_FILE.test(e.file))) return "lint";
  if ((BUILD_WORDS.test(text) || errors.some((e) => e.code !== null && COMPILER_CODE.test(e.code))) && (located || errors.length)) return "build";
  if (LINT_WORDS.test(text) || errors.some((e) => e.code && e.file)) return "lint";
  if (located) return "build";
  // make's own stop (`make: *** No rule to make target 'x'.  Stop.`, `make: *** [Makefile:6: x] Error 127`) ends a build
  if (MAKE_STOP.test(text)) return "build";
  if (errors.length === 0 && isTable(lines)) return "listing";
  return "other";
}

/**
 * A trace all in installed code under an error placed in the project's files is the tool's own
 * stack, printed with its report (Rollup's and Vite's `at getRollupError (…/node_modules/rollup/…)`
 * under `src/a.js (18:94)`): the project's code did not run, the tool found a fault in it.
 */
function toolsOwnTrace(lines: string[], errors: OutputError[]): boolean {
  const frames = lines.filter((l) => isFrame(l));
  if (!frames.every((l) => frameKind(l) === "library")) return false;
  return errors.some((e) => e.file !== null && e.line !== null && frameKind(`at ${e.file}:${e.line}`) === "project");
}

/**
 * How many errors a run found: its placed errors when it placed some (a build tool's `FAILED: a.o`
 * and `build stopped` under the compiler's errors are not more errors), else every error line.
 */
export function errorCount(errors: OutputError[]): number {
  const all = errors.filter((e) => e.severity === "error");
  const placed = all.filter((e) => e.file !== null);
  // a place inside installed code (the throw in node_modules that carries a diagnostic of the project's) counts only when no error is in the project's files
  const own = placed.filter((e) => !LIBRARY_PATH.test(e.file!)).length;
  return own > 0 ? own : placed.length > 0 ? placed.length : all.length;
}

/** A program that crashed on a fatal signal, as a debugger or the shell says it: gdb's `Program received signal SIGSEGV, Segmentation fault.`, `Segmentation fault (core dumped)`. */
const CRASHED = /^(?:Program (?:received|terminated with) signal SIG(?:SEGV|ABRT|BUS|FPE|ILL)\b|(?:Segmentation fault|Aborted|Bus error|Floating point exception|Illegal instruction) \(core dumped\)\s*$)/m;

/** The run's last lines say it succeeded: `build succeeded, 9 warnings.`, `BUILD SUCCESSFUL in 3s`. */
function saysSucceeded(lines: string[]): boolean {
  for (let i = lines.length - 1, seen = 0; i >= 0 && seen < 5; i--) {
    if (lines[i]!.trim() === "") continue;
    seen++;
    if (SUCCEEDED.test(lines[i]!)) return true;
  }
  return false;
}
const SUCCEEDED = /\b(?:[Bb]uild succeeded|BUILD SUCCESS(?:FUL)?)\b/;

export const generic: Parser = {
  tool: "generic",
  matches: () => true,
  parse(lines, text, command = "", info) {
    const { total, ...found } = genericCounts(lines, info);
    // warnings stated with some suppressed (clang-tidy's `N warnings generated.` and `Suppressed M
    // warnings (M in non-user code)`): what the run reports are the warnings it shows
    if (found.warnings !== undefined && lines.some((l) => SUPPRESSED.test(l))) delete found.warnings;
    let errors = info ? issuesFromRoles(lines, info) : genericIssues(lines);
    // A summary of warnings and no errors (`Total: 6 warnings / 0 errors`): a finding that does not call itself an error is a warning.
    if (found.errors === 0 && (found.warnings ?? 0) > 0) errors = errors.map((e) => (e.severity === "error" && !/\berror/i.test(e.message) ? { ...e, severity: "warning" } : e));
    const failedSaid = (found.failed ?? 0) > 0 || (found.errors ?? 0) > 0;
    // a run whose tests each print a bracketed verdict, some passed and some failed, is a test run without a summary (Nim's unittest)
    const testRun = isTestRun(text) || bracketedRun(lines) || lines.some((l) => l.length <= MAX_TEST_LINE && PLACED_VERDICT.test(l));
    const tests = genericTests(lines, info, testRun, testRun && FAILURE_WORD.test(text));
    if (tests.length && info) errors = [...errors, ...failurePlaces(lines, info, errors)];
    if (found.passed === undefined) Object.assign(found, tapCounts(lines));
    // no summary says what passed: the tests whose own line says they did (`[       OK ] Suite.Name`, `[OK] name`)
    if (found.passed === undefined && testRun) {
      const passed = lines.filter((l) => BRACKETED_PASSED.test(l) || GO_PASSED.test(l) || PLACED_VERDICT.exec(l)?.[1] === "P").length;
      if (passed) {
        found.passed = passed;
        found.failed ??= tests.length;
      }
    }
    // a summary of the total alone (prove's `Tests=83`) and the failed tests named above it: what passed is the rest
    if (total !== undefined && found.failed === undefined && tests.length && total >= tests.length) {
      found.failed = tests.length;
      found.passed = Math.max(0, total - tests.length - (found.errors ?? 0) - (found.skipped ?? 0));
    }
    // xUnit's progress line, one mark a test (`...E.F.`): its dots are the passes; else `Ran 6 tests` less what failed
    if (found.passed === undefined && testRun) {
      // (the run's first line: a doctest's `...` further down is an ellipsis, not three passes)
      const first = lines.find((l) => l.trim() !== "") ?? "";
      const dots = first.includes(".") ? progressPasses(first) : undefined;
      const ran = numberOf(text, /^Ran (\d+) tests? in /m);
      if (dots !== undefined) found.passed = dots;
      else if (ran !== null && ran !== undefined && (found.failed !== undefined || found.errors !== undefined)) found.passed = Math.max(0, ran - (found.failed ?? 0) - (found.errors ?? 0) - (found.skipped ?? 0));
    }
    // a run that says at its start how many tests it runs (Boost.Test's `Running 6 test cases...`) and
    // then only what failed: what passed is the rest, the failed counted by name where they are named
    const announced = testRun && found.passed === undefined ? announcedTotal(lines) : undefined;
    if (announced !== undefined) {
      const failedTests = tests.length || found.failed || 0;
      if (failedTests <= announced) found.passed = announced - failedTests - (found.skipped ?? 0);
    }
    const warnings = errors.filter((e) => e.severity === "warning").length;
    const counts: Partial<Counts> = { errors: errorCount(errors), warnings, ...found };
    return {
      tool: "generic",
      kind: kindOf(lines, errors, tests, text, command, testRun),
      errors,
      tests_failed: tests,
      counts,
      // a run whose own last words say it succeeded (Sphinx's `build succeeded, 9 warnings.`) is not failed by an error line it reported along the way
      verdict: failedSaid || tests.length || (errors.some(labelledError) && !saysSucceeded(lines)) || CRASHED.test(text) ? "failed" : found.passed !== undefined ? "passed" : undefined,
      stated: (["errors", "warnings"] as const).filter((k) => found[k] !== undefined),
    };
  },
};
