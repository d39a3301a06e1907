/** gcc, clang, make and cmake. */
import { commandStarts, issue, type OutputError, type Parser } from "../types.ts";
import { generic, genericIssues, issuesFromRoles } from "./generic.ts";

/** A diagnostic (`a.c:3:5: error: …`), or a sanitizer's report from the program a build ran (UBSan's `a.c:6:37: runtime error: …`). */
const GCC = /^(.+?):(\d+):(\d+): (fatal error|runtime error|error|warning|note): (.+?)(?: \[(-W[\w=-]+|-fpermissive)\])?$/;
const LINKER = /^(?:\/usr\/bin\/ld|ld|collect2): (?:error: )?(.+)$/;
const MAKE_ERROR = /^g?make(?:\[\d+\])?: \*\*\* \[(.+?):(\d+): (.+?)\] Error (\d+)/;
const CMAKE_ERROR = /^CMake (Error|Warning)(?: \(dev\))? at (.+?):(\d+)/;
/** A frame of CMake's `Call Stack (most recent call first):`, indented: `  CMakeLists.txt:3 (find_package)`. */
const CMAKE_FRAME = /^\s+(\S+?):(\d+) \(\w+\)\s*$/;
function projectCallFrame(lines: string[], from: number): { file: string; line: string } | null {
  let k = from + 1;
  while (k < lines.length && k < from + 40 && !/^Call Stack \(most recent call first\):/.test(lines[k]!)) k++;
  for (k++; k < lines.length && k < from + 60; k++) {
    const f = CMAKE_FRAME.exec(lines[k]!);
    if (!f) break;
    if (!f[1]!.startsWith("/")) return { file: f[1]!, line: f[2]! };
  }
  return null;
}

function parseCompiler(lines: string[]): OutputError[] {
  const errors: OutputError[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = GCC.exec(line);
    if (m) {
      errors.push(issue(m[5]!, m[4] === "warning" ? "warning" : m[4] === "note" ? "note" : "error", m[1]!, m[2]!, m[3]!, m[6] ?? null));
      continue;
    }
    // Where a template was instantiated from: `src/a.cpp:13:38:   required from here`.
    const from = /^(.+?):(\d+):(\d+):\s+required from (.+)$/.exec(line);
    if (from) {
      errors.push(issue(`required from ${from[4]}`, "note", from[1]!, from[2]!, from[3]!));
      continue;
    }
    const l = LINKER.exec(line);
    const linked = /^(\S+?):(\d+): (undefined reference to .+)$/.exec(l?.[1] ?? line);
    if (linked) errors.push(issue(linked[3]!, "error", linked[1]!, linked[2]!));
    else if (l && /undefined reference|cannot find|ld returned/.test(l[1]!)) errors.push(issue(l[1]!, "error"));
    const mk = MAKE_ERROR.exec(line);
    if (mk) errors.push(issue(`${MAKE_FAILED}${mk[3]} failed (Error ${mk[4]})`, "error", mk[1]!, mk[2]!, null, null));
    const cm = CMAKE_ERROR.exec(line);
    if (cm) {
      const message = (lines[i + 1] ?? "").trim() || `CMake ${cm[1]}`;
      const severity = cm[1] === "Error" ? "error" : "warning";
      errors.push(issue(message, severity, cm[2]!, cm[3]!));
      // raised inside one of CMake's own modules (`/usr/share/cmake-3.25/Modules/Find….cmake`): its call
      // stack's first frame outside them is the project's line that asked (`CMakeLists.txt:3 (find_package)`)
      if (cm[2]!.startsWith("/")) {
        const own = projectCallFrame(lines, i);
        if (own) errors.push(issue(message, severity, own.file, own.line));
      }
    }
  }
  return errors;
}

/** The errors and warnings; make's `*** [target] Error N` under the compiler's errors is the same failure again, counted only when nothing else failed. */
function counts(errors: OutputError[]) {
  const warnings = errors.filter((e) => e.severity === "warning").length;
  const failed = errors.filter((e) => e.severity === "error");
  const own = failed.filter((e) => !e.message.startsWith(MAKE_FAILED));
  return { warnings, errors: own.length > 0 ? own.length : failed.length };
}
const MAKE_FAILED = "make target ";

export const cfamily: Parser = {
  tool: "gcc",
  matches: (text, command) =>
    commandStarts(command, "gcc", "g++", "cc", "c++", "clang", "clang++") || /^.+\.(?:c|cc|cpp|cxx|h|hpp):\d+:\d+: (?:error|warning): /m.test(text),
  parse(lines, text) {
    const errors = parseCompiler(lines);
    const tool = /generated\.$|clang/.test(text) && !/^.+: In function ‘/m.test(text) ? "clang" : "gcc";
    const c = counts(errors);
    return { tool, kind: "build", errors, tests_failed: [], counts: c, verdict: c.errors > 0 ? "failed" : undefined };
  },
};

/** A test harness's failure line: `db/db_test.cc:1248: failed: …`, gtest's `[  FAILED  ] Suite.Test`. */
const HARNESS_FAILURE = /^(\S+\.\w+):(\d+): (?:[Ff]ailed|[Ff]ailure|FAILED)\b/;
/** The test a harness is running: `==== Test DBTest.Get`, gtest's `[ RUN      ] Suite.Test`. */
const HARNESS_TEST = /^(?:=+ Test|\[ RUN +\]) (\S+)/;

export const make: Parser = {
  tool: "make",
  // `make check` and `make test` run a test harness: its output says which.
  matches: (text, command) => (commandStarts(command, "make", "gmake") && !/^g?make\b.*\s(?:check|test|tests)\b/.test(command.trim())) || /^g?make(\[\d+\])?: /m.test(text),
  parse(lines, _text, command = "", info) {
    const errors = parseCompiler(lines);
    // make runs other tools: a located finding of a shape the compiler rules do not read (GCC's
    // Fortran, a Pascal or Erlang compiler, a linter) is the run's finding too.
    const known = new Set(errors.map((e) => `${e.file}:${e.line}`));
    for (const e of info ? issuesFromRoles(lines, info) : genericIssues(lines)) if (e.file && !known.has(`${e.file}:${e.line}`)) errors.push(e);
    // `make check`: the failures of the test harness it runs, and the test each was in.
    const tests: string[] = [];
    let running: string | null = null;
    for (const line of lines) {
      const t = HARNESS_TEST.exec(line);
      if (t) running = t[1]!;
      const f = HARNESS_FAILURE.exec(line) ?? /^\[ {2}FAILED {2}\] (\S+)/.exec(line);
      if (!f) continue;
      if (f[2]) errors.push(issue(line, "error", f[1]!, f[2]!, null, "test"));
      const name = f[2] ? running : f[1]!;
      if (name && !tests.includes(name)) tests.push(name);
    }
    const c = counts(errors);
    // a test runner make ran (EUnit, a D unittest build, any harness): its run, as the shapes read it
    if (tests.length === 0) {
      const run = generic.parse(lines, _text, command, info);
      const seen = new Set(errors.map((e) => `${e.file}:${e.line}:${e.message}`));
      if (run.kind === "test") return { ...run, tool: "make", errors: [...errors, ...run.errors.filter((e) => !seen.has(`${e.file}:${e.line}:${e.message}`))] };
    }
    const isTest = tests.length > 0 || (/\s(?:check|test|tests)\b/.test(command) && errors.length === 0);
    // the errors counted above stand: make's own `***` lines about them are placed too, but no more errors
    return { tool: "make", kind: isTest ? "test" : "build", errors, tests_failed: tests, counts: c, verdict: c.errors > 0 ? "failed" : undefined, stated: c.errors > 0 ? ["errors"] : [] };
  },
};

export const cmake: Parser = {
  tool: "cmake",
  // CTest runs tests and prints a test run, not a build: it is read as one (its shapes are general)
  matches: (text, command) => commandStarts(command, "cmake") || /^-- (?:Configuring done|The C(?:XX)? compiler identification)/m.test(text),
  parse(lines, text) {
    const errors = parseCompiler(lines);
    const c = counts(errors);
    const built = /\[100%\] Built target/.test(text);
    return {
      tool: "cmake",
      kind: "build",
      errors,
      tests_failed: [],
      counts: c,
      verdict: c.errors > 0 || /Configuring incomplete, errors occurred/.test(text) ? "failed" : built ? "passed" : undefined,
    };
  },
  // cmake's `-- ` status lines end with its verdicts: `-- Configuring done`, `-- Build files have been written to: …`.
  roles(lines, roles) {
    for (let i = 0; i < lines.length; i++) if (/^-- (?:Configuring (?:done|incomplete)|Generating done|Build files have been written to: )/.test(lines[i]!)) roles[i] = "summary";
  },
};
