import { describe, expect, test } from "bun:test";
import { compactOutput } from "../../server/output/compact.ts";
import { analyzeOutput } from "../../server/output/analyze.ts";

/** The analysis an exec returns (compaction reads the lines' roles first) and the one `analyze` makes from text alone. */
function bothReadings(text: string, command: string, exitCode: number) {
  return [compactOutput(new TextEncoder().encode(text), { command, exitCode }).analysis, analyzeOutput(text, { command, exitCode })];
}

const where = (errors: { file: string | null; line: number | null; severity: string; message: string }[]) =>
  errors.map((e) => `${e.severity} ${e.file}:${e.line} ${e.message}`);

describe("a location on its own line heads the diagnostic written under its code frame", () => {
  test("GCC's Fortran shape: one error per location, with the message below it", () => {
    const out = [
      "lib/orbit.f90:41:12:",
      "",
      "   41 |   v = mass * gravty",
      "      |            1",
      "Error: Symbol 'gravty' at (1) has no IMPLICIT type",
      "lib/orbit.f90:7:5:",
      "",
      "    7 |   use consts",
      "      |     1",
      "Fatal Error: Cannot open module file 'consts.mod' for reading at (1): No such file or directory",
      "compilation terminated.",
    ].join("\n");
    for (const a of bothReadings(out, "gfortran -c lib/orbit.f90", 1)) {
      expect(where(a.errors)).toEqual([
        "error lib/orbit.f90:41 Error: Symbol 'gravty' at (1) has no IMPLICIT type",
        "error lib/orbit.f90:7 Fatal Error: Cannot open module file 'consts.mod' for reading at (1): No such file or directory",
      ]);
      expect(a.counts.errors).toBe(2);
    }
  });

  test("OCaml's shape: File \"…\", line N, characters A-B: then the frame, then Error:", () => {
    const out = ['File "src/parse.ml", line 12, characters 4-9:', "12 |     token", "         ^^^^^", "Error: Unbound value token"].join("\n");
    for (const a of bothReadings(out, "ocamlfind ocamlopt -c src/parse.ml", 2)) {
      expect(where(a.errors)).toEqual(["error src/parse.ml:12 Error: Unbound value token"]);
    }
  });

  test("a location heading with no message under it is still an issue of its own", () => {
    const out = ["src/a.f90:3:1:", "", "something unrelated happened here", "src/b.f90:9:2: Error: it broke"].join("\n");
    const [a] = bothReadings(out, "fc src/a.f90", 1);
    expect(a!.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["src/a.f90:3", "src/b.f90:9"]);
  });
});

test("lines indented under a located finding explain it; a location ending in a colon takes the message indented under it", () => {
  const nim = ["/src/app/report.nim(13, 14) Error: type mismatch: got <Tally, string>", "but expected one of:", "proc render(t: Tally; n: int): string", "  first type mismatch at position: 2", "  but expression '\"10\"' is of type: string", "", "expression: render(t, \"10\")"].join("\n");
  for (const a of bothReadings(nim, "nimc src/report.nim", 1)) expect(a.counts.errors).toBe(1);
  const doc = ["app/export.py:5 in public function `to_csv`:", "        D103: Missing docstring in public function", "app/export.py:10 in public function `to_json`:", "        D103: Missing docstring in public function"].join("\n");
  for (const a of bothReadings(doc, "docstyle app", 1)) {
    expect(a.errors.map((e) => `${e.file}:${e.line} ${e.code}`)).toEqual(["app/export.py:5 D103", "app/export.py:10 D103"]);
    expect(a.kind).toBe("lint");
  }
});

test("a code frame printed as a comment (Erlang's `%   14|`) is not an error, however its code reads", () => {
  const out = [
    "src/bank.erl:14:34: variable 'Amnt' is unbound",
    "%   14|     {error, {insufficient_funds, Amnt}}.",
    "%     |                                  ^",
    "",
    "src/bank.erl:9:5: Warning: variable 'Spare' is unused",
    "%    9|     Spare = 1,",
    "%     |     ^",
  ].join("\n");
  for (const a of bothReadings(out, "erlc src/bank.erl", 1)) {
    expect(where(a.errors)).toEqual(["error src/bank.erl:14 src/bank.erl:14:34: variable 'Amnt' is unbound", "warning src/bank.erl:9 src/bank.erl:9:5: Warning: variable 'Spare' is unused"]);
  }
});

test("a test runner that make runs, or CTest, is read as the test run it is", () => {
  const viaMake = ["erlc -o ebin src/*.erl test/*.erl", "erl -noshell -pa ebin -eval 'eunit:test(cart, [verbose])' -s init stop", "======================== EUnit ========================", "module 'cart_tests'", "  cart_tests: total_test...ok", "  cart_tests: coupon_test...*failed*", "=======================================================", "  Failed: 1.  Skipped: 0.  Passed: 1.", "make: *** [Makefile:9: test] Error 1"].join("\n");
  for (const a of bothReadings(viaMake, "make unit", 2)) {
    expect(a.kind).toBe("test");
    expect(a.counts).toMatchObject({ passed: 1, failed: 1 });
  }
  const ctest = ["Test project /src/conv/build", "    Start 1: celsius", "1/2 Test #1: celsius ..........................   Passed    0.01 sec", "    Start 2: kelvin", "2/2 Test #2: kelvin ...........................***Failed    0.01 sec", "", "50% tests passed, 1 tests failed out of 2"].join("\n");
  for (const a of bothReadings(ctest, "ctest --test-dir build", 8)) {
    expect(a.kind).toBe("test");
    expect(a.tests_failed).toEqual(["kelvin"]);
  }
});

test("make reports the findings of the tools it runs, of shapes its compiler rules do not read", () => {
  const out = ["fpc -Fu../units app.pas", "app.pas(12,7) Error: Identifier not found \"Totl\"", "make: *** [Makefile:4: app] Error 1"].join("\n");
  for (const a of bothReadings(out, "make", 2)) {
    expect(a.tool).toBe("make");
    expect(a.errors.map((e) => `${e.file}:${e.line}`).sort()).toEqual(["Makefile:4", "app.pas:12"]);
  }
});

test("a summary of warnings and no errors makes findings that do not call themselves errors warnings", () => {
  const out = [
    "Checking lib/cart.lua                             2 warnings",
    "",
    "    lib/cart.lua:3:7: unused variable total",
    "    lib/cart.lua:9:12: accessing undefined variable itmes",
    "",
    "Total: 2 warnings / 0 errors in 1 file",
  ].join("\n");
  for (const a of bothReadings(out, "luacheck lib", 1)) {
    expect(a.errors.map((e) => e.severity)).toEqual(["warning", "warning"]);
    expect(a.counts.errors).toBe(0);
    expect(a.counts.warnings).toBe(2);
  }
});

test("a finding that labels itself a warning is one, whatever error words its message holds", () => {
  const out = ["line 8 column 5 - Warning: missing </a> before </p>", "src/a.c:3:9: warning: missing braces around initializer [-Wmissing-braces]", "src/b.kt:9:13: warning: variable 'count' is never used", "src/c.c:4:1: error: unknown type name 'strin'"].join("\n");
  for (const a of bothReadings(out, "checker src", 1)) {
    expect(a.errors.map((e) => e.severity)).toEqual(["warning", "warning", "warning", "error"]);
    expect(a.counts).toMatchObject({ errors: 1, warnings: 3 });
  }
});

test("a finding labelled a note or a hint after its location is a note, not an error", () => {
  const out = ['calc.pas(14,9) Warning: Local variable "Acc" does not seem to be initialized', 'calc.pas(3,5) Note: Local variable "Tmp" not used', "calc.pas(8,1) Hint: Value parameter \"S\" is assigned but never used", "1 warning(s) issued"].join("\n");
  for (const a of bothReadings(out, "pc calc.pas", 0)) {
    expect(a.errors.map((e) => e.severity)).toEqual(["warning", "note", "note"]);
    expect(a.counts.errors).toBe(0);
    expect(a.status).toBe("warnings");
  }
});

describe("counts from a run's summary, whatever the runner", () => {
  const countsOf = (out: string, command: string, exitCode = 0) => bothReadings(out, command, exitCode).map((a) => [a.counts.passed, a.counts.failed, a.counts.skipped]);
  test("a total of tests less its failures, errors and skips is what passed", () => {
    expect(countsOf("....F..\n\n31 examples, 2 failures, 1 pending", "spec-runner", 1)).toEqual([[28, 2, 1], [28, 2, 1]]);
    expect(countsOf("Finished in 0.01s\n12 runs, 30 assertions, 1 failures, 1 errors, 0 skips", "rb-test", 1)).toEqual([[10, 1, 0], [10, 1, 0]]);
    expect(countsOf("OK (9 tests, 20 assertions)", "php-test")).toEqual([[9, 0, 0], [9, 0, 0]]);
  });
  test("the same summary once per part of the run is summed; one printed twice in a row counts once", () => {
    const parts = ["running 4 tests", "test result: FAILED. 3 passed; 1 failed; 0 ignored; finished in 0.21s", "running 6 tests", "test result: ok. 6 passed; 0 failed; 0 ignored; finished in 0.02s"].join("\n");
    for (const a of bothReadings(parts, "unitrun --all", 1)) expect(a.counts).toMatchObject({ passed: 9, failed: 1 });
    const echoed = ["Testsuite: a.ATest", "Tests run: 5, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.6 sec", "Tests run: 5, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.6 sec", "Testsuite: a.BTest", "Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 sec", "Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 sec"].join("\n");
    for (const a of bothReadings(echoed, "antlike test", 1)) expect(a.counts).toMatchObject({ passed: 7, failed: 1 });
    const files = ["FILE: src/A.php", "FOUND 3 ERRORS AFFECTING 1 LINE", "FILE: src/B.php", "FOUND 2 ERRORS AND 1 WARNING AFFECTING 2 LINES"].join("\n");
    for (const a of bothReadings(files, "stylecheck src", 2)) expect(a.counts).toMatchObject({ errors: 5, warnings: 1 });
  });
  test("outcomes in capitals before their counts, and a summary written one count per line", () => {
    expect(countsOf("══ Results ══\n[ FAIL 1 | WARN 0 | SKIP 2 | PASS 7 ]", "r-tests", 1)).toEqual([[7, 1, 2], [7, 1, 2]]);
    const perLine = ["Ok:                 8", "Expected Fail:      1", "Fail:               3", "Unexpected Pass:    0", "Skipped:            2", "Timeout:            0"].join("\n");
    expect(countsOf(perLine, "suite-runner", 1)).toEqual([[8, 3, 2], [8, 3, 2]]);
  });
});

test("findings grouped under their file heading take the file from it, the place from their row", () => {
  const out = [
    "",
    "web/theme.css",
    "   3:9   ✖  Expected \"#FFFFFF\" to be \"#FFF\"      color-hex-length",
    "  14:1   ✖  Expected selector \"th\" to come before   no-descending-specificity",
    "            selector \"table th\", at line 9",
    "  20:5   ⚠  Unexpected unknown property \"colr\"     property-no-unknown",
    "  22:1   warning  missing document start  (document-start)",
    "",
    "  lib/util.js:2:1",
    "  ✖    2:1    Do not use \"require\".    unicorn/prefer-module",
    "",
    "3 problems",
  ].join("\n");
  for (const a of bothReadings(out, "csscheck", 2)) {
    expect(a.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.severity}`)).toEqual(["web/theme.css:3:9 error", "web/theme.css:14:1 error", "web/theme.css:20:5 warning", "web/theme.css:22:1 warning", "lib/util.js:2:1 error"]);
  }
});

describe("a failing run's numbered list of failures names the failed tests", () => {
  const failedOf = (out: string, exitCode = 1) => bothReadings(out, "test-runner", exitCode).map((a) => a.tests_failed);
  test("each list counts from 1; a new list starts again; a kind-only item takes the name below it", () => {
    const out = [
      "..F.E",
      "There was 1 error:",
      "",
      "1) Billing\\InvoiceTest::testTotals",
      "Undefined index: net",
      "",
      "There were 2 failures:",
      "",
      "1) Billing\\TaxTest::testRounding",
      "Failed asserting that 0.3 is identical to 0.29.",
      "2) Billing\\TaxTest::testZeroRate with data set \"none\" (0)",
      "",
      "  1) Failure:",
      "TestSlug#test_accents [test/slug_test.rb:9]:",
      "",
      "FAILURES! Tests: 5, Assertions: 9, Errors: 1, Failures: 2.",
    ].join("\n");
    for (const failed of failedOf(out)) {
      expect(failed).toEqual(["Billing\\InvoiceTest::testTotals", "Billing\\TaxTest::testRounding", 'Billing\\TaxTest::testZeroRate with data set "none" (0)', "TestSlug#test_accents"]);
    }
  });
  test("a list under Pending: is not of failures, and a numbered list in a run without failures is none", () => {
    const pendingFirst = ["Pending: (Failures listed here are expected)", "", "  1) Cart applies coupons", "", "Failures:", "", "  1) Cart totals per line", "", "4 examples, 1 failure, 1 pending"].join("\n");
    for (const failed of failedOf(pendingFirst)) expect(failed).toEqual(["Cart totals per line"]);
    for (const failed of failedOf("Steps:\n1) install\n2) run\n3 tests passed", 0)) expect(failed).toEqual([]);
  });
});

describe("what kind of run it was, from shapes", () => {
  const kindOf = (out: string, command: string, exitCode = 0) => bothReadings(out, command, exitCode).map((a) => a.kind);
  test("a table under a header of columns is a listing", () => {
    const table = ["NAME      STATUS    RESTARTS   AGE", "web-1     Running   0          3d", "web-2     Running   2          3d", "worker-1  Pending   0          5m"].join("\n");
    expect(kindOf(table, "fleetctl pods")).toEqual(["listing", "listing"]);
    const sql = [" id |  name  | email", "----+--------+------------------", "  1 | Ada    | ada@example.org", "  2 | Grace  | grace@example.org", "(2 rows)"].join("\n");
    expect(kindOf(sql, "sqlclient -c 'select * from users'")).toEqual(["listing", "listing"]);
  });
  test("a drawn tree, a long listing's rows and sizes beside names are listings", () => {
    const tree = ["pkg", "├── api", "│   ├── routes.go", "│   └── routes_test.go", "└── main.go", "", "2 directories, 3 files"].join("\n");
    expect(kindOf(tree, "dirtree pkg")).toEqual(["listing", "listing"]);
    const long = ["conf:", "total 12", "drwxr-xr-x  2 app app 4096 Jan  3 10:01 .", "-rw-r--r--  1 app app  220 Jan  3 10:01 app.toml", "lrwxrwxrwx  1 app app    9 Jan  3 10:01 current -> app.toml"].join("\n");
    expect(kindOf(long, "lsx -la conf")).toEqual(["listing", "listing"]);
    const sizes = ["4.0K\tdocs", "1.2M\tsrc", "310M\tnode_modules", "312M\t."].join("\n");
    expect(kindOf(sizes, "diskuse -h --max-depth=1")).toEqual(["listing", "listing"]);
  });
  test("the D runtime's closing line of its unittests makes a test run", () => {
    const out = ["core.exception.AssertError@source/heap.d(53): unittest failure", "----------------", "??:? _d_unittestp [0x55d0c1a4]", "1/2 modules FAILED unittests"].join("\n");
    expect(kindOf(out, "./heap-test", 1)).toEqual(["test", "test"]);
  });
  test("prose is no table", () => {
    const prose = ["Resolving dependencies for the workspace", "Fetched 12 packages in 1.2s", "Linked 12 packages into node_modules"].join("\n");
    expect(kindOf(prose, "pkgtool resolve")).toEqual(["other", "other"]);
  });
  test("a program named a checker, or run in its check mode, lints", () => {
    expect(kindOf("src/a.lua:3:7: unused variable x", "stylecheck src", 1)).toEqual(["lint", "lint"]);
    expect(kindOf("Would reformat src/a.py", "pyfmt --check src", 1)).toEqual(["lint", "lint"]);
  });
  test("findings only in files nothing compiles (scripts, markup, configuration) are a checker's; the same in C sources a build's", () => {
    const py = ["lib/inv/stock.py:3:1: 'os' imported but unused", "lib/inv/stock.py:17:5: local variable 'total' is assigned to but never used"].join("\n");
    expect(kindOf(py, "./scan lib", 1)).toEqual(["lint", "lint"]);
    // a banner that names compiling does not make a checker of TeX a build
    const tex = ["Texcheck v1.0 - Compiled with PCRE regex support.", "thesis.tex:8:12: Interword spacing should perhaps be used"].join("\n");
    expect(kindOf(tex, "./scan thesis.tex", 2)).toEqual(["lint", "lint"]);
    expect(kindOf("src/stock.c:3:1: 'total' undeclared", "./scan src", 1)).toEqual(["build", "build"]);
  });
  test("a command's verb says it installs or builds, whatever the program", () => {
    const kind = (command: string, text = "done in 2.1s\n") => analyzeOutput(text, { command, exitCode: 0 }).kind;
    expect(kind("gem install rails")).toBe("install");
    expect(kind("composer require monolog/monolog")).toBe("install");
    expect(kind("uv sync --frozen")).toBe("install");
    expect(kind("sbt -batch compile")).toBe("build");
    expect(kind("zig build -Doptimize=ReleaseFast")).toBe("build");
    expect(kind("pnpm run build")).toBe("build");
    expect(kind("cmake --build out")).toBe("build");
    expect(kind("make -j4")).toBe("build");
    // a verb that is neither, and an option's value that looks like one, say nothing
    expect(kind("kubectl get pods")).toBe("other");
    expect(kind("shellcheck -o all run.sh")).toBe("lint");
  });

  test("a cross in a build marks an error, not a failed test", () => {
    for (const a of bothReadings(['✘ [ERROR] Could not resolve "./lib/metrics"', "", "    src/index.ts:3:24:", "1 error"].join("\n"), "bundler src/index.ts", 1)) {
      expect(a.tests_failed).toEqual([]);
      expect(a.kind).not.toBe("test");
    }
  });
});

test("a test's line that ends with its verdict names it, and mocha's suite and title make one name", () => {
  const trailing = ["running 3 tests", "test store::tests::evicts_oldest ... ok", "test store::tests::keeps_order ... FAILED", "Suite > handles empty input FAILED", "parses headers ... FAILED (3ms)", "", "test result: FAILED. 1 passed; 3 failed"].join("\n");
  for (const a of bothReadings(trailing, "runner", 101)) expect(a.tests_failed).toEqual(["store::tests::keeps_order", "Suite > handles empty input", "parses headers"]);
  const mocha = ["  queue", "    1) drains all jobs", "", "  0 passing (9ms)", "  1 failing", "", "  1) queue", "       drains all jobs:", "     AssertionError: expected 0 to equal 3"].join("\n");
  for (const a of bothReadings(mocha, "js-runner", 1)) expect(a.tests_failed).toEqual(["queue drains all jobs"]);
});

test("each failure of a test run is placed at the first frame in the project's own files below it", () => {
  const out = [
    "FAIL test/cart.test.js",
    "  ● cart › totals include shipping",
    "",
    "    expect(received).toBe(expected)",
    "",
    "      at Object.<anonymous> (test/cart.test.js:14:22)",
    "      at Promise.then.completed (node_modules/jest-circus/build/utils.js:298:28)",
    "",
    "  ● cart › rejects negative quantities",
    "",
    "      at Object.<anonymous> (test/cart.test.js:30:5)",
    "",
    "Tests:       2 failed, 5 passed, 7 total",
  ].join("\n");
  const [a] = bothReadings(out, "js-runner", 1);
  expect(a!.errors.filter((e) => e.line !== null).map((e) => `${e.file}:${e.line}`)).toEqual(["test/cart.test.js:14", "test/cart.test.js:30"]);
  expect(a!.tests_failed).toContain("cart › rejects negative quantities");
});

test("an error with a stack trace under it is placed at the trace's first frame in the project, and a summary of errors fails a run that exits 0", () => {
  const out = [
    "==41== Invalid write of size 4",
    "==41==    at 0x1091AB: free (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)",
    "==41==    by 0x10A3EB: list_push (src/list.c:41)",
    "==41==    by 0x10A573: main (src/main.c:12)",
    "==41==",
    "==41== ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)",
  ].join("\n");
  const a = compactOutput(new TextEncoder().encode(out), { command: "memcheck ./app", exitCode: 0, cwd: "/tmp/app" }).analysis;
  // the message is read without the prefix every line carries (`==41== `)
  expect(a.errors.filter((e) => e.file).map((e) => `${e.file}:${e.line} ${e.message}`)).toEqual(["src/list.c:41 Invalid write of size 4"]);
  expect(a.status).toBe("failure");
});

test("a finding that starts with its line and names no file is in the one file the command names, and only then", () => {
  const out = ["line 12 column 9 - Warning: missing </a>", "line 8 column 1 - Warning: missing </div>", "Line 3: unexpected token"].join("\n");
  for (const a of bothReadings(out, "htmlcheck -q -e site/index.html", 1)) {
    expect(a.errors.map((e) => `${e.file}:${e.line}:${e.column}`)).toEqual(["site/index.html:12:9", "site/index.html:8:1", "site/index.html:3:null"]);
  }
  for (const a of bothReadings(out, "htmlcheck -q a.html b.html", 1)) expect(a.errors.every((e) => e.file === null)).toBe(true);
  for (const a of bothReadings(out, "htmlcheck < site/index.html", 1)) expect(a.errors.every((e) => e.file === null)).toBe(true);
});

describe("an error is placed where its trace says it happened", () => {
  const places = (text: string, command: string) =>
    compactOutput(new TextEncoder().encode(text), { command, exitCode: 1, cwd: "/srv/app" }).analysis.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`);

  test("each exception a JVM trace chains with Caused by: is an error at its own first frame in the project", () => {
    const out = [
      'Exception in thread "main" java.lang.IllegalStateException: cannot load plan',
      "\tat org.acme.plan.Loader.load(Loader.java:40)",
      "\tat org.acme.plan.Main.main(Main.java:12)",
      "Caused by: org.acme.plan.PlanSyntaxException: unknown step 'deplyo'",
      "\tat org.acme.plan.Parser.step(Parser.java:88)",
      "\t... 2 more",
      "Caused by: java.lang.IllegalArgumentException: No enum constant org.acme.plan.Step.DEPLYO",
      "\tat java.base/java.lang.Enum.valueOf(Enum.java:273)",
      "\tat org.acme.plan.Step.valueOf(Step.java:3)",
      "\t... 3 more",
    ].join("\n");
    expect(places(out, "java -jar plan.jar")).toEqual(["Loader.java:40", "Parser.java:88", "Step.java:3"]);
  });

  test("an error under a trace printed innermost call last is at that trace's last frame in the project", () => {
    const out = [
      "Traceback (most recent call last):",
      '  File "/srv/app/tool/main.py", line 30, in <module>',
      "    run()",
      '  File "/srv/app/tool/steps.py", line 12, in run',
      "    total += row['qty']",
      '  File "/usr/lib/python3.11/csv.py", line 111, in __next__',
      "    row = next(self.reader)",
      "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0",
    ].join("\n");
    expect(places(out, "tool/main.py import data.csv")).toEqual(["/srv/app/tool/steps.py:12"]);
  });

  test("a line after a blank with a trace right under it reports an error, whatever its words; a goroutine's heading does not", () => {
    const out = ["==9== Memcheck, a memory error detector", "==9==", "==9== Conditional jump or move depends on uninitialised value(s)", "==9==    at 0x10A427: render (src/view.c:37)", "==9==    by 0x10A573: main (src/main.c:57)", "==9==", "==9== ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)"].join("\n");
    expect(places(out, "memcheck ./app")).toContain("src/view.c:37");
    const go = ["panic: boom", "", "goroutine 7 [chan receive]:", "main.worker(0xc000012345)", "\t/srv/app/worker.go:21 +0x45", "created by main.main in goroutine 1", "\t/srv/app/main.go:9 +0x2a"].join("\n");
    expect(places(go, "./app")).not.toContain("/srv/app/worker.go:21");
  });

  test("an error that starts with its own place is there, not at the frame under it; a search's match is no place", () => {
    const out = ["/srv/app/lib/money.rb:12:in `parse': not an amount: \"1O\" (ArgumentError)", "\tfrom /srv/app/lib/importer.rb:37:in `row'", "\tfrom bin/import:9:in `<main>'"].join("\n");
    expect(places(out, "bin/import")).toEqual(["/srv/app/lib/money.rb:12"]);
    const grep = ["./net/client.go:169:func (c *Client) send() (err error) {", "./net/client.go:474:func (c *Client) Get() (resp *Response, err error) {"].join("\n");
    expect(compactOutput(new TextEncoder().encode(grep), { command: "rg -n 'err error' .", exitCode: 0 }).analysis.errors.filter((e) => e.file)).toEqual([]);
  });
});

test("a failure's header that gives only its kind and place names the test on the line under it", () => {
  const out = ["●●●◼●●", "5 successes / 1 failure / 1 error / 0 pending : 0.01 seconds", "", "Failure → spec/queue_spec.lua @ 14", "queue pops in order", "spec/queue_spec.lua:17: Expected objects to be the same.", "", "Error → spec/queue_spec.lua @ 30", "queue grows past its size", "spec/queue_spec.lua:31: attempt to index a nil value"].join("\n");
  for (const a of bothReadings(out, "specrun", 1)) expect(a.tests_failed).toEqual(["queue pops in order", "queue grows past its size"]);
});

describe("each test's own verdict line, in the shapes runners print it", () => {
  test("a verdict in brackets before the name; the passing ones counted when no summary says", () => {
    const out = ["[Suite] words", "  [OK] splits on spaces", "  [FAILED] strips punctuation", "    /src/t/test_words.nim(20, 19): Check failed: strip(\"a,\") == \"a\"", "  [OK] lowers case", "  [FAILED] keeps digits"].join("\n");
    for (const a of bothReadings(out, "./tests/test_words", 1)) {
      expect(a.kind).toBe("test");
      expect(a.tests_failed).toEqual(["strips punctuation", "keeps digits"]);
      expect(a.counts).toMatchObject({ passed: 2, failed: 2 });
    }
    const gtest = ["[ RUN      ] Ring.Pops", "[       OK ] Ring.Pops (0 ms)", "[ RUN      ] Ring.Describe", "/src/ring_test.cpp:27: Failure", "[  FAILED  ] Ring.Describe (3 ms)", "[==========] 2 tests from 1 test suite ran. (4 ms total)", "[  PASSED  ] 1 test.", "[  FAILED  ] 1 test, listed below:", "[  FAILED  ] Ring.Describe"].join("\n");
    for (const a of bothReadings(gtest, "./build/ring_test", 1)) expect(a.tests_failed).toEqual(["Ring.Describe"]);
  });
  test("boot or check lines with bracketed verdicts and no suite heading are no test run", () => {
    const boot = ["[  OK  ] Started Journal Service.", "[FAILED] Failed to start nginx.service.", "[  OK  ] Reached target Network."].join("\n");
    for (const a of bothReadings(boot, "journalctl -b", 0)) {
      expect(a.kind).not.toBe("test");
      expect(a.tests_failed).toEqual([]);
    }
  });
  test("a line of over 1,000 characters is not tried as a test's line (the name patterns backtrack on long runs of spaces)", () => {
    const out = ["Tests: 3 passed, 1 failed", `1/4 ${"x".repeat(1200)}   FAIL   0.10s`, "2/4 short_one   FAIL   0.10s"].join("\n");
    for (const a of bothReadings(out, "runner", 1)) expect(a.tests_failed).toEqual(["short_one"]);
  });
  test("a verdict in stars after the name's dots (EUnit), and CTest's ***Exception", () => {
    const eunit = ["module 'cart_tests'", "  cart_tests: total_test...ok", "  cart_tests: coupon_test...[0.002 s] *failed*", "  Failed: 1.  Skipped: 0.  Passed: 1."].join("\n");
    for (const a of bothReadings(eunit, "erl -noshell -s eunit_runner", 1)) expect(a.tests_failed).toEqual(["cart_tests: coupon_test"]);
    const ctest = ["1/2 Test #1: parse ............................   Passed    0.03 sec", "2/2 Test #2: round ............................Subprocess aborted***Exception:   0.02 sec", "", "50% tests passed, 1 tests failed out of 2", "", "Label Time Summary:", "slow    =   0.02 sec*proc (1 test)"].join("\n");
    for (const a of bothReadings(ctest, "ctest", 8)) {
      expect(a.tests_failed).toEqual(["round"]);
      expect(a.counts).toMatchObject({ passed: 1, failed: 1 });
    }
  });
  test("an xUnit failure header names the method with its class in parentheses: the full id when it ends with the method", () => {
    const ruby = ["Started", "F", "=====", "Failure: test_drain_order(TestJobQueue)", "test/test_queue.rb:12:in `test_drain_order'", "<[1, 2]> expected but was", "<[2, 1]>", "=====", "Error: test_stats(TestJobQueue): NoMethodError: undefined method `stats'", "2 tests, 2 assertions, 1 failures, 1 errors, 0 pendings, 0 omissions, 0 notifications"].join("\n");
    for (const a of bothReadings(ruby, "./run-tests", 1)) expect(a.tests_failed).toContain("TestJobQueue.test_drain_order");
    const python = ["ERROR: test_remove_unknown (tests.test_unit.InventoryTest.test_remove_unknown)", "----------------------------------------------------------------------", "Traceback (most recent call last):", "KeyError: 'x'", "", "FAIL: test_total (tests.test_unit.InventoryTest)", "AssertionError: 3 != 2", "", "Ran 6 tests in 0.001s", "", "FAILED (failures=1, errors=1)"].join("\n");
    for (const a of bothReadings(python, "./run-tests", 1)) expect(a.tests_failed).toEqual(["tests.test_unit.InventoryTest.test_remove_unknown", "tests.test_unit.InventoryTest.test_total"]);
  });
  test("Check's verdict as a field after the place (file:line:P|F|E:case:test:iteration: message) names each test, and the failures are located there", () => {
    const out = [
      "Running suite(s): ring",
      "33%: Checks: 3, Failures: 1, Errors: 1",
      "tests/check_ring.c:9:P:core:test_push:0: Passed",
      "tests/check_ring.c:17:F:core:test_wraps:0: Assertion 'r.head == 0' failed: r.head == 4, 0 == 0",
      "tests/check_ring.c:30:E:edge:test_null_push:0: (after this point) Received signal 11 (Segmentation fault)",
    ].join("\n");
    for (const a of bothReadings(out, "./check_ring", 1)) {
      expect(a.kind).toBe("test");
      expect(a.tests_failed).toEqual(["test_wraps", "test_null_push"]);
      expect(a.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["tests/check_ring.c:17", "tests/check_ring.c:30"]);
      expect(a.counts).toMatchObject({ passed: 1, failed: 1, errors: 1 });
    }
  });
  test("a title boxed between two rules names the test whose block reports a failure; a passing one's block does not", () => {
    const rule = "-".repeat(79);
    const out = [
      rule, "parses an empty line", rule, "test/csv_test.cpp:10", ".".repeat(79), "", "test/csv_test.cpp:12: PASSED:", "  CHECK( parse(\"\").empty() )", "",
      rule, "splits quoted fields", "  with an embedded comma", rule, "test/csv_test.cpp:20", ".".repeat(79), "", "test/csv_test.cpp:23: FAILED:", "  CHECK( f.size() == 2 )", "with expansion:", "  3 == 2", "",
      "=".repeat(79), "test cases: 2 | 1 passed | 1 failed", "assertions: 2 | 1 passed | 1 failed",
    ].join("\n");
    for (const a of bothReadings(out, "./build/csv_test -s", 1)) {
      expect(a.tests_failed).toEqual(["splits quoted fields"]);
      expect(a.counts).toMatchObject({ passed: 1, failed: 1 });
    }
  });
  test("doctest's closing list of the items that had failures names each failed test and makes a test run", () => {
    const stars = "*".repeat(70);
    const out = [stars, 'File "shop/cart.py", line 12, in cart.Cart.total', "Failed example:", "    Cart([1, 2]).total()", "Expected:", "    3", "Got:", "    4", stars, "1 items had failures:", "   1 of   3 in cart.Cart.total", "***Test Failed*** 1 failures."].join("\n");
    for (const a of bothReadings(out, "./doccheck shop/cart.py", 1)) {
      expect(a.kind).toBe("test");
      expect(a.tests_failed).toEqual(["cart.Cart.total"]);
    }
  });
  test("a summary of labels each before its count is read label by label", () => {
    const out = ["==== slug-1.2 FAILED", "all.tcl:\tTotal\t8\tPassed\t5\tSkipped\t0\tFailed\t3", "Sourced 1 Test Files."].join("\n");
    for (const a of bothReadings(out, "tclsh all.tcl", 0)) expect(a.counts).toMatchObject({ passed: 5, failed: 3, skipped: 0 });
  });
});

test("Test::More's 'failed N tests of M' is no total of N; a TAP plan counts the run, and D's passing line makes a test run", () => {
  const out = ["1..3", "ok 1 - a", "not ok 2 - b", "#   Failed test 'b'", "not ok 3 - c", "#   Failed test 'c'", "# Looks like you failed 2 tests of 3."].join("\n");
  for (const a of bothReadings(out, "perl t/x.t", 2)) expect(a.counts).toMatchObject({ passed: 1, failed: 2 });
  for (const a of bothReadings("2 modules passed unittests", "./heap-test", 0)) expect(a.kind).toBe("test");
});

test("a failed test named in quotes in a diagnostic comment, and a summary giving only the total: the rest passed", () => {
  const out = [
    "t/dates.t ...... 1/?",
    "#   Failed test 'parses ISO weeks'",
    "#   at t/dates.t line 31.",
    "#          got: '2024-W01'",
    "#     expected: '2024-W1'",
    "# Looks like you failed 1 test of 12.",
    "t/dates.t ...... Dubious, test returned 1 (wstat 256, 0x100)",
    "t/zones.t ...... ok",
    "",
    "Test Summary Report",
    "-------------------",
    "t/dates.t (Wstat: 256 (exited 1) Tests: 12 Failed: 1)",
    "  Failed test:  7",
    "  Non-zero exit status: 1",
    "Files=2, Tests=30,  0 wallclock secs ( 0.02 usr  0.00 sys +  0.09 cusr  0.01 csys =  0.12 CPU)",
    "Result: FAIL",
  ].join("\n");
  for (const a of bothReadings(out, "tap-harness t", 1)) {
    expect(a.tests_failed).toEqual(["parses ISO weeks"]);
    expect(a.counts).toMatchObject({ passed: 29, failed: 1 });
  }
});

test("a run that counts its tests (N/M) names each one whose verdict column says it failed", () => {
  const rows = [" 1/4 sine_rms                OK              0.20s", " 2/4 peak_neg                FAIL            0.10s   exit status 1", " 3/4 clip                    TIMEOUT        30.01s   killed by signal 15", " 4/4 dc                      OK              0.25s", "", "Ok:                 2", "Fail:               1", "Timeout:            1"];
  for (const a of bothReadings(rows.join("\n"), "runtests build", 1)) expect(a.tests_failed).toEqual(["peak_neg", "clip"]);
  const ctest = ["    Start 1: parse_dates", "1/3 Test #1: parse_dates ......................   Passed    0.01 sec", "2/3 Test #2: parse_zones ......................***Failed    0.02 sec", "3/3 Test #3: round_trip .......................   Passed    0.01 sec", "", "67% tests passed, 1 tests failed out of 3"];
  for (const a of bothReadings(ctest.join("\n"), "run-suite", 8)) expect(a.tests_failed).toEqual(["parse_zones"]);
});

test("the counts a tool states in its summary stand, however many lines read as errors", () => {
  const out = ["src/a.kt:3:9: error: unresolved reference: foo", "src/a.kt:3:9: error: unresolved reference: foo (again, from another pass)", "compilation failed with error", "1 error, 2 warnings"].join("\n");
  for (const a of bothReadings(out, "ktc src", 1)) {
    expect(a.counts.errors).toBe(1);
    expect(a.counts.warnings).toBe(2);
  }
});

test("a one-letter severity after the location says what a finding is; 460 findings are all kept, and errors past 1,000 warnings are still reported", () => {
  const many = Array.from({ length: 460 }, (_, i) => `src/m${i % 7}.js:${i + 1}:3: W: no-unused-vars: 'x${i}' is assigned a value but never used.`).join("\n");
  for (const a of bothReadings(many, "jscheck src", 1)) expect(new Set(a.errors.map((e) => `${e.file}:${e.line}`)).size).toBe(460);
  const warnings = Array.from({ length: 1100 }, (_, i) => `pkg/mod.py:${i + 1}:0: C0301: Line too long (120/100) (line-too-long)`);
  const out = [...warnings, "pkg/mod.py:1300:4: E1101: Instance of 'Cart' has no 'totl' member (no-member)", "lib/a.rb:3:5: W: Lint/UselessAssignment: Useless assignment to variable - x."].join("\n");
  for (const a of bothReadings(out, "pycheck pkg", 2)) {
    expect(a.errors.length).toBe(1000);
    expect(a.errors[0]).toMatchObject({ file: "pkg/mod.py", line: 1300, severity: "error" });
    expect(a.errors.filter((e) => e.severity === "error").length).toBe(1);
  }
});

test("node --test's closing counts (ℹ pass N) make a test run and give its counts", () => {
  const out = ["✔ sums (0.5ms)", "✖ rounds down (1.2ms)", "ℹ tests 2", "ℹ suites 0", "ℹ pass 1", "ℹ fail 1", "ℹ duration_ms 40.1"].join("\n");
  for (const a of bothReadings(out, "js-runner", 1)) {
    expect([a.kind, a.counts.passed, a.counts.failed]).toEqual(["test", 1, 1]);
    expect(a.tests_failed).toEqual(["rounds down"]);
  }
});

test("a TAP stream without closing comments is counted from its ok and not ok lines", () => {
  const out = ["ok 1 - parses", "not ok 2 - rounds half up", "# Failure message: spec/round.lua:9: Expected 3", "ok 3 - formats # SKIP no locale", "not ok 4 - localises # TODO later", "ok 5 - trims", "1..5"].join("\n");
  for (const a of bothReadings(out, "specrun -o TAP", 1)) expect(a.counts).toMatchObject({ passed: 2, failed: 1, skipped: 2 });
});

test("TAP's closing comments give the counts, one per line", () => {
  const out = ["TAP version 13", "# sums", "ok 1 should be equal", "not ok 2 rounds down", "  ---", "    expected: 2", "    actual:   1", "  ...", "", "1..2", "# tests 2", "# pass  1", "# fail  1"].join("\n");
  for (const a of bothReadings(out, "tap-runner", 1)) {
    expect([a.counts.passed, a.counts.failed]).toEqual([1, 1]);
    expect(a.tests_failed).toEqual(["rounds down"]);
  }
});

test("a program's name right before a location (psql:FILE:LINE:) leaves the place to the file, and a located error fails a run that exits 0", () => {
  const out = ["CREATE TABLE", "dbclient:sql/02_orders.sql:14: ERROR:  column \"tier\" does not exist", "LINE 1: SELECT tier FROM customers;", "INSERT 0 3"].join("\n");
  for (const a of bothReadings(out, "dbclient -f sql/02_orders.sql", 0)) {
    expect(a.errors.filter((e) => e.file).map((e) => `${e.file}:${e.line}`)).toEqual(["sql/02_orders.sql:14"]);
    expect(a.status).toBe("failure");
  }
  const urls = ["GET http://localhost:8080/health 200", "proxy:http://cache.internal:3128/x"].join("\n");
  for (const a of bothReadings(urls, "probe", 0)) expect(a.errors.filter((e) => e.file)).toEqual([]);
});

test("a place in parentheses with a space after the comma (Nim), after the type thrown (D); a call on a name is none", () => {
  const nim = ["/src/app/report.nim(13, 14) Error: type mismatch: got <int, string>", "    t.top(2) was @[(\"b\", 2)]"].join("\n");
  for (const a of bothReadings(nim, "nim c src/report.nim", 1)) expect(a.errors.filter((e) => e.file).map((e) => `${e.file}:${e.line}:${e.column}`)).toEqual(["/src/app/report.nim:13:14"]);
  const d = "core.exception.AssertError@source/heap.d(53): heap did not pop in order";
  for (const a of bothReadings(d, "./heap-test", 1)) expect(a.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["source/heap.d:53"]);
});

test("a file that heads its message with the place in prose at the end is located there", () => {
  const out = ["lib/Shop/Cart.pm: Code before strictures are enabled at line 3, column 1.  See page 429 of PBP.  (Severity: 5)", "lib/Shop/Cart.pm: Subroutine \"total\" does not end with \"return\" at line 14, column 1.  See page 197 of PBP.  (Severity: 4)"].join("\n");
  for (const a of bothReadings(out, "critic lib", 2)) expect(a.errors.map((e) => `${e.file}:${e.line}:${e.column}`)).toEqual(["lib/Shop/Cart.pm:3:1", "lib/Shop/Cart.pm:14:1"]);
});

test("PHP's 'in FILE on line N' is a place, cppcheck's style findings are notes, and a located error fails a run that exits 0", () => {
  const php = "PHP Parse error:  syntax error, unexpected token \"}\" in src/Cart.php on line 40";
  for (const a of bothReadings(php, "php -l src/Cart.php", 255)) expect(a.errors.map((e) => `${e.file}:${e.line}`)).toContain("src/Cart.php:40");
  const check = ["src/buf.c:12:5: error: Array 'b[4]' accessed at index 4, which is out of bounds. [arrayIndexOutOfBounds]", "src/buf.c:3:0: style: The function 'unused' is never used. [unusedFunction]"].join("\n");
  for (const a of bothReadings(check, "cchecker src", 0)) {
    expect(a.errors.map((e) => e.severity)).toEqual(["error", "note"]);
    expect(a.status).toBe("failure");
  }
});

test("a failure word with the test's place in parentheses, and a tagged 'Testcase: name … FAILED', name failed tests", () => {
  const placed = ["══ Failed tests ══", "Failure (test-stats.R:12:3): median of an even count", "Error (test-stats.R:30): trimmed mean", "", "[ FAIL 2 | WARN 0 | SKIP 0 | PASS 9 ]"].join("\n");
  for (const a of bothReadings(placed, "r-tests", 1)) expect(a.tests_failed).toEqual(["median of an even count", "trimmed mean"]);
  const tagged = ["    [junit] Tests run: 3, Failures: 1, Errors: 0", "    [junit] Testcase: parsesDates(com.example.DateTest):        FAILED"].join("\n");
  for (const a of bothReadings(tagged, "build-tool test", 1)) expect(a.tests_failed).toEqual(["parsesDates(com.example.DateTest)"]);
});

test("a compiler's one 'at file:line' under each error, past its code frame, is the error's place and no stack trace", () => {
  const out = [
    "TS2322 [ERROR]: Type 'string' is not assignable to type 'number'.",
    '  retries: "3",',
    "  ~~~~~~~",
    "    at file:///home/me/app/src/config.ts:15:3",
    "",
    "TS2304 [ERROR]: Cannot find name 'fetchAll'.",
    "  await fetchAll(urls);",
    "        ~~~~~~~~",
    "    at file:///home/me/app/src/main.ts:9:9",
    "",
    "Found 2 errors.",
  ].join("\n");
  const a = compactOutput(new TextEncoder().encode(out), { command: "tscheck src/main.ts", exitCode: 1, cwd: "/home/me/app" }).analysis;
  expect(a.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["/home/me/app/src/config.ts:15", "/home/me/app/src/main.ts:9"]);
  expect(a.kind).not.toBe("runtime_error");
});

test("findings coded as a compiler codes them (a warning flag, TS2322, E0308) are a build's, not a linter's", () => {
  const out = ["src/a.c:3:9: warning: unused variable 'n' [-Wunused-variable]", "src/b.ts(4,7): error TS2322: Type 'string' is not assignable to type 'number'."].join("\n");
  for (const a of bothReadings(out, "cc-wrapper", 1)) expect(a.kind).toBe("build");
});

test("a failure's place and name are read through a snapshot diff that looks like a patch", () => {
  const out = [
    "FAIL test/page.test.js",
    "  ● page › renders the header",
    "    - Snapshot  - 1",
    "    + Received  + 1",
    "    @@ -1,2 +1,2 @@",
    "    - <h1>Shop</h1>",
    "    + <h1>shop</h1>",
    "      at Object.toMatchSnapshot (test/page.test.js:6:33)",
    "      at Promise.then.completed (node_modules/jest-circus/build/utils.js:298:28)",
    "  ● page › renders the footer",
    "    @@ -1 +1 @@",
    "    - <footer/>",
    "    + <footer>x</footer>",
    "      at Object.toMatchSnapshot (test/page.test.js:10:33)",
    "Tests:       2 failed, 1 passed, 3 total",
  ].join("\n");
  const [a] = bothReadings(out, "js-runner", 1);
  expect(a!.tests_failed).toEqual(expect.arrayContaining(["page › renders the header", "page › renders the footer"]));
  expect(a!.errors.filter((e) => e.line !== null).map((e) => `${e.file}:${e.line}`)).toEqual(["test/page.test.js:6", "test/page.test.js:10"]);
});

test("the tests listed under a failures heading (Maven Surefire) are the failed ones, and 'Tests run: N' is the total", () => {
  const out = ["[ERROR] Failures: ", "[ERROR]   CalcTest.average:9 expected: <2.5> but was: <2.0>", "[ERROR] Errors: ", "[ERROR]   ParserTest.empty:21 » NullPointer", "[INFO] ", "[ERROR] Tests run: 12, Failures: 1, Errors: 1, Skipped: 0"].join("\n");
  for (const a of bothReadings(out, "build-tool test", 1)) {
    expect(a.tests_failed).toEqual(["CalcTest.average", "ParserTest.empty"]);
    expect(a.counts.passed).toBe(10);
  }
});

test("what a line says there is none of is no error, and a line naming the file of the error placed right above it is that error again", () => {
  const out = [
    "No syntax errors detected in src/Cart.php",
    "PHP Parse error:  syntax error, unexpected token \"}\" in src/Report.php on line 19",
    "Errors parsing src/Report.php",
    "No syntax errors detected in src/Stock.php",
  ].join("\n");
  for (const a of bothReadings(out, "./phpcheck src", 255)) {
    expect(where(a.errors)).toEqual(['error src/Report.php:19 PHP Parse error:  syntax error, unexpected token "}" in src/Report.php on line 19']);
    expect(a.counts.errors).toBe(1);
  }
  // an error placed elsewhere is still one of its own
  const other = ["PHP Parse error:  syntax error, unexpected end of file in src/Report.php on line 19", "Errors parsing src/Other.php"].join("\n");
  for (const a of bothReadings(other, "./phpcheck src", 255)) expect(a.errors).toHaveLength(2);
});

test("places on the way to an error (an include chain, an instantiation) and labelled notes are notes, whatever their words", () => {
  const out = [
    "In file included from /usr/include/c++/12/map:61,",
    "                 from src/ledger.hpp:3,",
    "                 from src/report.cpp:1:",
    "/usr/include/c++/12/bits/stl_function.h:408:20: error: no match for 'operator<'",
    "src/ledger.hpp:26:15:   required from 'std::map<Key, long> ledger::sum_by(const C&)'",
    "src/report.cpp:13:38:   required from here",
    "/usr/include/c++/12/bits/stl_iterator.h:451:5: note:   template argument deduction/substitution failed:",
  ].join("\n");
  // with every recogniser off: the shapes alone (the C family's rules read GCC already)
  const generic = [compactOutput(new TextEncoder().encode(out), { command: "./cxx-build", exitCode: 1, rules: "generic" }).analysis, analyzeOutput(out, { command: "./cxx-build", exitCode: 1, rules: "generic" })];
  for (const a of generic) {
    expect(a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`)).toEqual(["/usr/include/c++/12/bits/stl_function.h:408"]);
    expect(a.counts).toMatchObject({ errors: 1, warnings: 0 });
  }
});

test("a run that places its errors counts the placed ones: a build tool's lines about them and help lines are no more errors", () => {
  const out = [
    "[1/2] Compiling C object libwav.a.p/src_resample.c.o",
    "FAILED: libwav.a.p/src_resample.c.o",
    "../src/resample.c:6:25: error: incompatible types when initializing type 'const float'",
    "../src/resample.c:16:40: error: 'frac_pos' undeclared (first use in this function)",
    "../src/resample.c:14:16: warning: unused variable 'frac' [-Wunused-variable]",
    "ninja: build stopped: subcommand failed.",
  ].join("\n");
  const generic = [compactOutput(new TextEncoder().encode(out), { command: "./build.sh", exitCode: 1, rules: "generic" }).analysis, analyzeOutput(out, { command: "./build.sh", exitCode: 1, rules: "generic" })];
  for (const a of generic) {
    expect(a.counts).toMatchObject({ errors: 2, warnings: 1 });
    // every error line is still listed
    expect(a.errors.filter((e) => e.severity === "error").length).toBeGreaterThan(2);
  }
  // with no error placed, each error line counts
  for (const a of bothReadings(["ERROR: cannot reach the registry", "ERROR: lock file is stale"].join("\n"), "./deploy", 1)) expect(a.counts.errors).toBe(2);
});

test("go test -v's verdict lines (=== RUN, --- PASS:) make a test run and count the passed tests when no summary does", () => {
  const out = ["=== RUN   TestSlug", "=== RUN   TestSlug/spaces", "--- PASS: TestSlug (0.00s)", "    --- PASS: TestSlug/spaces (0.00s)", "=== RUN   TestTrim", "--- PASS: TestTrim (0.00s)", "PASS", "ok  \texample.com/strs\t0.004s"].join("\n");
  const generic = [compactOutput(new TextEncoder().encode(out), { command: "./run-tests", exitCode: 0, rules: "generic" }).analysis, analyzeOutput(out, { command: "./run-tests", exitCode: 0, rules: "generic" })];
  for (const a of generic) {
    expect(a.kind).toBe("test");
    expect(a.status).toBe("success");
    expect(a.counts).toMatchObject({ passed: 3, failed: 0 });
  }
});

test("lines that each carry a task's prefix ([test] , [lint] ) are read without it; JSON lines by the text they carry", () => {
  const out = ["[test] TAP version 13", "[test] not ok 1 - next returns the highest priority task", "[test] ok 2 - adds a task", "[test] not ok 3 - remaining counts open tasks", "[test] ok 4 - clears", "[test] 1..4", "[test] # pass 2", "[test] # fail 2", "[test] npm run test exited with code 1"].join("\n");
  for (const a of bothReadings(out, "concurrently-like 'npm:lint' 'npm:test'", 1)) {
    expect(a.tests_failed).toEqual(["next returns the highest priority task", "remaining counts open tasks"]);
    expect(a.counts).toMatchObject({ passed: 2, failed: 2 });
  }
  const json = ['{"Action":"run","Test":"TestSplit"}', '{"Action":"output","Test":"TestSplit","Output":"--- FAIL: TestSplit (0.00s)\\n"}', '{"Action":"fail","Test":"TestSplit"}', '{"Action":"pass","Test":"TestJoin"}'].join("\n");
  const generic = [compactOutput(new TextEncoder().encode(json), { command: "./run-tests", exitCode: 1, rules: "generic" }).analysis, analyzeOutput(json, { command: "./run-tests", exitCode: 1, rules: "generic" })];
  for (const a of generic) {
    expect(a.kind).toBe("test");
    expect(a.tests_failed).toContain("TestSplit");
  }
});

test("the GNU range place (path:line.col-line.col:) is where the range starts, and a quoted test name is the name inside the quotes", () => {
  const vala = ["src/store.vala:26.5-26.20: error: Assignment: Cannot convert from `string' to `int'", "src/store.vala:31.9-31.14: error: The name `cuont' does not exist", "Compilation failed: 2 error(s), 0 warning(s)"].join("\n");
  for (const a of bothReadings(vala, "./build-all", 1)) expect(a.errors.map((e) => `${e.file}:${e.line}:${e.column}`)).toEqual(["src/store.vala:26:5", "src/store.vala:31:9"]);
  const uvu = ["slugify.js", '   FAIL  "transliterates umlauts"', "    Expected values to be strictly equal:  (is)", "", "  Total:     5", "  Passed:    4", "  Skipped:   0"].join("\n");
  for (const a of bothReadings(uvu, "./run-tests", 1)) expect(a.tests_failed).toEqual(["transliterates umlauts"]);
});

test("an error that names its test case in quotes (Boost.Test), a test's verdict under an error's place (plunit); a run's steps at a place are no errors", () => {
  const boost = [
    "Running 3 test cases...",
    'test/rates_test.cpp(12): Entering test case "euro_to_dollar"',
    'test/rates_test.cpp(12): Leaving test case "euro_to_dollar"; testing time: 207us',
    'test/rates_test.cpp(16): Entering test case "dollar_to_pound"',
    'test/rates_test.cpp(17): error: in "conversion/dollar_to_pound": check round2(x) == 39.82 has failed [39.81 != 39.82]',
    'test/rates_test.cpp(16): Leaving test case "dollar_to_pound"; testing time: 256us',
    'unknown location(0): fatal error: in "conversion/unknown_code_throws": std::out_of_range: unknown currency CHF',
    "",
    '*** 2 failures are detected in the test module "ratebook"',
  ].join("\n");
  for (const a of bothReadings(boost, "./build/rates_test --log_level=test_suite", 201)) {
    expect(a.tests_failed).toEqual(["conversion/dollar_to_pound", "conversion/unknown_code_throws"]);
    expect(a.errors.filter((e) => e.file).map((e) => `${e.file}:${e.line}`)).toEqual(["test/rates_test.cpp:17"]);
  }
  const plunit = ["% PL-Unit: route .", "ERROR: /src/test_graph.pl:15:", "        test hops_counts_edges: wrong answer (compared using ==)", "ERROR:     Expected: 2", "ERROR:     Got:      3", "**FAILED 0.010 sec", "% 1 tests failed", "% 3 tests passed"].join("\n");
  for (const a of bothReadings(plunit, "swipl -g run_tests -t halt test_graph.pl", 1)) expect(a.tests_failed).toEqual(["hops_counts_edges"]);
});

test("a run whose last words say it succeeded is not failed by an error line it reported along the way; a program named a build builds", () => {
  const out = ["Running Sphinx v5.3.0", "docs/gulls.rst:11: ERROR: Unknown directive type \"gallery\".", "docs/terns.rst:4: WARNING: duplicate label terns", "docs/index.rst:9: WARNING: toctree contains reference to nonexisting document 'auks'", "build succeeded, 3 warnings."].join("\n");
  for (const a of bothReadings(out, "sphinx-build -b html docs docs/_build/html", 0)) {
    expect(a.status).toBe("warnings");
    expect(a.kind).toBe("build");
  }
  // without those words the error fails the run, exit 0 or not
  for (const a of bothReadings(out.replace("build succeeded, 3 warnings.", "done"), "docgen docs", 0)) expect(a.status).toBe("failure");
});

describe("pytest's fixture lookup error is placed where pytest says", () => {
  test("`file PATH, line N` above `E fixture 'x' not found` is that error's location", () => {
    const out = [
      "============================= test session starts ==============================",
      "collected 2 items",
      "",
      "tests/test_api.py .E                                                     [100%]",
      "",
      "==================================== ERRORS ====================================",
      "_________________________ ERROR at setup of test_login _________________________",
      "file /srv/app/tests/test_api.py, line 14",
      "  def test_login(clinet):",
      "E       fixture 'clinet' not found",
      ">       available fixtures: cache, capfd, client, monkeypatch, tmp_path",
      ">       use 'pytest --fixtures [testpath]' for help on them.",
      "",
      "/srv/app/tests/test_api.py:14",
      "=========================== short test summary info ============================",
      "ERROR tests/test_api.py::test_login",
      "========================== 1 passed, 1 error in 0.02s ==========================",
    ].join("\n");
    for (const a of bothReadings(out, "pytest", 1)) {
      expect(where(a.errors)).toEqual(["error /srv/app/tests/test_api.py:14 fixture 'clinet' not found"]);
      expect(a.tests_failed).toEqual(["tests/test_api.py::test_login"]);
    }
  });
});

describe("an exception group is told by its sub-exceptions, each at its own place", () => {
  test("Python 3.11's margins (`  + `, `  | `, `+-+---- 1 ----`) around nested groups", () => {
    const out = [
      "  + Exception Group Traceback (most recent call last):",
      '  |   File "/srv/sync/main.py", line 40, in <module>',
      "  |     asyncio.run(sync_all())",
      '  |   File "/usr/lib/python3.12/asyncio/runners.py", line 194, in run',
      "  |     return runner.run(main)",
      '  |   File "/srv/sync/main.py", line 31, in sync_all',
      "  |     async with asyncio.TaskGroup() as tg:",
      "  | ExceptionGroup: unhandled errors in a TaskGroup (2 sub-exceptions)",
      "  +-+---------------- 1 ----------------",
      "    | Traceback (most recent call last):",
      '    |   File "/srv/sync/fetch.py", line 12, in fetch',
      "    |     raise TimeoutError(url)",
      "    | TimeoutError: https://mirror.example/a.tar",
      "    +---------------- 2 ----------------",
      "    | Exception Group Traceback (most recent call last):",
      '    |   File "/srv/sync/store.py", line 50, in save_all',
      "    |     raise ExceptionGroup('writes failed', errs)",
      "    | ExceptionGroup: writes failed (1 sub-exception)",
      "    +-+---------------- 1 ----------------",
      "      | Traceback (most recent call last):",
      '      |   File "/srv/sync/store.py", line 44, in save',
      "      |     os.replace(tmp, dest)",
      "      | PermissionError: [Errno 13] Permission denied: '/var/cache/a.tar'",
      "      +------------------------------------",
    ].join("\n");
    for (const a of bothReadings(out, "python3 main.py", 1)) {
      expect(a.kind).toBe("runtime_error");
      expect(where(a.errors)).toEqual([
        "error /srv/sync/fetch.py:12 TimeoutError: https://mirror.example/a.tar",
        "error /srv/sync/store.py:44 PermissionError: [Errno 13] Permission denied: '/var/cache/a.tar'",
      ]);
    }
  });
});

describe("a test's bare name over an assertion's failure names a failed test", () => {
  test("shUnit2's shape: each test's name as it runs, `ASSERT:` under the ones that failed", () => {
    const out = ["testParsesEmpty", "testParsesList", "ASSERT:expected:<3> but was:<2>", "testTrimsSpaces", "testRejectsTabs", "ASSERT:tab must be refused", "ASSERT:exit code expected:<1> but was:<0>", "", "Ran 4 tests.", "", "FAILED (failures=3)"].join("\n");
    for (const a of bothReadings(out, "sh tests/test_parse.sh", 1)) {
      expect(a.kind).toBe("test");
      expect(a.tests_failed).toEqual(["testParsesList", "testRejectsTabs"]);
    }
  });
});

describe("a run that announces how many tests it starts and then tells only the failures", () => {
  test("what passed is the rest: Boost.Test's `Running N test cases...` over its failures", () => {
    const out = [
      "Running 5 test cases...",
      'test/parse_test.cpp(22): error: in "parse/empty_input": check p.ok() has failed',
      'test/parse_test.cpp(40): error: in "parse/nested": check depth == 3 has failed [2 != 3]',
      'test/parse_test.cpp(41): error: in "parse/nested": check kids.size() == 2 has failed [1 != 2]',
      "",
      '*** 3 failures are detected in the test module "parser"',
    ].join("\n");
    for (const a of bothReadings(out, "./build/parser_test", 201)) {
      expect(a.tests_failed).toEqual(["parse/empty_input", "parse/nested"]);
      expect(a.counts.passed).toBe(3);
    }
  });
});

describe("warnings a run says it suppressed are not counted as found", () => {
  test("clang-tidy: `N warnings generated.` counts the headers' too; the ones shown are the findings", () => {
    const out = [
      "2210 warnings generated.",
      "4405 warnings generated.",
      "/src/app/main.c:14:9: warning: 'strcpy' is insecure [clang-analyzer-security.insecureAPI.strcpy]",
      "   14 |         strcpy(buf, argv[1]);",
      "      |         ^~~~~~",
      "/src/app/util.c:30:5: warning: variable 'n' is not initialized [cppcoreguidelines-init-variables]",
      "   30 |     int n;",
      "      |     ^",
      "Suppressed 4403 warnings (4403 in non-user code).",
      "Use -header-filter=.* to display errors from all non-system headers. Use -system-headers to display errors from system headers as well.",
    ].join("\n");
    for (const a of bothReadings(out, "clang-tidy src/main.c src/util.c --", 0)) {
      expect(a.counts.warnings).toBe(2);
      expect(a.status).toBe("warnings");
    }
  });
});

describe("a bundler's error: Rollup's `path (line:col)` place and its own stack under it", () => {
  test("the place is read, and a trace all in node_modules makes it a build failure, not a crash", () => {
    const out = [
      "src/index.js → dist/app.js...",
      "[!] RollupError: src/cart/total.js (12:31): Unexpected token (Note that you need plugins to import files that are not JavaScript)",
      "src/cart/total.js (12:31)",
      "10: export function total(items) {",
      "11:   return items",
      "12:     .reduce((sum, i) => sum + i.price * i.qty, 0",
      "                                   ^",
      "    at getRollupError (/home/dev/shop/node_modules/rollup/dist/shared/parseAst.js:285:41)",
      "    at convertProgram (/home/dev/shop/node_modules/rollup/dist/shared/rollup.js:1005:26)",
      "    at Module.setSource (/home/dev/shop/node_modules/rollup/dist/shared/rollup.js:16004:24)",
    ].join("\n");
    for (const a of bothReadings(out, "npx rollup -c", 1)) {
      expect(a.kind).toBe("build");
      expect(a.errors.some((e) => e.file === "src/cart/total.js" && e.line === 12 && e.column === 31)).toBe(true);
    }
  });
});

describe("a failure raised in the code under test is placed there and at the test's own line", () => {
  const out = [
    "Failures:",
    "",
    "  1) Cart totals an order with a discount",
    "     Failure/Error:",
    "       expect(cart.total).to eq(90)",
    "",
    "     NoMethodError:",
    "       undefined method `rate' for nil",
    "     # ./lib/shop/discount.rb:12:in `apply'",
    "     # ./lib/shop/cart.rb:30:in `total'",
    "     # ./spec/cart_spec.rb:44:in `block (2 levels) in <top (required)>'",
    "",
    "  2) Cart rejects a negative quantity",
    "     Failure/Error: expect { cart.add(:pen, -1) }.to raise_error(ArgumentError)",
    "       expected ArgumentError but nothing was raised",
    "     # ./spec/cart_spec.rb:51:in `block (2 levels) in <top (required)>'",
    "",
    "Finished in 0.02 seconds (files took 0.1 seconds to load)",
    "12 examples, 2 failures",
  ].join("\n");
  test("rspec: the first project frame, the spec's line, and the test's name without the `Failure/Error:` label", () => {
    const a = compactOutput(new TextEncoder().encode(out), { command: "rspec", exitCode: 1 }).analysis;
    const places = a.errors.filter((e) => e.file).map((e) => `${e.file}:${e.line}`);
    expect(places).toContain("./lib/shop/discount.rb:12");
    expect(places).toContain("./spec/cart_spec.rb:44");
    expect(places).toContain("./spec/cart_spec.rb:51");
    expect(places).not.toContain("./lib/shop/cart.rb:30");
    expect(a.tests_failed).toEqual(["Cart totals an order with a discount", "Cart rejects a negative quantity"]);
  });
});

describe("findings under an `== path ==` heading, each led by its one-letter severity", () => {
  test("RuboCop's simple format: C, R and W are warnings, E and F errors, each at the heading's file", () => {
    const out = [
      "== app/models/user.rb ==",
      "C:  3:  5: Style/Documentation: Missing top-level documentation comment for class User.",
      "W: 12: 11: Lint/UselessAssignment: Useless assignment to variable - token.",
      "== lib/tasks/sync.rake ==",
      "E:  7:  1: Lint/Syntax: unexpected token kEND",
      "",
      "4 files inspected, 3 offenses detected",
    ].join("\n");
    for (const a of bothReadings(out, "bundle exec rubocop --format simple", 1)) {
      expect(where(a.errors)).toEqual([
        "warning app/models/user.rb:3 C:  3:  5: Style/Documentation: Missing top-level documentation comment for class User.",
        "warning app/models/user.rb:12 W: 12: 11: Lint/UselessAssignment: Useless assignment to variable - token.",
        "error lib/tasks/sync.rake:7 E:  7:  1: Lint/Syntax: unexpected token kEND",
      ]);
      expect(a.kind).toBe("lint");
    }
  });
});

describe("webpack's `ERROR in MODULE line:col-col` places the error; ` @ MODULE` lines under it are the import chain", () => {
  test("the module's range is the place; the importing modules are notes, not more errors", () => {
    const out = [
      "asset main.js 1.2 KiB [emitted] [minimized] (name: main)",
      "",
      "ERROR in ./src/app.js 3:0-34",
      "Module not found: Error: Can't resolve './format' in '/home/dev/site/src'",
      " @ ./src/index.js 1:0-24",
      "",
      "ERROR in ./src/theme.css (./node_modules/css-loader/dist/cjs.js!./src/theme.css) 12:36-70",
      "Module not found: Error: Can't resolve './img/bg.png' in '/home/dev/site/src'",
      " @ ./src/index.js 2:0-22",
      "",
      "webpack 5.97.1 compiled with 2 errors in 402 ms",
    ].join("\n");
    for (const a of bothReadings(out, "npx webpack", 1)) {
      const errors = a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`);
      expect(errors).toEqual(["./src/app.js:3", "./src/theme.css:12"]);
      expect(a.counts.errors).toBe(2);
      expect(a.counts.warnings).toBe(0);
    }
  });
});

describe("an error's indented elaboration stands between it and the frame that places it", () => {
  test("Deno's type errors: `TS2322 [ERROR]: …`, its elaboration, the code, then `at file:///…`", () => {
    const out = [
      "Check file:///home/dev/api/main.ts",
      "TS2322 [ERROR]: Type '{ port: string; }' is not assignable to type 'Config'.",
      "  Types of property 'port' are incompatible.",
      "    Type 'string' is not assignable to type 'number'.",
      "  return { port: Deno.env.get(\"PORT\") ?? \"8000\" };",
      "  ~~~~~~",
      "    at file:///home/dev/api/config.ts:12:3",
      "",
      "TS2304 [ERROR]: Cannot find name 'serve'.",
      "serve(handler);",
      "~~~~~",
      "    at file:///home/dev/api/main.ts:4:1",
      "",
      "Found 2 errors.",
    ].join("\n");
    const a = compactOutput(new TextEncoder().encode(out), { command: "deno check main.ts", exitCode: 1 }).analysis;
    expect(a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`)).toEqual(["/home/dev/api/config.ts:12", "/home/dev/api/main.ts:4"]);
  });
});

describe("a finding's own label decides its severity, and the JVM's notice is none of the tool's", () => {
  test("yamllint's parsable `[warning]` beats an error word in the message", () => {
    const out = ["./deploy.yml:1:1: [warning] missing document start \"---\" (document-start)", "./deploy.yml:7:3: [error] wrong indentation: expected 4 but found 2 (indentation)"].join("\n");
    for (const a of bothReadings(out, "yamllint -f parsable .", 1)) {
      expect(a.errors.map((e) => `${e.severity} ${e.line}`)).toEqual(["warning 1", "error 7"]);
      expect([a.counts.errors, a.counts.warnings]).toEqual([1, 1]);
    }
  });
  test("`OpenJDK 64-Bit Server VM warning: …` before a Java tool's output is not one of its warnings", () => {
    const out = [
      "OpenJDK 64-Bit Server VM warning: Options -Xverify:none and -noverify were deprecated in JDK 13 and will likely be removed in a future release.",
      "src/Shop.kt:4:9: warning: variable 'x' is never used",
      "    val x = 1",
      "        ^",
    ].join("\n");
    for (const a of bothReadings(out, "kotlinc src/Shop.kt -d out", 0)) {
      expect(a.counts.warnings).toBe(1);
      expect(a.errors.map((e) => e.file)).toEqual(["src/Shop.kt"]);
    }
  });
});

describe("a count of what a fix option would fix is no total of the run", () => {
  test("stylelint's and ESLint's `N errors potentially fixable with the --fix option` under the total", () => {
    const out = ["", "src/a.css", "  3:5  ✖  Unexpected unknown property \"colr\"  property-no-unknown", "  9:1  ✖  Expected empty line before rule  rule-empty-line-before", "", "✖ 2 problems (2 errors, 0 warnings)", "  1 error potentially fixable with the \"--fix\" option."].join("\n");
    for (const a of bothReadings(out, "npx stylelint src/a.css", 2)) expect(a.counts.errors).toBe(2);
  });
});

describe("a numbered failure's nested suites and title, each on a line further in", () => {
  test("mocha's `2) Job` / `serialization` / `round-trips through JSON:` is one test's full name", () => {
    const out = [
      "  40 passing (1s)",
      "  2 failing",
      "",
      "  1) Cart",
      "       adds an item:",
      "     AssertionError: expected 1 to equal 2",
      "      at Context.<anonymous> (test/cart.test.js:9:22)",
      "",
      "  2) Job",
      "       serialization",
      "         round-trips through JSON:",
      "     AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal",
      "      at Context.<anonymous> (test/job.test.js:40:12)",
    ].join("\n");
    const a = compactOutput(new TextEncoder().encode(out), { command: "npx mocha", exitCode: 2, rules: "generic" }).analysis;
    expect(a.tests_failed).toEqual(["Cart adds an item", "Job serialization round-trips through JSON"]);
  });
});

describe("Dart Sass's place: `path line:col  member` under its code frame", () => {
  test("the frame line places the error and makes it a build's", () => {
    const out = ["Error: Undefined variable.", "  ╷", "3 │   color: $brand-primray;", "  │          ^^^^^^^^^^^^^^^", "  ╵", "  src/styles/_buttons.scss 3:10  @use", "  src/styles/app.scss 2:1        root stylesheet"].join("\n");
    for (const a of bothReadings(out, "npx sass src/styles/app.scss out/app.css", 65)) {
      expect(a.kind).toBe("build");
      expect(a.errors.some((e) => e.file === "src/styles/_buttons.scss" && e.line === 3)).toBe(true);
    }
  });
});

describe("a native stack's frames in the C library are the library's, so the error is placed in the program", () => {
  test("valgrind: under `printf`, `__vfprintf_internal` and `_itoa_word`, the program's own frame is the place", () => {
    const out = [
      "==41== Memcheck, a memory error detector",
      "==41== Conditional jump or move depends on uninitialised value(s)",
      "==41==    at 0x48BA027: __vfprintf_internal (vfprintf-process-arg.c:58)",
      "==41==    by 0x48AF65A: printf (printf.c:33)",
      "==41==    by 0x10A427: report (report.c:21)",
      "==41==    by 0x10A573: main (main.c:12)",
      "==41==",
      "==41== ERROR SUMMARY: 1 errors from 1 contexts (suppressed: 0 from 0)",
    ].join("\n");
    const a = compactOutput(new TextEncoder().encode(out), { command: "valgrind ./build/report", exitCode: 0 }).analysis;
    expect(a.errors.some((e) => e.file === "report.c" && e.line === 21)).toBe(true);
    expect(a.errors.some((e) => e.file === "vfprintf-process-arg.c" || e.file === "printf.c")).toBe(false);
  });
});

describe("a program that crashed on a fatal signal failed, whatever the debugger's exit code", () => {
  test("gdb --batch exits 0 after `Program received signal SIGSEGV`: the run is a failure", () => {
    const out = ["Program received signal SIGSEGV, Segmentation fault.", "0x0000555555555189 in parse (s=0x0) at src/parse.c:14", "14\t  while (*s) {", "#0  0x0000555555555189 in parse (s=0x0) at src/parse.c:14", "#1  0x00005555555551d2 in main () at src/main.c:9"].join("\n");
    for (const a of bothReadings(out, "gdb --batch -ex run -ex bt ./build/app", 0)) expect(a.status).toBe("failure");
  });
});

describe("a program a sanitizer stopped crashed, even after the build that made it", () => {
  test("`make && ./app` with AddressSanitizer's report: a runtime error at the program's frame", () => {
    const out = [
      "cc -g -fsanitize=address -o build/app src/app.c",
      "=================================================================",
      "==811==ERROR: AddressSanitizer: heap-buffer-overflow on address 0x602000000015 at pc 0x5600 bp 0x7ffc sp 0x7ffc",
      "WRITE of size 1 at 0x602000000015 thread T0",
      "    #0 0x55d1 in copy_name src/app.c:22",
      "    #1 0x55d2 in main src/app.c:40",
      "SUMMARY: AddressSanitizer: heap-buffer-overflow src/app.c:22 in copy_name",
    ].join("\n");
    const [exec, text] = bothReadings(out, "make && ./build/app", 1);
    for (const a of [exec!, text!]) expect(a.kind).toBe("runtime_error");
    // the exec's reading places it at the program's frame (the roles of the lines say which are frames)
    expect(exec!.errors.some((e) => e.file === "src/app.c" && e.line === 22)).toBe(true);
  });
});

describe("a message whose place is the indented line under it", () => {
  test("Elixir's `warning: …` over `  lib/a.ex:26: Mod.fun/2`: one warning at that place, not a warning and an error", () => {
    const out = [
      "Compiling 2 files (.ex)",
      'warning: variable "opts" is unused (if the variable is not meant to be used, prefix it with an underscore)',
      "  lib/shop/cart.ex:14: Shop.Cart.add/3",
      "",
      "== Compilation error in file lib/shop/order.ex ==",
      "** (CompileError) lib/shop/order.ex:9: undefined function totl/1",
    ].join("\n");
    for (const a of bothReadings(out, "mix compile", 1)) {
      expect(a.errors.filter((e) => e.file).map((e) => `${e.severity} ${e.file}:${e.line}`)).toEqual(["warning lib/shop/cart.ex:14", "error lib/shop/order.ex:9"]);
      expect([a.counts.errors, a.counts.warnings]).toEqual([1, 1]);
    }
  });
});

describe("a summary that gives its few counts in words", () => {
  test("scalac's `one warning found`, `two errors found` count as their digits would", () => {
    const warned = ["src/A.scala:3: warning: a pure expression does nothing in statement position", "    1", "    ^", "one warning found"].join("\n");
    for (const a of bothReadings(warned, "scalac -d out src/A.scala", 0)) expect(a.counts.warnings).toBe(1);
    const failed = ["src/A.scala:3: error: not found: value x", "  x", "  ^", "src/A.scala:9: error: type mismatch;", "two errors found"].join("\n");
    for (const a of bothReadings(failed, "scalac -d out src/A.scala", 1)) expect(a.counts.errors).toBe(2);
  });
});

describe("JUnit's plain report names a test that raised as failed too", () => {
  test("`Testcase: t(C):\tCaused an ERROR` beside `Testcase: t(C):\tFAILED`", () => {
    const out = [
      "    [junit] Tests run: 4, Failures: 1, Errors: 1, Skipped: 0, Time elapsed: 0.05 sec",
      "    [junit] Testcase: addsTax(com.shop.PriceTest):\tFAILED",
      "    [junit] expected:<10.7> but was:<10.0>",
      "    [junit] Testcase: parsesEmpty(com.shop.ParserTest):\tCaused an ERROR",
      "    [junit] java.lang.NullPointerException",
    ].join("\n");
    for (const a of bothReadings(out, "ant test", 1)) {
      expect(a.tests_failed.some((t) => t.startsWith("addsTax"))).toBe(true);
      expect(a.tests_failed.some((t) => t.startsWith("parsesEmpty"))).toBe(true);
    }
  });
});

describe("a report's table of findings under its `FILE: path` heading", () => {
  test("PHP_CodeSniffer's full report: rules and the file's counts between the heading and its ` N | ERROR | msg` rows", () => {
    const out = [
      "",
      "FILE: /srv/shop/src/Cart.php",
      "----------------------------------------------------------------------",
      "FOUND 2 ERRORS AND 1 WARNING AFFECTING 3 LINES",
      "----------------------------------------------------------------------",
      "  1 | ERROR   | [x] Header blocks must be separated by a single blank line",
      " 14 | WARNING | [ ] Line exceeds 120 characters; contains 131 characters",
      " 30 | ERROR   | [x] Expected 1 space after FUNCTION keyword; 0 found",
      "    |         |     (continued)",
      "----------------------------------------------------------------------",
      "PHPCBF CAN FIX THE 2 MARKED SNIFF VIOLATIONS AUTOMATICALLY",
      "----------------------------------------------------------------------",
    ].join("\n");
    for (const a of bothReadings(out, "phpcs --standard=PSR12 src", 2)) {
      expect(a.errors.map((e) => `${e.severity} ${e.file}:${e.line}`)).toEqual(["error /srv/shop/src/Cart.php:1", "warning /srv/shop/src/Cart.php:14", "error /srv/shop/src/Cart.php:30"]);
      expect(a.kind).toBe("lint");
    }
  });
});

describe("a verdict in brackets before a failed test's title is no part of its name", () => {
  test("AVA's `✘ [fail]: suite › title`", () => {
    const out = ["  ✔ cart › adds an item", "  ✘ [fail]: cart › totals with tax", "  ✘ [fail]: cart › empties", "  ─", "", "  2 tests failed"].join("\n");
    for (const a of bothReadings(out, "npx ava", 1)) expect(a.tests_failed).toEqual(["cart › totals with tax", "cart › empties"]);
  });
});

describe("a count is the count of the word after it, not the value of the field before it", () => {
  test("Ansible's recap `unreachable=0    failed=1    skipped=2`", () => {
    const out = ["PLAY RECAP *********************************************************************", "web1                       : ok=7    changed=2    unreachable=0    failed=1    skipped=2    rescued=0    ignored=0"].join("\n");
    for (const a of bothReadings(out, "ansible-playbook site.yml", 2)) expect([a.counts.passed, a.counts.failed, a.counts.skipped]).toEqual([7, 1, 2]);
  });
});

describe("a passed test at its place is a pass, not a finding", () => {
  test("Playwright's `  ✓  3 tests/a.spec.ts:27:1 › title (2.0s)` rows: a green run with no warnings", () => {
    const out = ["Running 2 tests using 1 worker", "", "  ✓  1 tests/cart.spec.ts:5:1 › adds an item (1.2s)", "  ✓  2 tests/cart.spec.ts:14:1 › removes an item (0.9s)", "", "  2 passed (3.1s)"].join("\n");
    for (const a of bothReadings(out, "npx playwright test", 0)) {
      expect(a.status).toBe("success");
      expect(a.errors).toEqual([]);
      expect(a.counts.passed).toBe(2);
    }
  });
});

describe("HashiCorp's diagnostic: the `on FILE line N` under an `Error:` is its place", () => {
  test("terraform validate: one error per box, placed, no warnings", () => {
    const out = ["╷", "│ Error: Unsupported argument", "│", '│   on main.tf line 3, in resource "aws_s3_bucket" "b":', '│    3:   bucket_name = "x"', "│", '│ An argument named "bucket_name" is not expected here.', "╵"].join("\n");
    for (const a of bothReadings(out, "terraform validate", 1)) {
      expect(a.errors.map((e) => `${e.severity} ${e.file}:${e.line}`)).toEqual(["error main.tf:3"]);
      expect([a.counts.errors, a.counts.warnings]).toEqual([1, 0]);
    }
  });
});

describe("the VSTest console's report (`dotnet test`)", () => {
  test("`Failed NAME [12 ms]` names the failed test; `in PATH:line N` in its stack trace is its place", () => {
    const out = [
      "  Failed Calc.Tests.AddTests.AddsNegatives [12 ms]",
      "  Error Message:",
      "   Assert.Equal() Failure",
      "Expected: -3",
      "Actual:   3",
      "  Stack Trace:",
      "     at Calc.Tests.AddTests.AddsNegatives() in /src/Calc.Tests/AddTests.cs:line 14",
      "",
      "Failed!  - Failed:     1, Passed:    11, Skipped:     0, Total:    12, Duration: 40 ms - Calc.Tests.dll (net8.0)",
    ].join("\n");
    const a = compactOutput(new TextEncoder().encode(out), { command: "dotnet test", exitCode: 1 }).analysis;
    expect(a.tests_failed).toEqual(["Calc.Tests.AddTests.AddsNegatives"]);
    expect(a.errors.some((e) => e.file === "/src/Calc.Tests/AddTests.cs" && e.line === 14)).toBe(true);
    expect([a.counts.passed, a.counts.failed]).toEqual([11, 1]);
  });
});

describe("a finding about a whole file names that file", () => {
  test("Prettier's `--check`: each `[warn] PATH` is a warning about that file", () => {
    const out = ["Checking formatting...", "[warn] src/app.js", "[warn] src/util/date.ts", "[warn] Code style issues found in 2 files. Run Prettier with --write to fix."].join("\n");
    for (const a of bothReadings(out, "npx prettier --check .", 1)) {
      expect(a.errors.filter((e) => e.file).map((e) => `${e.severity} ${e.file}`)).toEqual(["warning src/app.js", "warning src/util/date.ts"]);
    }
  });
  test("helm lint's `[ERROR] templates/a.yaml: unable to parse YAML …` is an error about that file", () => {
    const out = ["==> Linting ./chart", "[INFO] Chart.yaml: icon is recommended", "[ERROR] templates/deployment.yaml: unable to parse YAML: error converting YAML to JSON: yaml: line 12: did not find expected key", "", "Error: 1 chart(s) linted, 1 chart(s) failed"].join("\n");
    for (const a of bothReadings(out, "helm lint ./chart", 1)) expect(a.errors.some((e) => e.severity === "error" && e.file === "templates/deployment.yaml")).toBe(true);
  });
});

describe("BuildKit's place of the failing instruction, on a line of its own above its code frame", () => {
  test("`Dockerfile:4` over `>>> RUN npm ci` is where `failed to solve` happened", () => {
    const out = [
      "#5 [2/4] RUN npm ci",
      '#5 ERROR: process "/bin/sh -c npm ci" did not complete successfully: exit code: 254',
      "------",
      "Dockerfile:4",
      "--------------------",
      "   3 |     COPY package.json .",
      "   4 | >>> RUN npm ci",
      "--------------------",
      'ERROR: failed to solve: process "/bin/sh -c npm ci" did not complete successfully: exit code: 254',
    ].join("\n");
    for (const a of bothReadings(out, "docker build .", 1)) expect(a.errors.some((e) => e.file === "Dockerfile" && e.line === 4)).toBe(true);
  });
});

describe("a Go panic in a test is placed in the program, and at the test's own line", () => {
  test("past GOROOT's frames (`/usr/lib/go-1.19/src/testing/testing.go`): the code's frame and the _test.go frame", () => {
    const out = [
      "--- FAIL: TestJoin (0.00s)",
      "    --- FAIL: TestJoin/missing (0.00s)",
      "panic: runtime error: index out of range [1] with length 1 [recovered]",
      "\tpanic: runtime error: index out of range [1] with length 1",
      "",
      "goroutine 7 [running]:",
      "testing.tRunner.func1.2({0x51e420, 0xc0000d0030})",
      "\t/usr/lib/go-1.19/src/testing/testing.go:1396 +0x24e",
      "example.com/app/merge.Join(...)",
      "\t/home/dev/app/merge/merge.go:24 +0x316",
      "example.com/app/merge.TestJoin.func1(0xc000096ea0)",
      "\t/home/dev/app/merge/merge_test.go:27 +0x49",
      "FAIL\texample.com/app/merge\t0.012s",
    ].join("\n");
    for (const a of bothReadings(out, "go test ./...", 1)) {
      const places = a.errors.map((e) => `${e.file}:${e.line}`);
      expect(places).toContain("/home/dev/app/merge/merge.go:24");
      expect(places).toContain("/home/dev/app/merge/merge_test.go:27");
      expect(places.some((p) => p.includes("/usr/lib/go"))).toBe(false);
    }
  });
});

describe("a JS test failure thrown in the code under test is placed there and at the test's own line", () => {
  test("jest: `at readFileSync (src/store.js:5:18)` … `at Object.openStore (test/store.test.js:13:13)`", () => {
    const out = [
      " FAIL  test/store.test.js",
      "  ● openStore › loads the seeded tickets",
      "",
      "    ENOENT: no such file or directory, open '/tmp/t/tickets.json'",
      "",
      "      at readFileSync (src/store.js:5:18)",
      "      at loadTickets (src/store.js:11:27)",
      "      at Object.openStore (test/store.test.js:13:13)",
      "",
      "Tests:       1 failed, 2 passed, 3 total",
    ].join("\n");
    for (const a of bothReadings(out, "npx jest", 1)) {
      const places = a.errors.map((e) => `${e.file}:${e.line}`);
      expect(places).toContain("src/store.js:5");
      expect(places).toContain("test/store.test.js:13");
    }
  });
  test("shellcheck's gcc format is recognised by its codes, without the command", () => {
    expect(analyzeOutput("scripts/a.sh:8:9: note: Use $(...) notation instead of legacy backticks `...`. [SC2006]\nscripts/a.sh:42:3: error: Couldn't parse this function. [SC1073]").tool).toBe("shellcheck");
  });
});

describe("unittest and vitest failures outside a test body", () => {
  test("unittest: an error in setUpClass is an E but no test run (the dots are the passes), placed at the test's line too", () => {
    const out = [
      "..E.F",
      "======================================================================",
      "ERROR: setUpClass (tests.test_db.StoreTest)",
      "----------------------------------------------------------------------",
      "Traceback (most recent call last):",
      '  File "/srv/app/tests/test_db.py", line 10, in setUpClass',
      "    cls.store.load(seed())",
      '  File "/srv/app/app/db.py", line 12, in load',
      "    with open(path) as fh:",
      "FileNotFoundError: [Errno 2] No such file or directory: 'seed.json'",
      "",
      "======================================================================",
      "FAIL: test_row (tests.test_report.ReportTest.test_row)",
      "----------------------------------------------------------------------",
      "Traceback (most recent call last):",
      '  File "/srv/app/tests/test_report.py", line 21, in test_row',
      "AssertionError: 'a' != 'b'",
      "",
      "----------------------------------------------------------------------",
      "Ran 4 tests in 0.004s",
      "",
      "FAILED (failures=1, errors=1)",
    ].join("\n");
    for (const a of bothReadings(out, "python3 -m unittest", 1)) {
      expect(a.counts.passed).toBe(3);
      const places = a.errors.map((e) => `${e.file}:${e.line}`);
      expect(places).toContain("/srv/app/app/db.py:12");
      expect(places).toContain("/srv/app/tests/test_db.py:10");
    }
  });
  test("vitest: a file whose suite failed to load (`FAIL  test/a.test.ts [ test/a.test.ts ]`) is named, and is no failed test in the count", () => {
    const out = [
      " FAIL  test/aliases.test.ts [ test/aliases.test.ts ]",
      "TypeError: Cannot read properties of undefined (reading 'symbol')",
      " ❯ src/aliases.ts:18:66",
      " ❯ test/aliases.test.ts:2:1",
      "",
      " Test Files  1 failed | 1 passed (2)",
      "      Tests  4 passed (4)",
    ].join("\n");
    for (const a of bothReadings(out, "npx vitest run", 1)) {
      expect(a.tests_failed).toEqual(["test/aliases.test.ts"]);
      expect(a.errors.some((e) => e.file === "src/aliases.ts" && e.line === 18)).toBe(true);
      expect(a.counts.failed).toBe(0);
    }
  });
});

describe("Node's report of an error while loading a script starts with its place", () => {
  test("`/srv/server.js:4` over the code and a caret, then `SyntaxError: …`: the error is there", () => {
    const out = ["/srv/server.js:4", "  app.listen(port", "            ^", "", "SyntaxError: missing ) after argument list", "    at internalCompileFunction (node:internal/vm:76:18)", "", "Node.js v20.11.0"].join("\n");
    for (const a of bothReadings(out, "node server.js", 1)) expect(a.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["/srv/server.js:4"]);
  });
});

describe("xUnit's progress line and `Ran N tests` say what passed when no recogniser knows the runner", () => {
  test("`..E.F` first: its dots; else `Ran 6 tests in …` less the failures and errors", () => {
    const marked = ["..E.F", "======", "FAIL: test_b (t.T.test_b)", "----------------------------------------------------------------------", "Ran 5 tests in 0.01s", "", "FAILED (failures=1, errors=1)"].join("\n");
    const a = compactOutput(new TextEncoder().encode(marked), { command: "./run-tests", exitCode: 1, rules: "generic" }).analysis;
    expect(a.counts.passed).toBe(3);
    const verbose = ["test_a (t.T.test_a) ... ok", "test_b (t.T.test_b) ... FAIL", "test_c (t.T.test_c) ... ok", "", "----------------------------------------------------------------------", "Ran 3 tests in 0.01s", "", "FAILED (failures=1)"].join("\n");
    const b = compactOutput(new TextEncoder().encode(verbose), { command: "./run-tests -v", exitCode: 1, rules: "generic" }).analysis;
    expect(b.counts.passed).toBe(2);
  });
});
