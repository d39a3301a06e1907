import { describe, expect, test } from "bun:test";
import { compactOutput } from "../../server/output/compact.ts";
import { lineRoles } from "../../server/output/roles.ts";
import { groupedLocations } from "./corpus.ts";

const hint = (a: number, b: number) => `ai-session read dev --command 4 --lines ${a}-${b}`;
const lineNo = (raw: string, text: string) => raw.split("\n").indexOf(text) + 1;

/** The marker that stands for line `n` (1-based): the one whose expand command names a range holding it. */
function markerFor(out: string, n: number): string | undefined {
  return out.split("\n").find((l) => {
    const m = /^… .* · ai-session read dev --command 4 --lines (\d+)-(\d+)$/.exec(l);
    return m !== null && Number(m[1]) <= n && n <= Number(m[2]);
  });
}

describe("Maven's closing help folds even among the last lines", () => {
  const goal = "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:3.2.5:test (default-test) on project app: There are test failures.";
  const reports = "[ERROR] Please refer to /home/me/app/target/surefire-reports for the individual test results.";
  const help = [
    "[ERROR] Please refer to dump files (if any exist) [date].dump, [date]-jvmRun[N].dump and [date].dumpstream.",
    "[ERROR] -> [Help 1]",
    "[ERROR] ",
    "[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
    "[ERROR] Re-run Maven using the -X switch to enable full debug logging.",
    "[ERROR] ",
    "[ERROR] For more information about the errors and possible solutions, please read the following articles:",
    "[ERROR] [Help 1] http://cwiki.apache.org/confluence/display/MAVEN/MojoFailureException",
  ];
  const raw = [
    "[INFO] Scanning for projects...",
    ...Array.from({ length: 40 }, (_, i) => `[INFO] Downloaded from central: https://repo.example/artifact-${i}.jar (12 kB)`),
    "[ERROR] Tests run: 5, Failures: 1, Errors: 0, Skipped: 0",
    "[INFO] BUILD FAILURE",
    goal,
    "[ERROR] ",
    reports,
    ...help,
  ].join("\n");
  const out = compactOutput(raw, { command: "mvn test", exitCode: 1, expandHint: hint }).text;

  test("the goal that failed and where the reports are stay verbatim", () => {
    expect(out).toContain(goal);
    expect(out).toContain(reports);
    expect(out).toContain("[ERROR] Tests run: 5, Failures: 1, Errors: 0, Skipped: 0");
    expect(out).toContain("[INFO] BUILD FAILURE");
  });

  test("the help lines are folded behind a marker that expands them", () => {
    for (const line of help) if (line.trim() !== "[ERROR]") expect(out).not.toContain(line);
    const n = lineNo(raw, "[ERROR] -> [Help 1]");
    expect(markerFor(out, n)).toBeDefined();
    expect(markerFor(out, raw.split("\n").length)).toBeDefined();
  });
});

describe("warnings repeated with only numbers changing keep their first and last telling", () => {
  const retry = (total: number, addr: string, pkg: string) =>
    `WARNING: Retrying (Retry(total=${total}, connect=None, read=None)) after connection broken by 'NewConnectionError('<HTTPSConnection object at 0x7f02${addr}>: Failed to establish a new connection')': /simple/${pkg}/`;
  const pkgs = ["alpha", "beta", "gamma"];
  const lines: string[] = ["Looking in indexes: https://pypi.org/simple"];
  pkgs.forEach((p, k) => {
    for (let t = 4; t >= 0; t--) lines.push(retry(t, `a31${k}${t}c550`, p));
    lines.push(`Processing /opt/pypi/files/${p}-1.0-py3-none-any.whl`);
  });
  lines.push("Installing collected packages: alpha, beta, gamma", "Successfully installed alpha-1.0 beta-1.0 gamma-1.0");
  const raw = [...lines, ...Array.from({ length: 12 }, (_, i) => `Downloading dep${i}-1.0.whl (12 kB)`), "Done."].join("\n");
  const out = compactOutput(raw, { command: "pip install alpha", exitCode: 0, expandHint: hint }).text;

  test("the first and the last are kept verbatim, the ones between are counted in a marker that expands them", () => {
    const first = retry(4, "a3104c550", "alpha");
    const last = retry(0, "a3120c550", "gamma");
    expect(out).toContain(first);
    expect(out).toContain(last);
    const between = lines.filter((l) => l.startsWith("WARNING: Retrying") && l !== first && l !== last);
    for (const l of between) expect(out).not.toContain(l);
    const marker = markerFor(out, lineNo(raw, retry(2, "a3112c550", "beta")));
    expect(marker).toBeDefined();
    expect(marker).toContain(`${between.length} near-repeats of kept lines`);
    expect(out).toContain("Successfully installed alpha-1.0 beta-1.0 gamma-1.0");
  });

  test("diagnostics that differ in their location are not folded this way", () => {
    const diag = (l: number) => `src/app.c:${l}:5: warning: implicit conversion changes signedness [-Wsign-conversion]`;
    const other = (l: number) => `src/app.c:${l}:9: warning: unused variable [-Wunused-variable]`;
    const raw = [...Array.from({ length: 20 }, (_, i) => `[${String(i * 5).padStart(3)}%] Building C object CMakeFiles/app.dir/src/m${i}.c.o`), ...[3, 10, 17, 24, 31, 38].map((l) => (l % 2 ? diag(l) : other(l))), "make: *** [all] Error 2"].join("\n");
    const text = compactOutput(raw, { command: "make", exitCode: 2, expandHint: hint }).text;
    // Every location is told: verbatim, or in a group line under the first of its kind.
    for (const l of [3, 17, 31]) expect(text.includes(diag(l)) || new RegExp(`└ \\d+ more -Wsign-conversion.*\\b${l}:5\\b`).test(text)).toBe(true);
    for (const l of [10, 24, 38]) expect(text.includes(other(l)) || new RegExp(`└ \\d+ more -Wunused-variable.*\\b${l}:9\\b`).test(text)).toBe(true);
    expect(text).not.toContain("near-repeats");
  });
});

// `top -b` and `ps` asked for come back whole up to a few thousand tokens (g48-rules.test.ts); a
// process table read on its own, or past that, folds its idle rows
describe("a process table read on its own folds its idle rows", () => {
  const header = "  PID USER      PR  NI    VIRT    RES    SHR S  %CPU  %MEM     TIME+ COMMAND";
  const busy = "22854 root      20   0   10.3g 119520  43324 S   6.7   0.5   0:01.21 bun";
  const resident = "    1 root      10 -10   45128  13592   6304 S   0.0   0.1   0:27.52 init";
  const idle = Array.from({ length: 20 }, (_, i) => `${String(i + 2).padStart(5)} root       0 -20       0      0      0 I   0.0   0.0   0:00.00 kworker/${i}`);
  const raw = [
    "top - 12:22:35 up  2:36,  0 user,  load average: 5.58, 7.95, 6.88",
    "Tasks:  99 total,   1 running,  94 sleeping,   0 stopped,   4 zombie",
    "MiB Mem :  24105.6 total,  20680.7 free,    875.7 used,   2872.9 buff/cache",
    "",
    header,
    busy,
    resident,
    ...idle,
  ].join("\n");
  const out = compactOutput(raw, { exitCode: 0, expandHint: hint }).text;

  test("summary lines, the header and rows that use CPU or memory stay verbatim", () => {
    for (const line of raw.split("\n").slice(0, 7)) expect(out).toContain(line);
  });

  test("rows with 0.0 %CPU and 0.0 %MEM fold to one marker with their count and the expand command", () => {
    for (const row of idle) expect(out).not.toContain(row);
    expect(out).toContain(`… 20 idle processes (0.0 %CPU and %MEM) folded · ${hint(8, 27)}`);
  });

  test("a few idle rows, or rows without a process header, stay", () => {
    const few = [...raw.split("\n").slice(0, 7), ...idle.slice(0, 2)].join("\n");
    expect(compactOutput(few, { exitCode: 0 }).text).toBe(few);
    const headless = idle.join("\n");
    expect(compactOutput(headless, { exitCode: 0 }).text).toBe(headless);
  });
});

describe("install and build chatter", () => {
  test("apt's list reading, dpkg's unpacking notes and yarn's or ninja's numbered steps fold", () => {
    const raw = [
      "Reading package lists... Done",
      "Building dependency tree... Done",
      "Reading state information... Done",
      "The following NEW packages will be installed:",
      "  cowsay",
      "0 upgraded, 1 newly installed, 0 to remove and 3 not upgraded.",
      "Get:1 http://deb.debian.org/debian bookworm/main amd64 cowsay all 3.03 [21.4 kB]",
      "Fetched 21.4 kB in 0s (1585 kB/s)",
      "Selecting previously unselected package cowsay.",
      "(Reading database ... 128605 files and directories currently installed.)",
      "Unpacking cowsay (3.03) ...",
      "Setting up cowsay (3.03) ...",
      "[1/4] Resolving packages...",
      "[2/4] Fetching packages...",
      "[3/4] Linking dependencies...",
      "[4/4] Building fresh packages...",
    ].join("\n");
    const out = compactOutput(raw, { command: "apt-get install -y cowsay", exitCode: 0, expandHint: hint }).text;
    expect(out).toContain("The following NEW packages will be installed:\n  cowsay\n0 upgraded, 1 newly installed, 0 to remove and 3 not upgraded.");
    for (const gone of ["Reading package lists", "Reading state information", "Fetched 21.4", "Selecting previously", "(Reading database", "[2/4] Fetching"]) expect(out).not.toContain(gone);
    expect(out).toMatch(/… \d+ progress lines folded · ai-session read dev --command 4 --lines 1-\d+/);
  });

  test("a numbered step that fails is not chatter", () => {
    const raw = [...Array.from({ length: 30 }, (_, i) => `[${i + 1}/40] Building CXX object src/m${i}.o`), "[31/40] FAILED: src/m30.o", "ninja: build stopped: subcommand failed."].join("\n");
    const out = compactOutput(raw, { command: "ninja", exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("[31/40] FAILED: src/m30.o");
    expect(out).not.toContain("[5/40] Building CXX object src/m4.o");
  });
});

describe("the first lines kept are not chatter", () => {
  test("a run that opens with passing tests keeps its failures and summary, not the passing lines", () => {
    const raw = [
      ...Array.from({ length: 30 }, (_, i) => `test_case_${i} (tests.test_unit.T.test_case_${i}) ... ok`),
      "test_broken (tests.test_unit.T.test_broken) ... FAIL",
      "",
      "FAIL: test_broken (tests.test_unit.T.test_broken)",
      "AssertionError: 1 != 2",
      "",
      "Ran 31 tests in 0.01s",
      "",
      "FAILED (failures=1)",
    ].join("\n");
    const out = compactOutput(raw, { command: "python3 -m unittest -v", exitCode: 1, expandHint: hint }).text;
    expect(out).not.toContain("test_case_0 (");
    expect(out).not.toContain("test_case_1 (");
    // The last lines before the end stay, passing or not; the ones before fold from the first line on.
    expect(out.split("\n")[0]).toMatch(/^… \d+ passing-test lines folded · ai-session read dev --command 4 --lines 1-\d+$/);
    for (const line of ["test_broken (tests.test_unit.T.test_broken) ... FAIL", "AssertionError: 1 != 2", "Ran 31 tests in 0.01s", "FAILED (failures=1)"]) expect(out).toContain(line);
  });
});

describe("exact repeats are folded wherever they are", () => {
  test("a short output returned whole still folds a line repeated at its end, with the count", () => {
    const notice = "info There appears to be trouble with your network connection. Retrying...";
    const raw = ["yarn add v1.22.22", "success Saved lockfile.", "Done in 0.38s.", notice, notice, notice].join("\n");
    const out = compactOutput(raw, { command: "yarn add chalk", exitCode: 0 }).text;
    expect(out).toBe(["yarn add v1.22.22", "success Saved lockfile.", "Done in 0.38s.", notice, "… previous line repeated 2 more times"].join("\n"));
  });

  test("repeats shorter than their count stay as they are", () => {
    const raw = ["~", "~", "~", "~", "~", "last"].join("\n");
    expect(compactOutput(raw, { exitCode: 0 }).text).toBe(raw);
  });
});

describe("shellcheck findings", () => {
  // shellcheck's tty format: a location line, the source line, a caret line per finding (the caret
  // stands under the column), then a suggestion.
  const block = (line: number, cols: number[], code = "SC2250", sev = "style", msg = "Prefer putting braces around variable references even when not strictly required.") => [
    `In deploy.sh line ${line}:`,
    `echo $a $b $c $d`,
    ...cols.map((c) => `${" ".repeat(c - 1)}^-^ ${code} (${sev}): ${msg}`),
    "",
    "Did you mean: ",
    "echo ${a}",
    "",
  ];
  const raw = [
    "",
    ...block(3, [6]),
    ...block(7, [6, 9, 12]),
    ...block(9, [6], "SC2086", "info", "Double quote to prevent globbing and word splitting."),
    ...block(12, [9, 15]),
    ...Array.from({ length: 30 }, (_, i) => `filler line ${i} of an unrelated log`),
    "For more information:",
    "  https://www.shellcheck.net/wiki/SC2250 -- Prefer putting braces around vari...",
  ].join("\n");

  test("every finding keeps its line, column and code: printed whole or listed under the first of its kind", () => {
    const out = compactOutput(raw, { exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("In deploy.sh line 3:");
    expect(out).toContain("     ^-^ SC2250 (style): Prefer putting braces around variable references even when not strictly required.");
    // the first two of a kind are printed whole; the others are listed by file:line:col (the caret's column)
    const group = out.split("\n").find((l) => l.startsWith("  └ 4 more (SC2250 (style): Prefer putting braces"));
    expect(group).toEndWith(" at: deploy.sh:7:9,12 12:9,15");
    expect([...groupedLocations(group!)].sort()).toEqual(["deploy.sh:12:15", "deploy.sh:12:9", "deploy.sh:7:12", "deploy.sh:7:9"]);
    // fewer of a kind stay as they are, with their location line
    expect(out).toContain("In deploy.sh line 9:");
    expect(out).toContain("     ^-^ SC2086 (info): Double quote to prevent globbing and word splitting.");
    // a location whose findings are all listed in the group line is not printed alone
    expect(out).not.toContain("In deploy.sh line 12:");
  });

  test("lossless mode prints them all", () => {
    const out = compactOutput(raw, { exitCode: 1, mode: "lossless", expandHint: hint }).text;
    for (const line of [3, 7, 9, 12]) expect(out).toContain(`In deploy.sh line ${line}:`);
  });
});

describe("decorative rules", () => {
  test("a box-drawing rule after a line's text goes; a rule line of its own is shortened, not removed", () => {
    const raw = [
      `src/cart.js:13:10 lint/style/useTemplate  FIXABLE  ${"━".repeat(80)}`,
      "  ℹ Template literals are preferred over string concatenation.",
      "═".repeat(60),
      "Checked 2 files in 3ms. Found 1 error.",
    ].join("\n");
    const out = compactOutput(raw, { exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("src/cart.js:13:10 lint/style/useTemplate  FIXABLE\n");
    expect(out).toContain("\n═══\n");
    expect(out).not.toContain("━");
  });
});

describe("a verbose runner's passing tests grouped under describe blocks", () => {
  // the shape jest, vitest and mocha print: small groups of ✓/✕ lines, each failure's message and
  // a code frame of the test's source under it, then a summary that counts everything
  const groups = ["parser", "printer", "loader", "cache", "router", "store"];
  const raw = [
    " FAIL  test/app.test.js",
    ...groups.flatMap((g, n) => [
      `  ${g}`,
      `    ✓ handles empty input for ${g} (2 ms)`,
      `    ✓ handles unicode for ${g} (1 ms)`,
      n === 2 ? `    ✕ rejects bad input for ${g} (3 ms)` : `    ✓ rejects bad input for ${g} (1 ms)`,
    ]),
    "",
    "  ● loader › rejects bad input for loader",
    "",
    "    expect(received).toBe(expected) // Object.is equality",
    "",
    "    Expected: 0",
    "    Received: 7",
    "",
    "      40 | describe(\"loader\", () => {",
    "      41 |   it(\"handles unicode\", () => expect(load(\"é\")).toBe(1));",
    "    > 42 |   it(\"rejects bad input\", () => expect(load(\"x\")).toBe(0));",
    "         |                                                   ^",
    "      43 | });",
    "",
    "      at Object.<anonymous> (test/app.test.js:42:51)",
    "",
    "Tests:       1 failed, 17 passed, 18 total",
  ].join("\n");
  const out = compactOutput(raw, { command: "npx jest", exitCode: 1, expandHint: hint }).text;

  test("the failure, its message, where it was raised and the summary stay verbatim", () => {
    for (const kept of ["    ✕ rejects bad input for loader (3 ms)", "  ● loader › rejects bad input for loader", "    Expected: 0", "    Received: 7", "      at Object.<anonymous> (test/app.test.js:42:51)", "Tests:       1 failed, 17 passed, 18 total"]) {
      expect(out).toContain(kept);
    }
  });

  test("the passing tests and the code frame fold behind markers that expand them", () => {
    expect(out).not.toContain("✓");
    expect(out).not.toContain("> 42 |");
    expect(markerFor(out, lineNo(raw, "    ✓ handles unicode for parser (1 ms)"))).toBeDefined();
    expect(markerFor(out, lineNo(raw, "    > 42 |   it(\"rejects bad input\", () => expect(load(\"x\")).toBe(0));"))).toBeDefined();
  });
});

describe("a failing test's own account between its failure and its verdict is kept", () => {
  const ok = (s: string) => [`[ RUN      ] ${s}`, `[       OK ] ${s} (0 ms)`];
  const gtest = ["Running main() from ./googletest/src/gtest_main.cc", "[==========] Running 9 tests from 2 test suites.", "[----------] Global test environment set-up.", "[----------] 5 tests from Queue", ...ok("Queue.StartsEmpty"), ...ok("Queue.Pops"),
   "[ RUN      ] Queue.Describe", "/src/q/test/queue_test.cpp:27: Failure", "Expected equality of these values:", "  describe(q)", "    Which is: \"Queue(1/4)\"", "  \"Queue(1 of 4)\"", "[  FAILED  ] Queue.Describe (3 ms)", "[----------] 5 tests from Queue (4 ms total)", "",
   "[----------] 4 tests from Stats", ...ok("Stats.Empty"),
   "[ RUN      ] Stats.MedianOfEven", "/src/q/test/stats_test.cpp:13: Failure", "Value of: median({1, 2, 3, 4}) == 2", "  Actual: false", "Expected: true", "even-length median should be the lower middle", "[  FAILED  ] Stats.MedianOfEven (0 ms)", ...ok("Stats.Odd"), ...ok("Stats.Mean"), "[----------] 4 tests from Stats (0 ms total)", "",
   "[----------] Global test environment tear-down", "[==========] 9 tests from 2 test suites ran. (4 ms total)", "[  PASSED  ] 7 tests.", "[  FAILED  ] 2 tests, listed below:", "[  FAILED  ] Queue.Describe", "[  FAILED  ] Stats.MedianOfEven", "", " 2 FAILED TESTS"].join("\n");
  const tclFailure = (name: string, got: string, want: string) => ["", "", `==== ${name} FAILED`, "==== Contents of test case:", ` slug::make {${want}}`, "---- Result was:", got, "---- Result should have been (exact matching):", want, `==== ${name.split(" ")[0]} FAILED`];
  const tcl = ["Tests running in interp:  /usr/bin/tclsh", "Tests located in:  /src/slug/tests", "Tests located in:  /src/slug/tests", "Temporary files stored in /src/slug/tests", "Test files run in separate interpreters", "Running tests that match:  *", "Skipping test files that match:  l.*.test", "Only running test files that match:  *.test", "Tests began at Wed Dec 02 16:46:42 UTC 2026", "slug.test",
   ...tclFailure("slug-1.2 drops trailing dots", "a-b-", "a-b"), ...tclFailure("slug-1.3 lowers case", "A-B", "a-b2"), ...tclFailure("slug-1.4 keeps digits", "x-", "x-9"),
   "", "", "Tests ended at Wed Dec 02 16:46:42 UTC 2026", "all.tcl:\tTotal\t8\tPassed\t5\tSkipped\t0\tFailed\t3", "Sourced 1 Test Files.", "Files with failing tests: slug.test"].join("\n");
  const compacted = (raw: string, command: string, exitCode: number) => compactOutput(new TextEncoder().encode(raw), { command, exitCode }).text.split("\n");

  test("the message a test gives after its assertion, right before its verdict, and a bracketed rule tagging a summary", () => {
    const out = compacted(gtest, "./build/q_test", 1);
    expect(out).toContain("even-length median should be the lower middle");
    expect(out).toContain("[==========] 9 tests from 2 test suites ran. (4 ms total)");
  });
  test("a value under a label in the failure's block: what the result was, what it should have been", () => {
    const out = compacted(tcl, "tclsh tests/all.tcl", 0);
    for (const v of ["a-b-", "A-B", "x-", "a-b2", "x-9"]) expect(out).toContain(v);
  });
});

describe("a test case's title boxed between two rules is kept; a rule of dashes is no diff line", () => {
  const rule = "-".repeat(79), dots = ".".repeat(79);
  const catchCase = (title: string, at: number, check: string, got: string) => [rule, title, rule, `test/queue_test.cpp:${at}`, dots, "", `test/queue_test.cpp:${at + 3}: FAILED:`, `  CHECK( ${check} )`, "with expansion:", `  ${got}`, ""];
  const catch2 = ["", "~".repeat(79), "queue_test is a Catch v2.13.10 host application.", "Run with -? for options", "", ...catchCase("drains in order", 18, "q.drain() == 3", "2 == 3"), ...catchCase("grows past its cap", 30, "q.cap() == 8", "4 == 8"), ...catchCase("clears to empty", 44, "q.size() == 0", "1 == 0"), "=".repeat(79), "test cases: 6 | 3 passed | 3 failed", "assertions: 9 | 6 passed | 3 failed", ""].join("\n");
  test("each failing case keeps its title, however many there are", () => {
    const out = compactOutput(new TextEncoder().encode(catch2), { command: "./build/queue_test", exitCode: 1 }).text.split("\n");
    for (const title of ["drains in order", "grows past its cap", "clears to empty"]) expect(out).toContain(title);
  });
});

test("Ruby's frame at the left edge with nothing after it is a frame; the error line that starts with a place is not", () => {
  const lines = ["Failure: test_order(TestQueue)", "test/test_queue.rb:19:in `test_order'", "/src/lib/money.rb:12:in `parse': not an amount (ArgumentError)"];
  const roles = lineRoles(lines, "/src").roles;
  expect(roles[1]).toBe("frame");
  expect(roles[2]).not.toBe("frame");
});


describe("a lint report of numbered source rows under their file, with a caret line saying what is wrong, in a long run", () => {
  const chatter = Array.from({ length: 60 }, (_, i) => `[test] # Subtest: case ${i}\n[test] ok ${i + 1} - case ${i}`).join("\n");
  const report = [
    "[lint]    /srv/site/index.html",
    '[lint]       L14 |    <div id="app"></div>',
    "[lint]                    ^ The id value [ app ] must be unique. (id-unique)",
    "[lint]",
    "[lint]    /srv/site/about.html",
    "[lint]       L9 |  <a href=/index.html>Back</a>",
    "[lint]               ^ The value of attribute [ href ] must be in double quotes. (attr-value-double-quotes)",
    "[lint]",
    "[lint] Scanned 2 files, found 2 errors in 2 files (25 ms)",
    "[lint] npm run lint exited with code 1",
  ].join("\n");
  const raw = `${report}\n${chatter}\n[test] 1..60\n[test] # pass 60\n[test] # fail 0`;
  const { text, analysis } = compactOutput(new TextEncoder().encode(raw), { command: "npm run check", exitCode: 1, rules: "generic" });
  test("each row and its message are kept, and the task's failing end", () => {
    for (const line of report.split("\n").filter((l) => l !== "[lint]")) expect(text).toContain(line);
  });
  test("each row is a finding at that line of the file heading it", () => {
    expect(analysis.errors.filter((e) => e.file).map((e) => `${e.file}:${e.line}`)).toEqual(["/srv/site/index.html:14", "/srv/site/about.html:9"]);
  });
});

test("the labelled sides of a comparison (uvu's ++expected (Expected) / --actual (Actual) over a caret) are both kept", () => {
  const frames = Array.from({ length: 30 }, (_, i) => `    at step${i} (/app/node_modules/uvu/dist/index.js:${i + 1}:3)`).join("\n");
  const raw = ['   FAIL  "slugs umlauts"', "    Expected values to be strictly equal:  (is)", "", "        ++gruesse-aus-koeln    (Expected)", "        --gruese-aus-koeln     (Actual)", "               ^", frames, "", "  Total:     5", "  Passed:    4"].join("\n");
  const text = compactOutput(new TextEncoder().encode(raw), { command: "./run-tests", exitCode: 1, rules: "generic" }).text;
  expect(text).toContain("--gruese-aus-koeln     (Actual)");
  expect(text).toContain("++gruesse-aus-koeln    (Expected)");
});

test("a code frame's labels (what happens at each marked place) stay when the frame folds in a long output", () => {
  const frame = (n: number) => [
    "error[E0502]: cannot borrow `*self` as mutable because it is also borrowed as immutable",
    `  --> src/lib${n}.rs:18:13`,
    "   |",
    "16 |         let value = self.map.get(key);",
    "   |                     -------- immutable borrow occurs here",
    "17 |         if value.is_some() {",
    "18 |             self.touch(key);",
    "   |             ^^^^^^^^^^^^^^^ mutable borrow occurs here",
    "19 |         }",
    "20 |         value",
    "   |         ----- returning this value requires that `self.map` is borrowed",
    "",
  ];
  const raw = [...Array.from({ length: 4 }, (_, n) => frame(n)).flat(), "error: could not compile `lru` (lib) due to 4 previous errors"].join("\n");
  const text = compactOutput(new TextEncoder().encode(raw), { command: "cargo build", exitCode: 101 }).text;
  for (const label of ["immutable borrow occurs here", "^^^^^^^^^^^^^^^ mutable borrow occurs here", "----- returning this value requires that `self.map` is borrowed"]) expect(text).toContain(label);
  expect(text).not.toContain("17 |         if value.is_some() {");
});

describe("a green test run keeps the rows that say why a test did not run", () => {
  test("pytest -v, TAP and libtest: skip and xfail reasons stay, the passing rows fold", () => {
    const passes = (k: number, make: (i: number) => string) => Array.from({ length: k }, (_, i) => make(i));
    const pytestRows = [
      ...passes(30, (i) => `tests/test_geo.py::test_route_${i} PASSED                                  [ ${String(i * 3).padStart(2)}%]`),
      "tests/test_geo.py::test_tiles SKIPPED (tile server unreachable)                 [ 95%]",
      "tests/test_geo.py::test_wrap XFAIL (wrap-around not implemented)                [100%]",
      "",
      "======================== 30 passed, 1 skipped, 1 xfailed in 0.31s ========================",
    ];
    const tap = ["TAP version 13", ...passes(30, (i) => `ok ${i + 1} - parses case ${i}`), "ok 31 - reads the locale # SKIP no locale data", "ok 32 - formats dates # TODO not written yet", "1..32"];
    const libtest = ["running 31 tests", ...passes(30, (i) => `test tests::case_${i} ... ok`), "test tests::big_input ... ignored, takes ten minutes", "", "test result: ok. 30 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out; finished in 0.01s"];
    for (const [command, rows, reasons] of [
      ["pytest -v", pytestRows, ["SKIPPED (tile server unreachable)", "XFAIL (wrap-around not implemented)"]],
      ["node --test", tap, ["# SKIP no locale data", "# TODO not written yet"]],
      ["cargo test", libtest, ["ignored, takes ten minutes"]],
    ] as const) {
      const out = compactOutput(rows.join("\n"), { command, exitCode: 0, expandHint: hint }).text;
      for (const reason of reasons) expect([command, out.includes(reason)]).toEqual([command, true]);
      expect([command, out.includes("case_7") || out.includes("case 7") || out.includes("test_route_7 ")]).toEqual([command, false]);
    }
  });
});

describe("the step that heads a failing part of a run of several parts stays", () => {
  test("cargo test across crates: the failing crate's `Running …` line stays, the passing crate's folds", () => {
    const part = (name: string, ok: boolean) => [
      `     Running unittests src/lib.rs (target/debug/deps/${name}-0123456789abcdef)`,
      "",
      "running 31 tests",
      ...Array.from({ length: 30 }, (_, i) => `test tests::case_${i} ... ok`),
      ok ? "test tests::three ... ok" : "test tests::three ... FAILED",
      ...(ok ? [] : ["", "failures:", "", "---- tests::three stdout ----", `thread 'tests::three' panicked at crates/${name}/src/lib.rs:9:5:`, "assertion `left == right` failed", "  left: 1", " right: 2"]),
      "",
      `test result: ${ok ? "ok" : "FAILED"}. ${ok ? 31 : 30} passed; ${ok ? 0 : 1} failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s`,
      "",
    ];
    const raw = [...part("geo_core", true), ...part("geo_parse", false)].join("\n");
    const out = compactOutput(raw, { command: "cargo test --workspace --no-fail-fast", exitCode: 101, expandHint: hint }).text;
    expect(out).toContain("Running unittests src/lib.rs (target/debug/deps/geo_parse-0123456789abcdef)");
    expect(out).not.toContain("geo_core-0123456789abcdef");
  });
});

describe("a compiler's suggested fix stays, though the error's own code frame folds", () => {
  test("rustc: `help: consider cloning …` and the changed line under it", () => {
    const filler = Array.from({ length: 30 }, (_, i) => `   Compiling dep${i} v0.1.0`);
    const raw = [
      ...filler,
      "error[E0507]: cannot move out of `e.account` which is behind a shared reference",
      "  --> crates/core/src/lib.rs:26:24",
      "   |",
      "26 |             *out.entry(e.account).or_insert(0) += e.cents;",
      "   |                        ^^^^^^^^^ move occurs because `e.account` has type `String`",
      "   |",
      "help: consider cloning the value if the performance cost is acceptable",
      "   |",
      "26 |             *out.entry(e.account.clone()).or_insert(0) += e.cents;",
      "   |                                 ++++++++",
      "",
      "error: could not compile `core` (lib) due to 1 previous error",
    ].join("\n");
    const out = compactOutput(raw, { command: "cargo build", exitCode: 101, expandHint: hint }).text;
    expect(out).toContain("help: consider cloning the value if the performance cost is acceptable");
    expect(out).toContain("*out.entry(e.account.clone()).or_insert(0) += e.cents;");
    // the error's own frame is in the file already: it folds
    expect(out).not.toContain("*out.entry(e.account).or_insert(0) += e.cents;");
  });
});
