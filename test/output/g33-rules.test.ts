/** Rules that came from corpus group g33 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";

describe("the box a task runner draws around each task's output (pnpm -r)", () => {
  test("is a prefix: the runner's output inside is read as printed", () => {
    const raw = [
      "Scope: 2 of 3 workspace projects",
      "services/billing test$ pytest -q",
      "│ ..F.",
      "│ =================================== FAILURES ===================================",
      "│ _________________________________ test_refund __________________________________",
      "│ tests/test_refund.py:14: in test_refund",
      "│     assert refund(order) == 500",
      "│ E   assert 0 == 500",
      "│ =========================== short test summary info ============================",
      "│ FAILED tests/test_refund.py::test_refund - assert 0 == 500",
      "│ 1 failed, 3 passed in 0.08s",
      "└─ Failed in 1.2s at /srv/repo/services/billing",
      " ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL  billing@0.1.0 test: `pytest -q`",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "pnpm -r test", exitCode: 1 });
    expect(a.tests_failed).toHaveLength(1);
    expect(a.tests_failed[0]).toContain("test_refund");
    expect(a.counts.failed).toBe(1);
    expect(a.counts.passed).toBe(3);
  });

  test("a drawn tree keeps reading as a listing", () => {
    const tree = [".", "├── src", "│   ├── main.go", "│   ├── cart.go", "│   └── money.go", "└── go.mod", "", "1 directory, 4 files"].join("\n");
    expect(analyzeOutput(tree, { command: "tree", exitCode: 0 }).kind).toBe("listing");
  });
});
