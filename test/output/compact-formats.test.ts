/**
 * Tools this machine cannot run (MSBuild, xcodebuild, swift test, cargo nextest, golangci-lint,
 * ScalaTest, munit, reek): short outputs written after their documented formats, long enough that
 * compaction folds, each with the lines an agent needs. No rule names any of these tools; what keeps
 * the lines is their shape.
 */
import { describe, expect, test } from "bun:test";
import { compactOutput } from "../../server/output/compact.ts";
import { factKept } from "./corpus.ts";

const chatter = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));
const cases: Record<string, [string[], string[]]> = {
  msbuild: [[
    ...chatter(40, (i) => `  Restored /src/App${i}/App${i}.csproj (in 12 ms).`),
    "/src/App/Program.cs(12,23): error CS1002: ; expected [/src/App/App.csproj]",
    "/src/App/Util.cs(4,9): warning CS0168: The variable 'e' is declared but never used [/src/App/App.csproj]",
    "Build FAILED.", "    1 Warning(s)", "    1 Error(s)", "Time Elapsed 00:00:01.23"],
    ["Program.cs(12,23): error CS1002", "Util.cs(4,9): warning CS0168", "Build FAILED.", "1 Error(s)", "1 Warning(s)"]],
  xcodebuild: [[
    ...chatter(40, (i) => `CompileSwift normal arm64 /Users/me/App/Sources/File${i}.swift (in target 'App' from project 'App')`),
    "/Users/me/App/Sources/View.swift:42:13: error: cannot find 'foo' in scope",
    "        let x = foo(1)", "                ^~~",
    "** BUILD FAILED **", "", "The following build commands failed:", "\tCompileSwift normal arm64 /Users/me/App/Sources/View.swift (in target 'App' from project 'App')", "(1 failure)"],
    ["View.swift:42:13: error: cannot find 'foo' in scope", "** BUILD FAILED **", "The following build commands failed:", "CompileSwift normal arm64 /Users/me/App/Sources/View.swift"]],
  swifttest: [[
    ...chatter(40, (i) => `Test Case '-[AppTests.MathTests testAdd${i}]' passed (0.001 seconds).`),
    "/src/Tests/AppTests/MathTests.swift:21: error: -[AppTests.MathTests testDivide] : XCTAssertEqual failed: (\"2\") is not equal to (\"3\")",
    "Test Case '-[AppTests.MathTests testDivide]' failed (0.004 seconds).",
    "Executed 41 tests, with 1 failure (0 unexpected) in 0.052 (0.054) seconds"],
    ["MathTests.swift:21: error: -[AppTests.MathTests testDivide] : XCTAssertEqual failed", "Test Case '-[AppTests.MathTests testDivide]' failed", "Executed 41 tests, with 1 failure"]],
  nextest: [[
    ...chatter(40, (i) => `        PASS [   0.003s] mycrate tests::case_${i}`),
    "        FAIL [   0.004s] mycrate tests::parse_empty",
    "--- STDOUT:              mycrate tests::parse_empty ---", "", "running 1 test",
    "--- STDERR:              mycrate tests::parse_empty ---",
    "thread 'tests::parse_empty' panicked at src/lib.rs:40:9:", "assertion `left == right` failed", "  left: 1", " right: 0",
    "------------", "     Summary [   0.120s] 41 tests run: 40 passed, 1 failed, 0 skipped", "        FAIL [   0.004s] mycrate tests::parse_empty", "error: test run failed"],
    ["FAIL [   0.004s] mycrate tests::parse_empty", "panicked at src/lib.rs:40:9", "left: 1", "right: 0", "41 tests run: 40 passed, 1 failed, 0 skipped"]],
  golangci: [[
    ...chatter(3, () => "level=info msg=\"[runner] Issues before processing: 10\""),
    ...chatter(30, (i) => `pkg/a/file${i}.go:${i + 3}:2: Error return value of \`w.Write\` is not checked (errcheck)`),
    "pkg/b/b.go:8:6: func `unused` is unused (unused)",
    "pkg/c/c.go:20:1: ineffectual assignment to err (ineffassign)"],
    ["pkg/a/file7.go:10:2", "pkg/b/b.go:8:6: func `unused` is unused (unused)", "pkg/c/c.go:20:1: ineffectual assignment to err (ineffassign)"]],
  scalatest: [[
    ...chatter(40, (i) => `- should handle case ${i}`),
    "- should add two numbers *** FAILED ***", "  3 did not equal 4 (CalcSpec.scala:12)",
    "Run completed in 1 second, 200 milliseconds.", "Total number of tests run: 41", "Suites: completed 1, aborted 0", "Tests: succeeded 40, failed 1, canceled 0, ignored 0, pending 0", "*** 1 TEST FAILED ***"],
    ["should add two numbers *** FAILED ***", "3 did not equal 4 (CalcSpec.scala:12)", "Tests: succeeded 40, failed 1", "*** 1 TEST FAILED ***"]],
  munit: [[
    ...chatter(40, (i) => `  + handles case ${i} 0.001s`),
    "==> X example.MathSuite.divides  0.004s munit.ComparisonFailException: /src/test/scala/MathSuite.scala:14",
    "13:  test(\"divides\") {", "14:    assertEquals(6 / 2, 4)", "15:  }", "values are not the same", "=> Obtained", "3", "=> Diff (- obtained, + expected)", "-3", "+4"],
    ["==> X example.MathSuite.divides", "MathSuite.scala:14", "=> Obtained", "-3", "+4"]],
  reek: [[
    "lib/cart.rb -- 3 warnings:",
    "  [12, 20]:DuplicateMethodCall: Cart#total calls 'items.sum' 2 times [https://github.com/troessner/reek/blob/v6.1.4/docs/Duplicate-Method-Call.md]",
    "  [5]:UtilityFunction: Cart#helper doesn't depend on instance state (maybe move it to another class?) [https://x]",
    "  [30]:TooManyStatements: Cart#checkout has approx 12 statements [https://x]",
    ...chatter(40, (i) => `lib/other${i}.rb -- 0 warnings`), "3 total warnings"],
    ["lib/cart.rb -- 3 warnings:", "[12, 20]:DuplicateMethodCall: Cart#total calls 'items.sum' 2 times", "[5]:UtilityFunction", "[30]:TooManyStatements", "3 total warnings"]],
};

describe("outputs of tools the corpus does not hold keep what an agent needs", () => {
  for (const [name, [lines, facts]] of Object.entries(cases)) {
    test(name, () => {
      const out = compactOutput(lines.join("\n"), { exitCode: 1, expandHint: (a, b) => `lines ${a}-${b}` });
      expect(out.text.length).toBeLessThan(lines.join("\n").length);
      expect(facts.filter((f) => !factKept(f, out.text))).toEqual([]);
      expect(out.analysis.status).toBe("failure");
    });
  }
});
