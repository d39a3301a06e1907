import { describe, expect, test } from "bun:test";
import { countTokens } from "../../server/tokens/tokens.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { compactReport } from "../../server/work/report.ts";

describe("compactOutput", () => {
  test("short output comes back unchanged", () => {
    const raw = "hello\r\nworld\r\n";
    const r = compactOutput(raw, { exitCode: 0 });
    expect(r.text).toBe("hello\nworld");
    expect(r.folds).toEqual([]);
  });

  test("a long passing run folds into one marker carrying the expand command", () => {
    const lines = Array.from({ length: 300 }, (_, i) => `test suite::case_${i} ... ok`);
    const raw = `running 300 tests\r\n${lines.join("\r\n")}\r\n\r\ntest result: ok. 300 passed; 0 failed\r\n`;
    const r = compactOutput(raw, { exitCode: 0, expandHint: (a, b) => `ai-session read dev --command 7 --lines ${a}-${b}` });
    expect(r.text).toContain("test result: ok. 300 passed; 0 failed");
    expect(r.folds.length).toBe(1);
    const fold = r.folds[0]!;
    expect(r.text).toContain(`ai-session read dev --command 7 --lines ${fold.from}-${fold.to}`);
    expect(r.text.split("\n").length).toBeLessThan(12);
  });

  test("exact repeats are folded with their count, even losslessly", () => {
    const raw = `${"retrying connection\r\n".repeat(50)}connected\r\n`;
    const r = compactOutput(raw, { mode: "lossless" });
    expect(r.text).toBe("retrying connection\n… previous line repeated 49 more times\nconnected");
  });

  test("a failed command is never a success, whatever its output says", () => {
    const raw = `${"compiling module\r\n".repeat(40)}All tests passed!\r\n`;
    const r = compactOutput(raw, { exitCode: 3 });
    expect(r.analysis.status).toBe("failure");
    expect(r.text).toContain("All tests passed!");
  });

  test("error lines in the middle of long chatter are kept verbatim", () => {
    const noise = Array.from({ length: 200 }, (_, i) => `  Compiling crate_${i} v0.1.${i}`);
    noise.splice(120, 0, "error[E0599]: no method named `frob` found for struct `Widget`", "  --> src/widget.rs:42:7");
    const r = compactOutput(noise.join("\r\n"), { exitCode: 101, command: "cargo build" });
    expect(r.text).toContain("error[E0599]: no method named `frob` found for struct `Widget`");
    expect(r.text).toContain("src/widget.rs:42:7");
    expect(r.analysis.errors[0]).toMatchObject({ file: "src/widget.rs", line: 42, column: 7, code: "E0599" });
  });
});

describe("token counting", () => {
  // cl100k_base loads on first use: seconds on a loaded machine
  test("counts real tokens, not characters divided by four", () => {
    expect(countTokens("hello world")).toBe(2);
    expect(countTokens("")).toBe(0);
    expect(countTokens("hello world", "cl100k_base")).toBe(2);
    const code = "error[E0308]: mismatched types --> src/main.rs:9:24";
    expect(countTokens(code)).not.toBe(Math.ceil(code.length / 4));
  }, 30_000);

  test("the compact report counts raw and compacted tokens and the saving", () => {
    const raw = `${Array.from({ length: 100 }, (_, i) => `\x1b[32m✓\x1b[0m case ${i} passes`).join("\r\n")}\r\n 100 pass\r\n 0 fail\r\n`;
    const r = compactReport(raw, { exitCode: 0, command: "bun test" });
    expect(r.tokens.raw).toBe(countTokens(raw));
    expect(r.tokens.compacted).toBe(countTokens(r.text));
    expect(r.tokens.saved_pct).toBeGreaterThan(80);
    expect(r.analysis).toMatchObject({ tool: "bun test", status: "success", counts: { passed: 100, failed: 0 } });
  });
});

describe("lossless path factoring", () => {
  test("a long directory repeated through the output is named once and restored exactly", async () => {
    const { expandPaths, factorPaths } = await import("../../server/output/paths.ts");
    const lines = Array.from({ length: 12 }, (_, i) => `    at fn${i} (file:///home/dev/projects/shop/src/cart/model.js:${i + 1}:5)`);
    const { lines: short, legend } = factorPaths(lines);
    expect(legend).toEqual(["$A = /home/dev/projects/shop/src/cart/"]);
    expect(short[0]).toBe("    at fn0 (file://$A/model.js:1:5)");
    expect(expandPaths(short, legend)).toEqual(lines);
  });
});

describe("analysis of quiet and unusual runs", () => {
  test("pytest -q's bare summary line still gives the counts", async () => {
    const { analyzeOutput } = await import("../../server/output/analyze.ts");
    const text = "..F.s\nFAILED tests/test_a.py::test_b - assert 1 == 2\n1 failed, 3 passed, 1 skipped in 0.12s";
    const a = analyzeOutput(text, { command: "pytest -q", exitCode: 1 });
    expect(a.counts).toMatchObject({ passed: 3, failed: 1, skipped: 1, errors: 0 });
    expect(a.tests_failed).toEqual(["tests/test_a.py::test_b"]);
  });

  test("a listing counts no passed tests, failed or not", async () => {
    const { analyzeOutput } = await import("../../server/output/analyze.ts");
    const failed = analyzeOutput("ls: cannot access '/definitely/not/here': No such file or directory", { command: "ls /definitely/not/here", exitCode: 2 });
    expect(failed).toMatchObject({ tool: "ls", kind: "listing", status: "failure" });
    expect(failed.counts).toEqual({ passed: 0, failed: 0, skipped: 0, warnings: 0, errors: 1 });
    const listed = analyzeOutput("total 8\ndrwxr-xr-x 2 me me 4096 Jan  1 00:00 a\n-rw-r--r-- 1 me me   12 Jan  1 00:00 b.txt", { command: "ls -l", exitCode: 0 });
    expect(listed).toMatchObject({ tool: "ls", status: "success" });
    expect(listed.counts.passed).toBe(0);
  });
});

describe("suggestions", () => {
  test("a missing module gets the install command of its language", async () => {
    const { analyzeOutput } = await import("../../server/output/analyze.ts");
    const js = analyzeOutput("Error: Cannot find module 'left-pad/lib/x'\nRequire stack:\n- /app/index.js", { command: "node index.js", exitCode: 1 });
    expect(js.suggestions).toContain("`npm install left-pad` the missing module");
    const py = analyzeOutput('Traceback (most recent call last):\n  File "/app/main.py", line 1, in <module>\n    import yaml\nModuleNotFoundError: No module named \'yaml\'', { command: "python3 main.py", exitCode: 1 });
    expect(py.suggestions.some((s) => s.startsWith("`pip install yaml`"))).toBe(true);
    expect(py.suggestions).toContain("open /app/main.py:1 (ModuleNotFoundError)");
  });
});

describe("giant lines", () => {
  test("a kept line of a megabyte keeps its start and end around a marker that expands it", () => {
    const blob = `Error: bad token in bundle.js: ${"a".repeat(1_000_000)} END`;
    const r = compactOutput(`building\r\n${blob}\r\ndone\r\n`, { exitCode: 1, expandHint: (a, b) => `ai-session read s --command 3 --lines ${a}-${b}` });
    expect(r.text.length).toBeLessThan(2000);
    expect(r.text).toContain("Error: bad token in bundle.js:");
    expect(r.text).toContain("a END");
    expect(r.text).toContain("characters folded (ai-session read s --command 3 --lines 2-2)");
  });
});

describe("pathological lines", () => {
  test("long runs of blanks, dots, colons or slashes never make the line reader backtrack quadratically", async () => {
    const { lineRoles } = await import("../../server/output/roles.ts");
    const n = 100_000;
    for (const line of [" ".repeat(n) + "x", "\t".repeat(n) + "x", "a.".repeat(n / 2), "1:".repeat(n / 2), "a/".repeat(n / 2), "a".repeat(n), "a:1 ".repeat(n / 4), "(".repeat(n)]) {
      const t = performance.now();
      lineRoles([line, line]);
      analyzeOutputOf(line);
      expect(performance.now() - t).toBeLessThan(3000); // a quadratic regex takes minutes here
    }
  });
});

function analyzeOutputOf(line: string) {
  return compactOutput(`${line}\n${line}`, { exitCode: 1 });
}
