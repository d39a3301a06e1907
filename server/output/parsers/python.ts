/** pytest, unittest and Python tracebacks. */
import { commandStarts, issue, numberOf, type OutputError, type Parser, programCommand } from "../types.ts";
import { progressPasses, testId } from "./generic.ts";

const PY_FRAME = /^\s*File "(.+?)", line (\d+)(?:, in (.+))?$/;
const EXCEPTION = /^(\w+(?:\.\w+)*(?:Error|Exception|Exit|Interrupt|Warning)|AssertionError|KeyError|StopIteration)(?:: (.*))?$/;

/** A test module: `tests/test_db.py`, `test_x.py`, `x_test.py`. */
const PY_TEST_FILE = /(?:^|\/)tests?\/|(?:^|\/)test_[^/]*\.py$|_test\.py$/;

/** Installed code and the interpreter's own (`/usr/lib/python3.11/csv.py`, `site-packages`, `<frozen runpy>`). */
const LIBRARY_FILE = /site-packages|dist-packages|\/lib\/python\d|^<frozen /;

/**
 * An exception group's tracebacks (Python 3.11+) are drawn inside margins: `  + Exception Group
 * Traceback …`, `  | ` before each line of a level, `  +-+---- 1 ----` between sub-exceptions.
 * The line without them, or null for a separator.
 */
const GROUP_SEPARATOR = /^[\s|]*\+[-+]*(?: (?:\d+|\.\.\.)(?: more exceptions)? -*)?-*\s*$/;
function withoutGroupMargin(line: string): string | null {
  if (GROUP_SEPARATOR.test(line)) return null;
  return line.replace(/^\s*\+ (?=Exception Group Traceback)/, "").replace(/^(?:\s*\|(?: |$))+/, "");
}

/**
 * The exception at the end of each traceback, located at its innermost frame in the project's
 * files (else its innermost). An exception group is told by its sub-exceptions, each with its own
 * traceback; the group's own line says only that they happened together.
 */
export function pythonTracebacks(lines: string[]): OutputError[] {
  const errors: OutputError[] = [];
  let frame: RegExpExecArray | null = null;
  // the outermost frame in a test file: the test's own line, where it made the call that failed
  let testFrame: RegExpExecArray | null = null;
  let inTrace = false;
  const grouped = lines.some((l) => l.includes("Exception Group Traceback (most recent call last)"));
  for (const raw of lines) {
    const line = grouped ? withoutGroupMargin(raw) : raw;
    if (line === null) continue;
    if (line.startsWith("Traceback (most recent call last)") || line.startsWith("Exception Group Traceback (most recent call last)")) {
      inTrace = true;
      frame = testFrame = null;
      continue;
    }
    if (!inTrace) continue;
    const f = PY_FRAME.exec(line);
    if (f) {
      // the innermost call in the project's own files, past the library's frames under it
      if (!frame || !LIBRARY_FILE.test(f[1]!)) frame = f;
      if (!testFrame && PY_TEST_FILE.test(f[1]!)) testFrame = f;
      continue;
    }
    // The first line at the left edge after the frames is the exception (`ImportFailed: …` too).
    const e = EXCEPTION.exec(line) ?? (frame && /^[A-Za-z_][\w.]*(?::|$)/.test(line) ? /^([\w.]+)/.exec(line) : null);
    if (e && !line.startsWith(" ")) {
      if (!/^(?:Base)?ExceptionGroup$/.test(e[1]!)) {
        errors.push(issue(line, "error", frame?.[1] ?? null, frame?.[2] ?? null, null, e[1]!));
        // raised in the code under test: the test's own line too
        if (testFrame && frame && testFrame[1] !== frame[1]) errors.push(issue(line, "error", testFrame[1]!, testFrame[2]!, null, e[1]!));
      }
      inTrace = false;
    }
  }
  return errors;
}

const PYTEST_SUMMARY = /^(?:=+ )?((?:\d+ (?:passed|failed|errors?|skipped|deselected|xfailed|xpassed|warnings?)(?:, )?)+) in [\d.]+s.*?(?: =+)?$/;
/** `FAILED path::test[id with spaces] - message`: the name runs to ` - ` or the end of the line. */
const PYTEST_FAILED = /^(FAILED|ERROR) (\S+?(?:\[[^\]]*\])?)(?: - (.*))?$/;
const PYTEST_LOCATION = /^(\S+\.py):(\d+): (\w+)$/;
const PYTEST_VERBOSE = /^(\S+\.py::\S+) (PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)/;
/** Where a fixture lookup failed, as pytest's FixtureLookupError prints it: `file PATH, line N`, then `E   fixture 'x' not found`. */
const PYTEST_FIXTURE_AT = /^file (\S+\.py), line (\d+)$/;

export const pytest: Parser = {
  tool: "pytest",
  // `-q` prints no session header: its collection errors and its summary line of `=` still say pytest
  matches: (text, command) => commandStarts(command, "pytest", "py.test") || /^=+ test session starts =+$|^_+ ERROR collecting \S+ _+$|^!+ Interrupted: \d+ errors? during collection !+$/m.test(text),
  parse(lines, text) {
    const errors: OutputError[] = [];
    const failed: string[] = [];
    let exception: string | null = null;
    let collecting: string | null = null;
    let importedFrom: string | null = null;
    let deeper: RegExpExecArray | null = null;
    let fixtureAt: RegExpExecArray | null = null;
    for (const line of lines) {
      const at = PYTEST_FIXTURE_AT.exec(line);
      if (at) fixtureAt = at;
      if (fixtureAt && line.startsWith("E ")) {
        errors.push(issue(line.slice(1).trim(), "error", fixtureAt[1]!, fixtureAt[2]!, null, "fixture"));
        fixtureAt = null;
        exception = null;
        continue;
      }
      // A module that fails to import during collection: its own `path:N: in <module>` line says
      // where, or `E     File "…/test_x.py", line 6` for a syntax error.
      // The import may fail deeper, in the project's code the test imports (`mailq/render.py:3: in
      // <module>` under the test's own line): the innermost frame of the project says where too.
      const header = /^_+ ERROR collecting (\S+) _+$/.exec(line);
      if (header) {
        collecting = header[1]!;
        importedFrom = null;
      }
      const inModule: RegExpExecArray | null = collecting || importedFrom ? /^(\S+\.py):(\d+): in /.exec(line) : null;
      if (inModule && inModule[1] === collecting) {
        errors.push(issue(`cannot import ${collecting}`, "error", inModule[1]!, inModule[2]!, null, "collection"));
        importedFrom = collecting;
        collecting = null;
      } else if (inModule && importedFrom && !inModule[1]!.startsWith("/")) deeper = inModule;
      if (importedFrom && line.startsWith("E ")) {
        if (deeper) errors.push(issue(line.slice(1).trim(), "error", deeper[1]!, deeper[2]!, null, "collection"));
        importedFrom = deeper = null;
      }
      const collected = /^E\s+File "(.+?)", line (\d+)/.exec(line);
      if (collected) errors.push(issue(line.slice(1).trim(), "error", collected[1]!, collected[2]!, null, "collection"));
      if (line.startsWith("E   ") && exception === null) exception = line.slice(1).trim();
      const loc = PYTEST_LOCATION.exec(line);
      if (loc) {
        errors.push(issue(exception ?? loc[3]!, "error", loc[1]!, loc[2]!, null, loc[3]!));
        exception = null;
      }
      if (/^_{3,} .+ _{3,}$/.test(line)) exception = fixtureAt = null;
      const f = PYTEST_FAILED.exec(line);
      if (f && !failed.includes(f[2]!)) failed.push(f[2]!);
      const v = PYTEST_VERBOSE.exec(line);
      if (v && (v[2] === "FAILED" || v[2] === "ERROR") && !failed.includes(v[1]!)) failed.push(v[1]!);
    }
    const summary = lines.map((l) => PYTEST_SUMMARY.exec(l)).find((m) => m)?.[1] ?? "";
    const n = (word: string) => numberOf(summary, new RegExp(`(\\d+) ${word}`)) ?? 0;
    return {
      tool: "pytest",
      kind: "test",
      errors: errors.length > 0 ? errors : pythonTracebacks(lines),
      tests_failed: failed,
      counts: { passed: n("passed"), failed: n("failed"), skipped: n("skipped"), errors: n("errors?") , warnings: n("warnings?") },
      verdict: /\d+ (failed|errors?)\b/.test(summary) ? "failed" : summary ? "passed" : /no tests ran/.test(text) ? "failed" : undefined,
      suggestions: failed.slice(0, 3).map((name) => `run \`pytest ${name}\` alone`),
    };
  },
};

const UNITTEST_RESULT = /^(\w[\w.]*) \(([\w.]+)\)(?:\n.*)? \.\.\. (ok|FAIL|ERROR|skipped.*|expected failure)$/;
const UNITTEST_HEADER = /^(FAIL|ERROR): (\w[\w.]*) \(([\w.]+)\)/;

export const unittest: Parser = {
  tool: "unittest",
  matches: (text, command) => commandStarts(command, "unittest") || /manage\.py test/.test(command) || /^Ran \d+ tests? in [\d.]+s$/m.test(text),
  parse(lines, text) {
    const failed: string[] = [];
    let passed = 0;
    let skipped = 0;
    for (const line of lines) {
      const r = UNITTEST_RESULT.exec(line);
      if (r) {
        if (r[3] === "ok") passed++;
        else if (r[3]!.startsWith("skipped")) skipped++;
      }
      const h = UNITTEST_HEADER.exec(line);
      const id = h && testId(h[2]!, h[3]!);
      if (id && !failed.includes(id)) failed.push(id);
    }
    const total = numberOf(text, /^Ran (\d+) tests?/m) ?? 0;
    // the progress line, one mark a test (`...E.F.`): its dots are the passes (an error in setUpClass is an E but no test run)
    const dots = lines.map(progressPasses).find((n) => n !== undefined);
    const failures = numberOf(text, /FAILED \((?:.*?)failures=(\d+)/) ?? 0;
    const errs = numberOf(text, /FAILED \((?:.*?)errors=(\d+)/) ?? 0;
    const skips = numberOf(text, /skipped=(\d+)/) ?? skipped;
    const odd = (numberOf(text, /expected failures=(\d+)/) ?? 0) + (numberOf(text, /unexpected successes=(\d+)/) ?? 0);
    return {
      tool: "unittest",
      kind: "test",
      errors: pythonTracebacks(lines),
      tests_failed: failed,
      // unittest's own words: failures (an assertion failed) apart from errors (the test raised); an
      // expected failure or an unexpected success is neither a pass nor a failure
      counts: { passed: dots ?? Math.max(passed, total - failures - errs - skips - odd), failed: failures, errors: errs, skipped: skips },
      verdict: /^FAILED \(/m.test(text) ? "failed" : /^OK\b/m.test(text) ? "passed" : undefined,
      suggestions: failed.slice(0, 3).map((name) => `run \`python -m unittest ${name}\` alone`),
    };
  },
};

/** A warning the warnings module printed, at its place: `app/db.py:12: DeprecationWarning: datetime.utcnow() is deprecated`. */
const PY_WARNING = /^(\S+\.py):(\d+): (\w*Warning): \S/;
/**
 * A record the logging module wrote at WARNING: its default format (`WARNING:etl.stock:row 13 …`) or
 * one that puts the level name among the first fields (`2026-12-04 13:21:35,357 WARNING etl.stock: row 13 …`,
 * `[12:00:01] WARNING in app: …`, werkzeug's `WARNING: This is a development server.`).
 */
const PY_LOG_WARNING = /^(?:\S+\s+){0,3}WARNING(?::[\w.]*:|:?\s)/;

/** What a Python program warned of: the warnings module's warnings and the logging module's WARNING records. */
function pythonWarnings(lines: string[]): OutputError[] {
  const out: OutputError[] = [];
  for (const line of lines) {
    if (!line.includes("WARN") && !line.includes("Warning")) continue;
    const w = PY_WARNING.exec(line);
    if (w) out.push(issue(line, "warning", w[1]!, Number(w[2]), null, w[3]!));
    else if (PY_LOG_WARNING.test(line)) out.push(issue(line, "warning", null, null, null));
  }
  return out;
}

export const pythonTraceback: Parser = {
  tool: "python",
  // a traceback in a test runner's report (xUnit's `Ran 5 tests in 0.02s`) is a test's failure, not a
  // crash, and so is one from a program run with a `test` verb (`python manage.py test`)
  matches: (text, command) =>
    (/Traceback \(most recent call last\)/.test(text) && !/^Ran \d+ tests? in [\d.]+s$/m.test(text)) ||
    (commandStarts(command, "python", "python3") && !/\stest(?:\s|$)/.test(programCommand(command))),
  parse(lines, text) {
    const errors = pythonTracebacks(lines);
    // a traceback is a crash, however it is drawn (an ExceptionGroup's sub-tracebacks behind `  | ` margins)
    const crashed = errors.length > 0 || /Traceback \(most recent call last\)/.test(text);
    return { tool: "python", kind: crashed ? "runtime_error" : "other", errors: [...errors, ...pythonWarnings(lines)], tests_failed: [], counts: { errors: errors.length }, verdict: errors.length ? "failed" : undefined };
  },
};
