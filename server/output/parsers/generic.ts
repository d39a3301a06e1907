/**
 * The fallback for any tool: what the shapes of its lines say. Findings (a location with a
 * severity or a code, or a compiler's `path:line: message`) and error lines are its errors; lines
 * naming a failed test are its failures; the last summary line with counts gives the counts.
 */
import { isFrame } from "../shape/frames.ts";
import { findLocation } from "../shape/location.ts";
import { isSummary, type SummaryCounts, summaryCounts } from "../shape/summary.ts";
import { codeOf, hasCode, isChatter, severityOf } from "../shape/words.ts";
import type { LineInfo } from "../roles.ts";
import { type Counts, issue, type OutputError, type OutputKind, type Parser } from "../types.ts";

/** `FAIL name`, `✗ name`, `not ok 3 - name`, `--- FAIL: TestX (0.00s)`, `FAILED path::test - msg`. */
const FAILED_TEST = /^\s*(?:--- FAIL:\s+|(?:FAIL(?:ED)?|✗|✖|✘|×|not ok(?: \d+)?(?: -)?)\s+)(\S.*?)(?:\s+\([\d.]+\s*m?s\))?(?: - .*)?$/;

export function genericIssues(lines: string[], limit = 200): OutputError[] {
  const errors: OutputError[] = [];
  for (const line of lines) {
    if (errors.length >= limit) break;
    if (line.length > 2000 || isFrame(line) || isChatter(line)) continue;
    const severity = severityOf(line);
    const at = findLocation(line);
    const finding = at !== null && !/^:\S/.test(line.slice(at.end)) && (at.leading || severity !== null || hasCode(line));
    if (!finding && severity === null) continue;
    if (!finding && isSummary(line)) continue;
    errors.push(issue(line, severity ?? (at?.leading ? "error" : "warning"), at?.file ?? null, at?.line ?? null, at?.column ?? null, codeOf(line) || null));
  }
  return errors;
}

/** The same issues, from lines whose roles are read already (compaction reads them anyway). */
export function issuesFromRoles(lines: string[], info: LineInfo, limit = 200): OutputError[] {
  const errors: OutputError[] = [];
  for (let i = 0; i < lines.length && errors.length < limit; i++) {
    const r = info.roles[i]!;
    if (r !== "finding" && r !== "problem" && r !== "warning" && r !== "failure" && r !== "assertion") continue;
    const line = lines[i]!;
    const at = r === "finding" ? info.locations[i] : null;
    const severity = severityOf(line);
    if (!at && severity === null) continue;
    errors.push(issue(line, severity ?? (at?.leading ? "error" : "warning"), at?.file ?? null, at?.line ?? null, at?.column ?? null, codeOf(line) || null));
  }
  return errors;
}

function genericTests(lines: string[], info?: LineInfo): string[] {
  const failed: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (info && info.roles[i] !== "failure" && info.roles[i] !== "summary") continue;
    const line = lines[i]!;
    const m = FAILED_TEST.exec(line);
    if (m && !isSummary(line) && !failed.includes(m[1]!) && failed.length < 200) failed.push(m[1]!);
  }
  return failed;
}

function genericCounts(lines: string[], info?: LineInfo): SummaryCounts {
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 400); i--) {
    const line = lines[i]!;
    if (info ? info.roles[i] !== "summary" : !isSummary(line)) continue;
    const c = summaryCounts(line);
    if (Object.keys(c).length) return c;
  }
  return {};
}

const TEST_WORDS = /\b\d+ (?:tests?|examples?|specs?|assertions?|runs?|scenarios?|test cases?|passed|passing)\b|\b(?:Tests? run|Tests?|Examples?|Assertions|Passed|Failed|Ok|Fail|Skipped|Expected Fail|Unexpected Pass):\s*\d|^\s*(?:not )?ok \d+\b/im;
const LINT_WORDS = /\b\d+ (?:offen[cs]es?|problems?|issues?|findings?|violations?|smells?|suggestions?|hints?)\b|\bno (?:offen[cs]es|problems|issues|findings|violations)\b|\bfiles? (?:inspected|checked|linted|scanned|would be reformatted|would reformat)|\bwould reformat\b|\blint(?:ing|er)?\b/i;
const BUILD_WORDS = /\b(?:compil(?:e|ed|ing|ation)|linking|linker|undefined reference|ld returned|build (?:failed|stopped|succeeded)|ninja: |make(?:\[\d+\])?: |cc1|\bgcc\b|\bg\+\+|clang(?!-tidy|-format)|javac|rustc|msbuild|xcodebuild)\b/i;

/** What kind of run this was, from the words of its summaries and the shapes of its findings. */
function kindOf(lines: string[], errors: OutputError[], tests: string[], text: string): OutputKind {
  if (tests.length || TEST_WORDS.test(text)) return "test";
  let frames = 0;
  for (const line of lines) if (isFrame(line) && ++frames >= 2) break;
  if (frames >= 2 && errors.length) return "runtime_error";
  const located = errors.some((e) => e.file);
  if (BUILD_WORDS.test(text) && (located || errors.length)) return "build";
  if (LINT_WORDS.test(text) || errors.some((e) => e.code && e.file)) return "lint";
  if (located) return "build";
  return "other";
}

export const generic: Parser = {
  tool: "generic",
  matches: () => true,
  parse(lines, text, _command, info) {
    const errors = info ? issuesFromRoles(lines, info) : genericIssues(lines);
    const tests = genericTests(lines, info);
    const found = genericCounts(lines, info);
    const warnings = errors.filter((e) => e.severity === "warning").length;
    const counts: Partial<Counts> = { errors: errors.length - warnings, warnings, ...found };
    const failedSaid = (found.failed ?? 0) > 0 || (found.errors ?? 0) > 0;
    return {
      tool: "generic",
      kind: kindOf(lines, errors, tests, text),
      errors,
      tests_failed: tests,
      counts,
      verdict: failedSaid || tests.length ? "failed" : found.passed !== undefined ? "passed" : undefined,
    };
  },
};
