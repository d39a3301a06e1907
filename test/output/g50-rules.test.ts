/** Rules that came from corpus group g50 (captured before them): test runners asked to list their tests. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

const ids = [...Array.from({ length: 30 }, (_, k) => `tests/test_slug.py::test_slug[case ${k}-case-${k}]`), "", "30 tests collected in 0.42s"].join("\n");
const cargo = [...Array.from({ length: 30 }, (_, k) => `tests::case_${k}: test`), "", "30 tests, 0 benchmarks"].join("\n");

describe("a test runner asked to list its tests", () => {
  test("comes back whole as a listing: nothing ran, nothing passed", () => {
    for (const [raw, command] of [
      [ids, "python3 -m pytest --collect-only -q"],
      [ids, "pytest --co -q tests/"],
      [cargo, "cargo test --offline -- --list"],
      [["TestDefaults", "TestParse", "ok      example.com/p/internal/config    0.009s"].join("\n"), "go test -list . ./..."],
    ] as const) {
      const r = compactOutput(raw, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(raw);
      expect(r.analysis.kind).toBe("listing");
      expect(r.analysis.counts).toMatchObject({ passed: 0, failed: 0, skipped: 0 });
    }
  });

  test("a collection error is still an error", () => {
    const raw = ["==================================== ERRORS ====================================", "_________________ ERROR collecting tests/test_slug.py _________________", "ImportError while importing test module '/p/tests/test_slug.py'.", "E   ModuleNotFoundError: No module named 'listkit'", "=========================== short test summary info ============================", "ERROR tests/test_slug.py", "!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!!", "1 error in 0.12s"].join("\n");
    const a = analyzeOutput(raw, { command: "python3 -m pytest --collect-only -q", exitCode: 2 });
    expect(a.counts.errors).toBeGreaterThan(0);
    expect(a.status).toBe("failure");
  });
});
