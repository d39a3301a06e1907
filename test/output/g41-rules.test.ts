/** Rules that came from corpus group g41 (captured before them): files read with cat, head, tail, sed -n. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

const source = [
  '"""Rate limiter: a token bucket per client."""',
  "import time",
  "",
  "class RateLimitError(Exception):",
  '    """Raised when a client has no tokens left."""',
  "",
  ...Array.from({ length: 30 }, (_, k) => `def check_${k}(bucket):\n    if bucket.tokens < ${k}:\n        raise RateLimitError("failed: no tokens for rule ${k}")\n    return "ok"`),
].join("\n");

describe("a file's text printed as it is", () => {
  test("comes back whole, however many of its lines look like errors or passes", () => {
    const r = compactOutput(source, { command: "cat limiter/rules.py", exitCode: 0, expandHint: hint });
    expect(r.text).toBe(source);
    expect(r.folds).toEqual([]);
  });

  test("is no tool's run: a listing by its printer, with no findings", () => {
    for (const command of ["cat limiter/rules.py", "sed -n '1,80p' limiter/rules.py", "head -n 200 limiter/rules.py", "cat limiter/rules.py | head -50", "cat -n limiter/rules.py | sed -n '30,40p'", "tail -n 30 limiter/rules.py"]) {
      const a = analyzeOutput(source, { command, exitCode: 0 });
      expect(a.kind).toBe("listing");
      expect(a.errors).toEqual([]);
      expect(a.status).toBe("success");
    }
    expect(analyzeOutput(source, { command: "sed -n '1,80p' limiter/rules.py", exitCode: 0 }).tool).toBe("sed");
  });

  test("keeps its rules of `=` and `-` as they are", () => {
    const md = ["Release notes", "=============", "", "Fixes", "-----", "", "* the limiter counts refills"].join("\n");
    expect(compactOutput(md, { command: "cat NOTES.md", exitCode: 0, expandHint: hint }).text).toBe(md);
  });

  test("a long one keeps its first 400 lines and its last 40, the middle behind one marker", () => {
    const long = Array.from({ length: 900 }, (_, k) => `const value${k} = ${k};`).join("\n");
    const r = compactOutput(long, { command: "cat src/table.ts", exitCode: 0, expandHint: hint });
    expect(r.text).toContain("const value399 = 399;");
    expect(r.text).not.toContain("const value400 = 400;");
    expect(r.text).toContain("const value860 = 860;");
    expect(r.folds).toHaveLength(1);
    expect(r.text).toContain(hint(401, 860));
  });

  test("the printer's own complaint is its error", () => {
    const raw = ["==> src/a.py <==", "import os", "head: cannot open 'src/b.py' for reading: No such file or directory"].join("\n");
    const a = analyzeOutput(raw, { command: "head -n 5 src/a.py src/b.py", exitCode: 1 });
    expect(a.counts.errors).toBe(1);
    expect(a.status).toBe("failure");
  });
});

describe("what is not a file's text", () => {
  const run = ["============================= test session starts ==============================", "collected 3 items", "", "tests/test_rules.py ..F", "", "FAILED tests/test_rules.py::test_refill - assert 2 == 3", "========================= 1 failed, 2 passed in 0.12s ========================="].join("\n");

  test("a log is read as the run it records, and compacts", () => {
    const a = analyzeOutput(run, { command: "cat logs/ci-pytest.log", exitCode: 0 });
    expect(a.kind).toBe("test");
    expect(a.tests_failed).toContain("tests/test_rules.py::test_refill");
  });

  test("nor is a file holding a terminal's escape sequences (a tool's coloured output saved to a file)", () => {
    const coloured = `\x1b[1m${run.replace("FAILED", "\x1b[31mFAILED\x1b[0m")}\x1b[0m`;
    expect(compactOutput(coloured, { command: "cat ci/pytest-output.txt", exitCode: 0, expandHint: hint }).analysis.kind).toBe("test");
  });

  test("nor a following tail, nor a pipeline into another program", () => {
    expect(analyzeOutput(run, { command: "tail -f ci.txt", exitCode: 0 }).kind).toBe("test");
    expect(analyzeOutput(run, { command: "cat ci.txt | ./summarize.sh", exitCode: 0 }).kind).toBe("test");
  });
});
