/**
 * Summary and verdict lines, whatever the tool: counts of results (`3 passed, 1 failed`,
 * `Tests run: 5, Failures: 1`, `ok=3 changed=1 failed=0`, `Plan: 1 to add, 0 to change, 2 to
 * destroy.`, `Found 12 errors`, `✖ 4 problems (3 errors, 1 warning)`) and verdicts (`BUILD FAILED`,
 * `FAILURES!`, `OK (12 tests)`, `** BUILD SUCCEEDED **`).
 */

/** Words that name results: what a run counts when it sums up. */
const RESULT =
  String.raw`(?:pass(?:ed|es|ing)?|fail(?:ed|s|ing|ures?)?|errors?|warnings?|skip(?:ped|s)?|pending|todo|ignored|xfailed|xpassed|deselected|rerun|flaky|broken|disabled|excluded|tests?|examples?|assertions?|specs?|suites?|cases?|checks?|scenarios?|steps?|problems?|issues?|offen[cs]es?|findings?|violations?|notices?|hints?|infos?|suggestions?|vulnerabilit(?:y|ies)|files?|lines?|insertions?|deletions?|changes?|changed|unchanged|ok|added|removed|updated|destroyed|created|deleted|replaced|succeeded|successful|completed|total|unreachable|rescued|reformatted|packages?|dependencies|modules?|targets?|tasks?|jobs?|hosts?|resources?|outputs?|benchmarks?|leaks?|bytes? (?:in \d+ blocks?)?|blocks?|to (?:add|change|destroy|import))`;
// a number after `#` is an ordinal, no count (GNU patch's `Hunk #2 FAILED at 13.`)
const COUNT_THEN_WORD = new RegExp(String.raw`(?<![\w.:#-])\d+(?:\.\d+)?%?\s+(?:\w+\s+){0,2}${RESULT}\b`, "gi");
const WORD_THEN_COUNT = new RegExp(String.raw`\b${RESULT}\s*(?::|=)\s*\d+\b`, "gi");
/** TAP's closing comments, a count per line: `# tests 6`, `# pass  4`, `# fail  2` (node --test's reporter: `ℹ pass 4`). */
const TAP_COUNT = /^\s*[#ℹ]\s+(?:tests|suites|pass|fail|cancelled|skipped|skip|todo)\s+\d+\s*$/;
/** automake's test harness summary, a count per line: `# TOTAL: 4`, `# PASS:  2`, `# XFAIL: 1`, `# FAIL:  1`. */
const HARNESS_COUNT = /^\s*#\s+(TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):\s+(\d+)\s*$/;
const HARNESS_KEYS: Record<string, keyof SummaryCounts> = { TOTAL: "total", PASS: "passed", SKIP: "skipped", FAIL: "failed", ERROR: "errors" };
/** Outcomes in capitals before their counts, in cells: testthat's `[ FAIL 0 | WARN 0 | SKIP 0 | PASS 6 ]`. */
const CAPS_THEN_COUNT = /\b(?:PASS|FAIL|SKIP|WARN|ERROR)\s+\d+\b/g;
/** Strong result words: one count of them is a summary on its own. */
const STRONG = /pass|fail|error|warning|skip|pending|test|example|assertion|spec|problem|issue|offen|finding|violation|vulnerab|to (?:add|change|destroy)|succeeded|leak|unreachable|changed|ok\b/i;
const VERDICT =
  /^\s*(?:SUMMARY|Summary|RESULTS?|Results?|TOTALS?|Totals?)\b\s*:|^\s*(?:TOTAL|Total)\s+(?:\S+\s+)?\d[\d\s.,%-]*$|^(?:ok|FAIL|PASS)\s+\S+\s+(?:\(?[\d.]+m?s\)?|\(cached\))(?:\s+coverage: [\d.]+% of statements(?: in \S+)?)?\s*$|^\s*(?:\*{1,3}\s*)?(?:BUILD (?:SUCCESS(?:FUL)?|FAILED|FAILURE|SUCCEEDED)|TEST(?:S)? (?:FAILED|SUCCEEDED|PASSED)|FAILURES!+|FAILED|FAIL|PASS(?:ED)?|OK|SUCCESS|ALL TESTS PASSED|All (?:tests|checks|specs|examples) passed!?|No (?:errors|problems|issues|offenses|violations|findings)(?: found| detected)?!?|Success(?:: no issues found.*)?|Testing failed:|Compilation (?:failed|succeeded)|Apply complete!.*|No changes\..*|(?:\w+ ){0,3}(?:passed|failed|succeeded)[.!]?)(?:\s*\*{1,3})?\s*(?:\(.*\))?\s*[.!]?\s*$/;

export interface SummaryCounts {
  passed?: number;
  failed?: number;
  skipped?: number;
  errors?: number;
  warnings?: number;
  /** The run's total of tests, when the line gives it and not what passed (prove's `Files=5, Tests=83`). */
  total?: number;
}

/** Is this line a summary (counts of results) or a verdict? */
/** Counts of few in words, a whole line of them (scalac's `one warning found`, `two errors found`, `one error and two warnings found`). */
const NUMBER_WORDS = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
const NUMBER_WORD = String.raw`(?:${NUMBER_WORDS.join("|")}|\d+)`;
const WORDED_COUNTS = new RegExp(String.raw`^\s*${NUMBER_WORD} (?:warnings?|errors?|failures?)(?:,? and ${NUMBER_WORD} (?:warnings?|errors?|failures?))?(?: found| generated| detected| reported)?\.?\s*$`, "i");
const A_NUMBER_WORD = new RegExp(String.raw`\b(?:${NUMBER_WORDS.join("|")})\b`, "gi");
/** Such a line with digits for its words; any other line as it is. */
function withDigits(line: string): string {
  if (!WORDED_COUNTS.test(line)) return line;
  return line.replace(A_NUMBER_WORD, (w) => String(NUMBER_WORDS.indexOf(w.toLowerCase()) + 1));
}

/**
 * A diagnostic in GNU's form for a whole file or a program, `NAME: warning: MESSAGE` (Bison's
 * `calc.y: warning: 26 shift/reduce conflicts [-Wconflicts-sr]`, `cc1: error: …`): a finding, though
 * `warning: 26` reads like a count.
 */
const NAMED_DIAGNOSTIC = /^[^\s:]+: (?:fatal error|error|warning|note): /;

export function isSummary(raw: string): boolean {
  const line = withDigits(raw);
  if (line.length > 400 || (line.includes(": ") && NAMED_DIAGNOSTIC.test(line))) return false;
  if (VERDICT.test(line)) return true;
  if (!/\d/.test(line)) return false;
  let pairs = 0;
  let strong = false;
  COUNT_THEN_WORD.lastIndex = 0;
  for (let m = COUNT_THEN_WORD.exec(line); m; m = COUNT_THEN_WORD.exec(line)) {
    pairs++;
    strong ||= STRONG.test(m[0]);
  }
  WORD_THEN_COUNT.lastIndex = 0;
  for (let m = WORD_THEN_COUNT.exec(line); m; m = WORD_THEN_COUNT.exec(line)) {
    pairs++;
    strong ||= STRONG.test(m[0]);
  }
  if (TAP_COUNT.test(line)) return true;
  if (line.includes("#") && HARNESS_COUNT.test(line)) return true;
  CAPS_THEN_COUNT.lastIndex = 0;
  for (let m = CAPS_THEN_COUNT.exec(line); m; m = CAPS_THEN_COUNT.exec(line)) {
    pairs++;
    strong = true;
  }
  return pairs >= 2 || (pairs === 1 && strong && line.trim().length <= 120);
}

/** `Unexpected Pass: 0`, `Expected Fail: 0` (meson, automake's harness): outcomes that are not plain passes or failures. */
const QUALIFIED = String.raw`(?<!(?:[Uu]nexpected|[Ee]xpected)\s+)`;
/** A count is a count of the word after it, not the value of the field before it (Ansible's recap: `unreachable=0    failed=1`). */
const PICK: Array<[keyof SummaryCounts, RegExp]> = [
  ["passed", new RegExp(String.raw`(?<!\w=)(\d+)\s+(?:tests?\s+)?(?:pass(?:ed|es|ing)?|ok|succeeded|successful|successes)\b|${QUALIFIED}\b(?:pass(?:ed)?|ok)\s*[:=]\s*(\d+)|\bPASS\s+(\d+)\b|^\s*[#ℹ]\s+pass\s+(\d+)\s*$`, "i")],
  ["failed", new RegExp(String.raw`(?<!\w=)(\d+)\s+(?:tests?\s+)?(?:fail(?:ed|s|ing|ures?)?)\b|${QUALIFIED}\bfail(?:ed|ures?)?\s*[:=]\s*(\d+)|\bFAIL\s+(\d+)\b|^\s*[#ℹ]\s+fail\s+(\d+)\s*$`, "i")],
  ["skipped", /(?<!\w=)(\d+)\s+(?:tests?\s+)?(?:skip(?:ped|s)?|pending|ignored)\b|\b(?:skip(?:ped)?|pending|ignored)\s*[:=]\s*(\d+)|\bSKIP\s+(\d+)\b/i],
  ["errors", /(?<!\w=)(\d+)\s+errors?\b|\berrors?\s*[:=]\s*(\d+)/i],
  ["warnings", /(?<!\w=)(\d+)\s+warnings?\b|\bwarnings?\s*[:=]\s*(\d+)|\bWARN\s+(\d+)\b/i],
];

/**
 * A run's total of tests, not followed by an outcome (`22 examples, 1 failure`, `15 runs, …`,
 * `OK (13 tests, 20 assertions)`, `Tests: 65, …`, prove's `Tests=61`): what passed is what the
 * total leaves after failures, errors and skips, when the line does not say it.
 */
const TOTAL = /(?<![\w.])(\d+)\s+(?:tests?|examples?|runs|specs?|test cases|scenarios)\b(?!\s+(?:pass|fail|skip|ok\b|error|succeed|run\b|were|are|have|in \d|of \d))|\b(?:Tests(?: run)?|Specs)\s*[:=]\s*(\d+)|\btests? failed out of (\d+)\b/;

/**
 * A summary of labels each before its count, set apart by tabs or wide spaces (tcltest's
 * `all.tcl:  Total 8  Passed 5  Skipped 0  Failed 3`): read label by label, not number then word.
 */
const LABELS_FIRST = /^(?:\S+:)?(?:[\t ]+(?:Total|Passed|Failed|Skipped|Errors?|Warnings?)[\t ]+\d+){3,}\s*$/;
const LABEL_KEYS: Record<string, keyof SummaryCounts> = { total: "total", passed: "passed", failed: "failed", skipped: "skipped", error: "errors", errors: "errors", warning: "warnings", warnings: "warnings" };

function labelledCounts(line: string): SummaryCounts {
  const out: SummaryCounts = {};
  for (const m of line.matchAll(/(Total|Passed|Failed|Skipped|Errors?|Warnings?)[\t ]+(\d+)/g)) out[LABEL_KEYS[m[1]!.toLowerCase()]!] = Number(m[2]);
  if (out.failed !== undefined) delete out.total;
  return out;
}

const PROBLEMS = /(?<!\w=)(\d+)\s+problems?\b/i;

/** The counts a summary line states (those it names). */
export function summaryCounts(raw: string): SummaryCounts {
  const line = withDigits(raw);
  if (LABELS_FIRST.test(line)) return labelledCounts(line);
  // an expected failure (XFAIL) or an unexpected pass (XPASS) is counted by none of the run's counts here
  const harness = HARNESS_COUNT.exec(line);
  if (harness) return HARNESS_KEYS[harness[1]!] ? { [HARNESS_KEYS[harness[1]!]!]: Number(harness[2]) } : {};
  const out: SummaryCounts = {};
  for (const [key, re] of PICK) {
    const m = re.exec(line);
    if (m) out[key] = Number(m[1] ?? m[2] ?? m[3] ?? m[4]);
  }
  // problems counted beside the warnings among them (commitlint's `found 4 problems, 0 warnings`): the rest are errors
  if (out.errors === undefined && out.warnings !== undefined) {
    const problems = PROBLEMS.exec(line);
    if (problems && Number(problems[1]) >= out.warnings) out.errors = Number(problems[1]) - out.warnings;
  }
  if (out.passed === undefined) {
    const t = TOTAL.exec(line);
    const total = t ? Number(t[1] ?? t[2] ?? t[3]) : -1;
    const passed = t ? total - (out.failed ?? 0) - (out.errors ?? 0) - (out.skipped ?? 0) : -1;
    if (passed >= 0) out.passed = passed;
    if (t && out.failed === undefined) out.total = total;
  }
  return out;
}
