/**
 * Rules that came from corpus group g13 (captured before them), each checked on output written in
 * the documented format of its tool but not taken from a capture: other names, other numbers.
 */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read dev --command 3 --lines ${a}-${b}`;
const places = (a: { errors: Array<{ file: string | null; line: number | null }> }) => a.errors.map((e) => `${e.file}:${e.line}`);

describe("pytest: a test module that fails to import", () => {
  const raw = [
    "==================================== ERRORS ====================================",
    "_________________________ ERROR collecting tests/test_api.py _________________________",
    "ImportError while importing test module '/srv/shop/tests/test_api.py'.",
    "Traceback:",
    "/usr/lib/python3.12/importlib/__init__.py:90: in import_module",
    "    return _bootstrap._gcd_import(name[level:], package, level)",
    "tests/test_api.py:2: in <module>",
    "    from shop.api import app",
    "shop/api.py:5: in <module>",
    "    from .auth import require_token",
    "shop/auth.py:1: in <module>",
    "    import jwt",
    "E   ModuleNotFoundError: No module named 'jwt'",
    "=========================== short test summary info ============================",
    "ERROR tests/test_api.py",
    "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!",
    "1 error in 0.31s",
  ].join("\n");

  test("is placed at the test module's line and at the project's innermost frame, where the import failed", () => {
    expect(places(analyzeOutput(raw, { command: "pytest -q", exitCode: 2 }))).toEqual(["tests/test_api.py:2", "shop/auth.py:1"]);
  });

  test("is pytest's, from the output alone (-q prints no session header), and a test run in generic mode", () => {
    expect(analyzeOutput(raw).tool).toBe("pytest");
    expect(analyzeOutput(raw, { rules: "generic", exitCode: 2 }).kind).toBe("test");
  });

  test("a file's row of progress marks with an F or E stays; a row of dots folds", () => {
    const rows = Array.from({ length: 20 }, (_, i) => `tests/test_m${i}.py ....${" ".repeat(60)}[ ${(i + 1) * 4}%]`);
    const run = ["============================= test session starts ==============================", "collected 90 items / 1 error", "", ...rows, `tests/test_orders.py ..F.E${" ".repeat(59)}[100%]`, "", raw.split("\n").slice(0, 13).join("\n"), "========================= 1 failed, 85 passed, 2 errors in 2.10s ========================="].join("\n");
    const out = compactOutput(run, { command: "pytest --continue-on-collection-errors", exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("tests/test_orders.py ..F.E");
    expect(out).not.toContain("tests/test_m7.py ....");
  });
});

describe("unittest: a module discovery could not import", () => {
  test("is a failed test named by its dotted module, with the tool's rules or without", () => {
    const raw = [
      "test_ok (tests.test_a.A.test_ok) ... ok",
      "tests.test_billing (unittest.loader._FailedTest.tests.test_billing) ... ERROR",
      "",
      "======================================================================",
      "ERROR: tests.test_billing (unittest.loader._FailedTest.tests.test_billing)",
      "----------------------------------------------------------------------",
      "ImportError: Failed to import test module: tests.test_billing",
      "Traceback (most recent call last):",
      '  File "/srv/app/tests/test_billing.py", line 4, in <module>',
      "    from app.billing import Invoice",
      "ModuleNotFoundError: No module named 'app.billing'",
      "",
      "----------------------------------------------------------------------",
      "Ran 2 tests in 0.001s",
      "",
      "FAILED (errors=1)",
    ].join("\n");
    for (const rules of ["all", "generic"] as const) {
      const a = analyzeOutput(raw, { command: "python -m unittest discover -v", exitCode: 1, rules });
      expect(a.tests_failed.some((t) => t.endsWith("tests.test_billing"))).toBe(true);
    }
  });
});

describe("cargo test: a panic in the code under test, with a backtrace", () => {
  test("is placed where it panicked and at the frame of the test the thread is named after", () => {
    const raw = [
      "     Running tests/parse.rs (target/debug/deps/parse-0a1b2c3d4e5f6789)",
      "",
      "running 1 test",
      "test rejects_empty_header ... FAILED",
      "",
      "failures:",
      "",
      "---- rejects_empty_header stdout ----",
      "",
      "thread 'rejects_empty_header' panicked at src/header.rs:40:9:",
      "called `Option::unwrap()` on a `None` value",
      "stack backtrace:",
      "   0: rust_begin_unwind",
      "             at /rustc/abc/library/std/src/panicking.rs:652:5",
      "   1: core::option::unwrap_failed",
      "   2: csvkit::header::parse",
      "             at ./src/header.rs:40:9",
      "   3: parse::rejects_empty_header",
      "             at ./tests/parse.rs:7:13",
      "   4: parse::rejects_empty_header::{{closure}}",
      "             at ./tests/parse.rs:5:26",
      "",
      "failures:",
      "    rejects_empty_header",
      "",
      "test result: FAILED. 0 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s",
    ].join("\n");
    expect(places(analyzeOutput(raw, { command: "cargo test", exitCode: 101 }))).toEqual(["src/header.rs:40", "./tests/parse.rs:7"]);
  });
});

describe("the kind of run, from its words", () => {
  test("a dead-code checker's report (knip's Unused files / exports headings) is a lint run", () => {
    const raw = ["Unused files (2)", "src/old.ts", "src/tmp.ts", "Unused exports (1)", "helper  function  src/util.ts:12:17"].join("\n");
    expect(analyzeOutput(raw, { command: "npx knip", exitCode: 1 }).kind).toBe("lint");
  });

  test("make's own stop is a build that failed, even with no compiler line and a target named", () => {
    const a = analyzeOutput("make: *** No rule to make target 'dist/app.js'.  Stop.", { command: "make dist/app.js", exitCode: 2, rules: "generic" });
    expect(a.kind).toBe("build");
    expect(a.status).toBe("failure");
  });
});

describe("git's fetch report", () => {
  test("`From URL` over its ref updates is git's, from the output alone", () => {
    const raw = ["From github.com:acme/api", "   1a2b3c4..5d6e7f8  main       -> origin/main", " * [new branch]      feature/x  -> origin/feature/x", "fatal: Need to specify how to reconcile divergent branches."].join("\n");
    expect(analyzeOutput(raw).tool).toBe("git");
  });
});
