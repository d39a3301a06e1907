/** Rules that came from corpus group g32 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

describe("ESLint's json formatter", () => {
  const report = JSON.stringify([
    { filePath: "/srv/web/src/a.js", messages: [{ ruleId: "no-undef", severity: 2, message: "'fetchJson' is not defined.", line: 3, column: 9 }], errorCount: 1, warningCount: 0 },
    { filePath: "/srv/web/src/b.js", messages: [{ ruleId: "no-console", severity: 1, message: "Unexpected console statement.", line: 12, column: 3 }], errorCount: 0, warningCount: 1 },
    { filePath: "/srv/web/src/c.js", messages: [], errorCount: 0, warningCount: 0 },
  ]);

  test("is read message by message, by the command and by its text alone", () => {
    for (const command of ["npx eslint -f json src", ""]) {
      const a = analyzeOutput(report, { command, exitCode: 1 });
      expect(a.tool).toBe("eslint");
      expect(a.errors.map((e) => [`${e.file}:${e.line}`, e.severity, e.code])).toEqual([["/srv/web/src/a.js:3", "error", "no-undef"], ["/srv/web/src/b.js:12", "warning", "no-console"]]);
      expect(a.counts.errors).toBe(1);
      expect(a.counts.warnings).toBe(1);
    }
  });

  test("JSON that is not ESLint's report is read as any other text", () => {
    expect(analyzeOutput('[{"filePath":"a.js","nope":1}]', { command: "npx eslint -f json src", exitCode: 1 }).errors.length).toBe(0);
  });
});

describe("node --test's dot reporter", () => {
  const raw = [
    "...X",
    "",
    "Failed tests:",
    "",
    "✖ rounds half up (0.9ms)",
    "  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
    "  + actual - expected",
    "",
    "  + '2.4'",
    "  - '2.5'",
    "       ^",
    "      at TestContext.<anonymous> (file:///srv/lib/round.test.js:9:10)",
    "      at Test.runInAsyncScope (node:async_hooks:206:9)",
  ].join("\n");

  test("counts the dots as passes, and keeps both sides of the failed comparison over its caret", () => {
    const c = compactOutput(raw, { command: "node --test --test-reporter=dot", exitCode: 1 });
    expect(c.analysis.counts.passed).toBe(3);
    expect(c.analysis.tests_failed).toEqual(["rounds half up"]);
    expect(c.text).toContain("+ '2.4'");
    expect(c.text).toContain("- '2.5'");
    // and the dot reporter is node's from its text alone
    expect(analyzeOutput(raw).tool).toBe("node --test");
  });
});
