/**
 * The analysis of a command's output: which tool made it, what kind of work it was, whether it
 * worked, the counts, every error with its location, the failing tests, entities and next steps.
 * A command whose exit code is not 0 is never reported as a success.
 */
import { extractEntities } from "./entities.ts";
import { missingModules } from "./parsers/install.ts";
import { generic, pickParser, type RuleSelection } from "./parsers/index.ts";
import { errorCount, genericIssues, issuesFromRoles } from "./parsers/generic.ts";
import { type LineInfo, lineBodies, lineRoles, stripLogPrefix } from "./roles.ts";
import { commandFile, filelessPlace } from "./shape/command-file.ts";
import { findLocation } from "./shape/location.ts";
import { hasSeverityLabel, severityOf } from "./shape/words.ts";
import { isJsonData, isPipeline, isSettingsDump, listsTests, measures, PRINTER_COMPLAINT, printsAnswer, printsData, printsText, textPrinter } from "./shape/content.ts";
import { type Analysis, emptyCounts, issue, type OutputKind, type OutputStatus, type Parser, type ParseResult, programCommand, scriptCommand } from "./types.ts";

export interface AnalyzeOptions {
  command?: string;
  exitCode?: number | null;
  /** Which tool rules apply (default all). */
  rules?: RuleSelection;
  /** The roles of the text's lines, when compaction has read them already. */
  info?: LineInfo;
  /** The text is a file's, printed as it is (content.ts; default: what the command says). */
  fileText?: boolean;
}

/** Analysis works on at most this much of the text: its start and end, where the facts are. */
const WINDOW = 4 * 1024 * 1024;
/** Text longer than this is analysed by its start and end alone (and reads no roles it is given). */
export const ANALYSIS_WINDOW = WINDOW;

export function analyzeOutput(text: string, options: AnalyzeOptions = {}): Analysis {
  return analyzeWith(text, options).analysis;
}

/** The analysis and the recogniser that made it. */
export function analyzeWith(text: string, options: AnalyzeOptions = {}): { analysis: Analysis; parser: Parser } {
  const window = text.length > WINDOW ? `${text.slice(0, WINDOW / 2)}\n${text.slice(-WINDOW / 2)}` : text;
  const lines = window.split("\n");
  // `npm run lint` is read as what its script ran (`eslint src`), named in the output's banner
  const command = scriptCommand(options.command ?? "", window);
  // a file's text (`cat src/a.py`) or a search's answer (`grep -rn error src`) is no tool's report, whatever
  // words it holds: the printer's own complaints are its errors (git's `fatal:` for `git grep`)
  if (options.fileText ?? printsText(options.command)) {
    const tool = textPrinter(options.command) ?? "cat";
    // a program that failed says why on lines of its own, prefixed with its name, as POSIX utilities do
    // (`awk: sum.awk: line 9: missing } near end of file`, `sed: -e expression #1, char 15: unterminated `s' command`)
    // (a lone program that exited 0 did not fail, whatever it printed; a pipeline's exit is its last stage's)
    const failed = options.exitCode !== undefined && options.exitCode !== null && options.exitCode !== 0;
    const complains = options.exitCode !== 0 || isPipeline(options.command ?? "");
    const own = `${tool}: `;
    const errors = lines
      .filter((l) => (complains && (PRINTER_COMPLAINT.test(l) || (tool === "git" && /^fatal: /.test(l)))) || (failed && l.startsWith(own)))
      .map((l) => {
        const at = findLocation(l);
        return issue(l, "error", at?.file ?? null, at?.line ?? null, at?.column ?? null);
      });
    const read: ParseResult = { tool, kind: "listing", errors, tests_failed: [], counts: { errors: errors.length } };
    const counts = { ...emptyCounts(), errors: errors.length };
    const analysis: Analysis = { tool, kind: "listing", status: statusOf(read, counts, options.exitCode), counts, errors, tests_failed: [], entities: extractEntities(window), suggestions: [] };
    // a search's or a listing's answer is the parser's that would read it (a long one compacts as that one
    // reads it: find's and grep's by the listing recogniser, ps's idle rows by their shape); a file's text is no tool's
    return { analysis, parser: printsAnswer(options.command) ? pickParser(window, command, options.rules).parser : generic };
  }
  const { parser, program } = pickParser(window, command, options.rules);
  // the lines' roles (read by the shapes) as compaction found them, or read here: text analysed on
  // its own (`ai-session analyze`, the REST and MCP analyse calls) is read as well as compacted output
  // (a text past the window keeps its shapes unread: reading 4 MB of roles again would cost seconds)
  const info = window === text ? (options.info ?? lineRoles(lines)) : undefined;
  // the shapes alone are read from the lines' bodies: without the prefix most lines carry (`[lint] `, a time), JSON lines by their text
  // (a tool's own recogniser reads its lines without a task runner's or a logger's prefix, as they were printed)
  const bodies = parser === generic ? (info?.bodies ?? lineBodies(lines)) : stripLogPrefix(lines);
  // the shapes alone read the kind of run from the words of the command as typed (`npm run build`)
  let parsed: ParseResult = parser.parse(bodies, bodies === lines ? window : bodies.join("\n"), parser === generic ? (options.command ?? "") : command, info);
  // read by shapes alone, a run that printed data (a JSON document, a dump of settings) and exited 0 found
  // nothing: the words of its values (`"StaleReason": "build ID mismatch"`) are data, not findings
  if (parser === generic && options.exitCode === 0 && parsed.errors.length > 0 && printedData(window)) parsed = { ...parsed, errors: [], counts: { ...parsed.counts, errors: 0, warnings: 0 } };
  // so did a benchmark or a profiler that exited 0 at the places it measured (`139  13.5%  13.9%  JS: *renderPage
  // file:///…/render.js:8:20`), but for what labels itself a warning or an error; what it counted stays (`Failed requests: 37`)
  if (parser === generic && options.exitCode === 0 && parsed.errors.length > 0 && measures(options.command)) {
    const errors = parsed.errors.filter((e) => e.file === null || hasSeverityLabel(e.message));
    if (errors.length < parsed.errors.length) parsed = { ...parsed, errors, counts: { ...parsed.counts, errors: errorCount(errors), warnings: errors.filter((e) => e.severity === "warning").length } };
  }
  // A program no recogniser knows is named as the command names it.
  if (program) parsed = { ...parsed, tool: program };
  if (parser !== generic && parsed.errors.length === 0 && options.exitCode !== 0 && options.exitCode !== undefined && options.exitCode !== null) {
    const bodies = info?.bodies ?? lineBodies(lines);
    parsed = { ...parsed, errors: info ? issuesFromRoles(bodies, info, ERRORS_KEPT) : genericIssues(bodies, ERRORS_KEPT) };
  }
  parsed = lastWordsError(parsed, lines, options.exitCode, options.command ?? "");
  parsed = placedInCommandFile(parsed, options.command ?? "");
  // a test runner asked to list its tests ran none: its listing is no test run, and no test passed or failed
  if (listsTests(options.command)) parsed = { ...parsed, kind: parsed.errors.some((e) => e.severity === "error") ? parsed.kind : "listing", tests_failed: [], counts: { ...parsed.counts, passed: 0, failed: 0, skipped: 0 } };
  const counts = { ...emptyCounts(), ...parsed.counts };
  const warnings = parsed.errors.filter((e) => e.severity === "warning").length;
  const stated = new Set(parsed.stated);
  if (!stated.has("warnings")) counts.warnings = Math.max(counts.warnings, warnings);
  // A test run's failures are its errors already: only other tools count error lines as errors.
  if (parsed.kind !== "test" && !stated.has("errors")) counts.errors = Math.max(counts.errors, errorCount(parsed.errors));
  if (parsed.counts.failed === undefined) counts.failed = Math.max(counts.failed, parsed.tests_failed.length);
  const analysis: Analysis = {
    tool: parsed.tool,
    // a build run with the program after it (`make && ./app`) whose program a sanitizer stopped: the run crashed;
    // data the agent asked for (a query's rows, jq's JSON, pip list) that reports nothing is a listing
    kind: parsed.kind !== "test" && SANITIZER_REPORT.test(window) ? "runtime_error" : quietData(parsed, counts, options, text) ? "listing" : parsed.kind,
    status: statusOf(parsed, counts, options.exitCode),
    counts,
    // Past the cap, errors before warnings and notes.
    errors: parsed.errors.length > ERRORS_KEPT ? [...parsed.errors].sort((a, b) => rank(a.severity) - rank(b.severity)).slice(0, ERRORS_KEPT) : parsed.errors,
    tests_failed: parsed.tests_failed.slice(0, 200),
    entities: extractEntities(window),
    suggestions: suggestionsFor(parsed, window, options.exitCode),
  };
  return { analysis, parser };
}

/** A JSON text longer than this is not parsed to see whether it is data (its kind stays what its tool says). */
const JSON_DATA_CHARS = 64 * 1024;

/** Did the run report nothing: exit 0 (or none known), no errors, warnings or failed tests, no test run? */
function reportsNothing(kind: OutputKind | null | undefined, counts: Analysis["counts"], exitCode: number | null | undefined): boolean {
  return kind !== "test" && !counts.errors && !counts.warnings && !counts.failed && (exitCode === undefined || exitCode === null || exitCode === 0);
}

/**
 * Is this the clean output of data the agent asked for: a data program's (content.ts printsData), or a
 * JSON document, JSON lines or a dump of settings no recogniser read as anything but `other`, with
 * nothing found in it?
 */
function quietData(parsed: ParseResult, counts: Analysis["counts"], options: AnalyzeOptions, text: string): boolean {
  if (!reportsNothing(parsed.kind, counts, options.exitCode)) return false;
  return printsData(options.command) || ((parsed.kind === "other" || !parsed.kind) && printedData(text));
}

/** Is the text data by its shape: a JSON document or JSON lines, or a dump of settings (`NAME=value` lines)? */
function printedData(text: string): boolean {
  return text.length <= JSON_DATA_CHARS && (isJsonData(text) || isSettingsDump(text));
}

/** A quiet run this short (lines, characters) is read whole: a page or two of what a program printed. */
const QUIET_RUN_LINES = 80;
const QUIET_RUN_CHARS = 6_000;

/**
 * Is this the short output of a run that no rule read as a tool's report (kind `other`) and that
 * reported nothing: exit 0, no errors, warnings or failed tests? A project's own script (a
 * reconciliation, a migration runner, an export) prints what it did or found, and an agent ran it to
 * read that: its lines are kept, where a tool's known chatter would fold.
 */
export function isQuietRun(a: Analysis, options: Pick<AnalyzeOptions, "exitCode">, lines: number, chars: number): boolean {
  return a.kind === "other" && reportsNothing(a.kind, a.counts, options.exitCode) && options.exitCode === 0 && lines <= QUIET_RUN_LINES && chars <= QUIET_RUN_CHARS;
}

/** Is the analysed output data asked for that reported nothing (a listing by quietData), kept whole when it is short? */
export function isQuietData(a: Analysis, options: Pick<AnalyzeOptions, "command" | "exitCode">, text: string): boolean {
  if (a.kind !== "listing" || !reportsNothing(a.kind, a.counts, options.exitCode)) return false;
  return printsData(options.command) || listsTests(options.command) || printedData(text);
}

/** A sanitizer's report header: `==4709==ERROR: AddressSanitizer: heap-use-after-free …` (Leak, Memory, Thread, UndefinedBehavior too). */
const SANITIZER_REPORT = /^==\d+==ERROR: (?:Address|Leak|Memory|Thread|UndefinedBehavior|HWAddress)Sanitizer:/m;

/**
 * A failed run in which nothing reads as an error: what it said last, when that names a place or
 * is the program's own `name: message`, is why it stopped (a script's `die`, `unknown currency
 * 'GBP' at report.pl line 14.`, after warnings of the same shape; a decoder's `Expecting value:
 * line 4 column 33 (char 68)` about the command's file; sed's `sed: -e expression #1, …`).
 */
function lastWordsError(parsed: ParseResult, lines: string[], exitCode: number | null | undefined, command: string): ParseResult {
  if (exitCode === undefined || exitCode === null || exitCode === 0 || parsed.kind === "test") return parsed;
  if (parsed.errors.some((e) => e.severity === "error")) return parsed;
  let k = lines.length - 1;
  while (k >= 0 && lines[k]!.trim() === "") k--;
  const last = k >= 0 ? lines[k]!.trim() : "";
  // a line that calls itself a warning stays one (HTML Tidy exits 1 on warnings alone)
  if (!last || severityOf(last) === "warning") return parsed;
  const at = findLocation(last);
  // the program's own `name: message`, as POSIX utilities report (`sed: -e expression #1, char 11: unterminated `s' command`)
  const program = programCommand(command).split(/\s+/)[0]?.split("/").pop();
  const ownWords = !!program && last.startsWith(`${program}: `);
  if (!at && !ownWords && !(filelessPlace(last) && commandFile(command))) return parsed;
  const said = parsed.errors.findIndex((e) => e.message === last);
  const errors = [...parsed.errors];
  if (said === -1) return { ...parsed, errors: [...errors, issue(last, "error", at?.file ?? null, at?.line ?? null, at?.column ?? null)] };
  const was = errors[said]!.severity;
  errors[said] = { ...errors[said]!, severity: "error" };
  // the warning it was read as is one fewer (unless the tool stated its count)
  const counts = was === "warning" && parsed.counts.warnings && !parsed.stated?.includes("warnings") ? { ...parsed.counts, warnings: parsed.counts.warnings - 1 } : parsed.counts;
  return { ...parsed, errors, counts };
}

/** Findings that start with a line and name no file are in the one file the command names, if it names one. */
function placedInCommandFile(parsed: ParseResult, command: string): ParseResult {
  if (!parsed.errors.some((e) => e.file === null)) return parsed;
  const file = commandFile(command);
  if (!file) return parsed;
  const errors = parsed.errors.map((e) => {
    const place = e.file === null ? filelessPlace(e.message) : null;
    return place ? { ...e, file, line: place.line, column: place.column } : e;
  });
  return { ...parsed, errors };
}

/** The findings an analysis keeps (a lint run of 460 findings lists them all; MCP results show fewer and page the rest). */
export const ERRORS_KEPT = 1000;

const rank = (s: string) => (s === "error" ? 0 : s === "warning" ? 1 : 2);

function statusOf(parsed: ParseResult, counts: Analysis["counts"], exitCode: number | null | undefined): OutputStatus {
  if (exitCode !== undefined && exitCode !== null && exitCode !== 0) return "failure";
  const failedSigns = parsed.verdict === "failed" || counts.failed > 0 || counts.errors > 0;
  if (exitCode === 0) {
    if (parsed.verdict === "failed") return "failure";
    return counts.warnings > 0 ? "warnings" : "success";
  }
  if (failedSigns) return "failure";
  if (parsed.verdict === "passed") return counts.warnings > 0 ? "warnings" : "success";
  return "unknown";
}

function suggestionsFor(parsed: ParseResult, text: string, exitCode: number | null | undefined): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (s: string) => {
    if (!seen.has(s) && out.length < 6) {
      seen.add(s);
      out.push(s);
    }
  };
  for (const e of parsed.errors) {
    if (e.severity !== "error" || !e.file || e.line === null) continue;
    if (/node_modules|^node:|site-packages|^\/usr\/lib/.test(e.file)) continue;
    add(`open ${e.file}:${e.line}${e.column ? `:${e.column}` : ""}${e.code ? ` (${e.code})` : ""}`);
    if (out.length >= 3) break;
  }
  for (const s of parsed.suggestions ?? []) add(s);
  if (parsed.tool !== "npm") for (const m of missingModules(text)) add(m);
  if (out.length === 0 && exitCode !== undefined && exitCode !== null && exitCode !== 0) {
    add(`the command exited with ${exitCode}: read the last lines of its output`);
  }
  return out;
}
