/** Rules that came from corpus group g14 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

describe("a traceback inside an xUnit runner's report", () => {
  // Django's runner, nose2, green: unittest's report shape under another runner's name
  const raw = [
    "Creating test database for alias 'default'...",
    "..E",
    "======================================================================",
    "ERROR: test_checkout_total (orders.tests.CheckoutTests.test_checkout_total)",
    "----------------------------------------------------------------------",
    "Traceback (most recent call last):",
    '  File "/srv/shop/orders/tests.py", line 21, in test_checkout_total',
    "    self.assertEqual(order.total(), 30)",
    '  File "/srv/shop/orders/models.py", line 12, in total',
    "    return sum(l.price for l in self.lines)",
    "TypeError: 'NoneType' object is not iterable",
    "",
    "----------------------------------------------------------------------",
    "Ran 3 tests in 0.041s",
    "",
    "FAILED (errors=1)",
    "Destroying test database for alias 'default'...",
  ].join("\n");

  test("is a test's failure, not a crash, without unittest's own rules", () => {
    const a = analyzeOutput(raw, { command: "python manage.py test", exitCode: 1, rules: { without: ["unittest"] } });
    expect(a.kind).toBe("test");
    expect(a.counts.passed).toBe(2);
    expect(a.counts.errors).toBe(1);
  });

  test("a traceback with no runner's report is still a crash", () => {
    const crash = raw.split("\n").slice(5, 11).join("\n");
    expect(analyzeOutput(crash, { command: "python app.py", exitCode: 1 }).kind).toBe("runtime_error");
  });
});

describe("go: a package whose tests do not build", () => {
  test("its `FAIL pkg [build failed]` verdict is no failed test, also when read from shapes alone", () => {
    const raw = [
      "# example.com/shop/cart [example.com/shop/cart.test]",
      "cart/cart_test.go:9:2: undefined: NewBasket",
      "--- FAIL: TestTax (0.00s)",
      "    tax_test.go:12: Tax(100) = 19, want 20",
      "FAIL",
      "FAIL\texample.com/shop/tax\t0.003s",
      "FAIL\texample.com/shop/cart [build failed]",
      "FAIL",
    ].join("\n");
    for (const rules of ["all", "generic"] as const) {
      const a = analyzeOutput(raw, { command: "go test ./...", exitCode: 2, rules });
      expect(a.tests_failed).toEqual(["TestTax"]);
      expect(a.counts.failed).toBe(1);
    }
  });
});

describe("the kind of run, from the program a user knows by name", () => {
  test("a well-known checker whose name says nothing of checking is a lint run, clean or not", () => {
    for (const command of ["flake8 src", "npx pyright app/main.py", "phpcs --standard=PSR12 lib", "npx jshint js", "npx madge --circular src", "nginx -t -c conf/nginx.conf"]) {
      expect(analyzeOutput("0 errors, 0 warnings", { command, exitCode: 0 }).kind).toBe("lint");
    }
  });

  test("a bundler's run is a build", () => {
    for (const command of ["npx webpack --mode production", "npx rollup -c", "esbuild src/app.ts --bundle --outfile=dist/app.js"]) {
      expect(analyzeOutput("asset main.js 1.2 KiB [emitted]\ncompiled successfully in 80 ms", { command, exitCode: 0 }).kind).toBe("build");
    }
  });
});

describe("launchers whose options take a value", () => {
  test("sudo -u, runuser -u … --, nice -n, timeout N are seen through to the program they run", () => {
    expect(analyzeOutput("x", { command: "timeout 60 pytest -x", exitCode: 1 }).tool).toBe("pytest");
    expect(analyzeOutput("x", { command: "sudo -u deploy mytool --sync", exitCode: 1 }).tool).toBe("mytool");
    expect(analyzeOutput("/etc/a.conf\nfind: '/etc/ssl/private': Permission denied", { command: "runuser -u nobody -- find /etc -name '*.conf'", exitCode: 1 }).kind).toBe("listing");
  });

  test("a program that lists what the system has is a listing", () => {
    const raw = "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN\n    inet 127.0.0.1/8 scope host lo";
    expect(analyzeOutput(raw, { command: "ip addr", exitCode: 0, rules: "generic" }).kind).toBe("listing");
  });
});

describe("corpus g16's shapes", () => {
  test("a commit stopped by a hook is read as what the hook ran (here a linter), with its findings", () => {
    const raw = [
      "✔ Preparing lint-staged...",
      "❯ Running tasks for staged files...",
      "  ✖ eslint --fix [FAILED]",
      "",
      "✖ eslint --fix:",
      "",
      "/home/dev/site/src/form.js",
      "  12:5  error  'value' is not defined  no-undef",
      "",
      "✖ 1 problem (1 error, 0 warnings)",
      "",
      "husky - pre-commit script failed (code 1)",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "git commit -m wip", exitCode: 1 });
    expect(a.kind).toBe("lint");
    expect(a.status).toBe("failure");
    expect(a.errors.map((e) => `${e.file}:${e.line}`)).toContain("/home/dev/site/src/form.js:12");
  });

  test("a CMake error raised in one of its modules is placed at the project's line in the call stack too", () => {
    const raw = [
      "CMake Error at /usr/share/cmake-3.28/Modules/FindPackageHandleStandardArgs.cmake:230 (message):",
      "  Could NOT find ZLIB (missing: ZLIB_LIBRARY ZLIB_INCLUDE_DIR)",
      "Call Stack (most recent call first):",
      "  /usr/share/cmake-3.28/Modules/FindPackageHandleStandardArgs.cmake:600 (_FPHSA_FAILURE_MESSAGE)",
      "  /usr/share/cmake-3.28/Modules/FindZLIB.cmake:199 (FIND_PACKAGE_HANDLE_STANDARD_ARGS)",
      "  src/CMakeLists.txt:12 (find_package)",
      "",
      "-- Configuring incomplete, errors occurred!",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "cmake -B build", exitCode: 1 });
    expect(a.errors.map((e) => `${e.file}:${e.line}`)).toContain("src/CMakeLists.txt:12");
  });

  test("a formatter run in its dry-run mode is a lint run", () => {
    const raw = "src/a.cc:3:10: error: code should be clang-formatted [-Wclang-format-violations]\nint f(){\n         ^";
    expect(analyzeOutput(raw, { command: "clang-format --dry-run -Werror src/a.cc", exitCode: 1 }).kind).toBe("lint");
  });
});

describe("corpus g17's shapes", () => {
  test("node's test runner with its TAP reporter is read as the TAP stream it prints", () => {
    const raw = [
      "TAP version 13",
      "# Subtest: adds",
      "ok 1 - adds",
      "  ---",
      "  duration_ms: 0.4",
      "  ...",
      "# Subtest: divides by zero",
      "not ok 2 - divides by zero",
      "  ---",
      "  duration_ms: 0.9",
      "  location: '/srv/calc/test/calc.test.js:9:1'",
      "  failureType: 'testCodeFailure'",
      "  error: 'Expected values to be strictly equal'",
      "  stack: |-",
      "    TestContext.<anonymous> (file:///srv/calc/test/calc.test.js:10:10)",
      "  ...",
      "1..2",
      "# tests 2",
      "# pass 1",
      "# fail 1",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "node --test --test-reporter=tap", exitCode: 1 });
    expect(a.tests_failed).toContain("divides by zero");
    expect(a.counts.passed).toBe(1);
    expect(a.counts.failed).toBe(1);
    // text analysed on its own (`ai-session analyze`) is read as well as the same text compacted
    const compacted = compactOutput(raw, { command: "node --test --test-reporter=tap", exitCode: 1 }).analysis;
    expect(a.errors).toEqual(compacted.errors);
    expect(a.errors.map((e) => `${e.file}:${e.line}`)).toContain("/srv/calc/test/calc.test.js:10");
  });
});

describe("corpus g18's shapes", () => {
  test("a POSIX shell's error in a script is placed at the script's line (dash: `script: line: message`)", () => {
    const a = analyzeOutput("building\n./scripts/build.sh: 14: jq: not found", { command: "./scripts/build.sh", exitCode: 127 });
    expect(a.errors.map((e) => `${e.file}:${e.line}`)).toContain("./scripts/build.sh:14");
  });

  test("a word and a number are no script place (`time: 12: 30`, `sh: 1: x: not found` from sh -c)", () => {
    expect(analyzeOutput("sh: 1: foo: not found", { command: "sh -c foo", exitCode: 127 }).errors.some((e) => e.file === "sh")).toBe(false);
  });
});

describe("corpus g19's shapes", () => {
  test("a unittest subTest's failure header, its parameters after the name, names the test in generic mode too", () => {
    const raw = ["FAIL: test_parse (tests.test_dates.DateTest.test_parse) (text='31/02/2024')", "----------------------------------------------------------------------", "Traceback (most recent call last):", '  File "/srv/app/tests/test_dates.py", line 9, in test_parse', "    self.assertIsNone(parse(text))", "AssertionError: datetime.date(2024, 3, 2) is not None", "", "Ran 1 test in 0.001s", "", "FAILED (failures=1)"].join("\n");
    const a = analyzeOutput(raw, { command: "python -m unittest", exitCode: 1, rules: "generic" });
    expect(a.tests_failed.some((t) => t.endsWith("tests.test_dates.DateTest.test_parse"))).toBe(true);
  });
});

describe("corpus g21's shapes", () => {
  test("jest: a file whose suite failed to run is a failed file, though none of its tests ran", () => {
    const raw = [" PASS  test/a.test.ts", " FAIL  test/b.test.ts", "  ● Test suite failed to run", "", "    Cannot find module '../src/missing' from 'test/b.test.ts'", "", "Test Suites: 1 failed, 1 passed, 2 total", "Tests:       3 passed, 3 total"].join("\n");
    const a = analyzeOutput(raw, { command: "npx jest", exitCode: 1 });
    expect(a.tests_failed).toContain("test/b.test.ts");
    expect(a.counts.passed).toBe(3);
    expect(a.status).toBe("failure");
  });
});

describe("corpus g22's shapes", () => {
  test("a runtime's bundler or compiler (bun build, deno compile) is a build, not a script run", () => {
    const raw = '1 | import x from "./nowhere.ts";\n                  ^\nerror: Could not resolve: "./nowhere.ts"\n    at /srv/app/src/main.ts:1:15';
    expect(analyzeOutput(raw, { command: "bun build src/main.ts --outdir dist", exitCode: 1 }).kind).toBe("build");
  });
});

describe("corpus g23's shapes", () => {
  test("a passing run that names at most three tests at its top level keeps their pass lines; many fold", () => {
    const subtests = ["empty", "spaces", "unicode", "long"];
    const few = ["=== RUN   TestParse", ...subtests.map((t) => `=== RUN   TestParse/${t}`), "--- PASS: TestParse (0.00s)", ...subtests.map((t) => `    --- PASS: TestParse/${t} (0.00s)`), "PASS", "ok  \texample.com/p\t0.002s"].join("\n");
    expect(compactOutput(few, { command: "go test -run TestParse -v", exitCode: 0 }).text).toContain("--- PASS: TestParse (0.00s)");
    const many = [...Array.from({ length: 12 }, (_, i) => `--- PASS: TestCase${i} (0.00s)`), "PASS", "ok  \texample.com/p\t0.002s"].join("\n");
    expect(compactOutput(many, { command: "go test -v", exitCode: 0 }).text).not.toContain("--- PASS: TestCase7 (0.00s)");
  });
});

describe("corpus g24's shapes", () => {
  test("a caret with a dashed label (sqlite3's `^--- error here`) points under the line above: no error of its own", () => {
    const raw = ["Parse error near line 4: no such column: amount", "  SELECT id, amount FROM payments;", "             ^--- error here"].join("\n");
    expect(analyzeOutput(raw, { command: "sqlite3 pay.db < q.sql", exitCode: 1 }).counts.errors).toBe(1);
  });
});

describe("corpus g25's shapes", () => {
  test("ESLint's banner when it cannot run at all is ESLint's, from the output alone", () => {
    const raw = "\nOops! Something went wrong! :(\n\nESLint: 9.12.0\n\nTypeError: Key \"rules\": Key \"semi\": Expected an array or a number.";
    expect(analyzeOutput(raw).tool).toBe("eslint");
  });
});
