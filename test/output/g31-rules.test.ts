/** Rules that came from corpus group g31 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

describe("go test's per-package verdicts with coverage", () => {
  const raw = [
    "ok  \texample.com/shop/api\t0.012s\tcoverage: 71.3% of statements",
    "?   \texample.com/shop/cmd/server\t[no test files]",
    "ok  \texample.com/shop/store\t(cached)\tcoverage: 90.0% of statements",
  ].join("\n");

  test("are a test run, read from their shape without go's own rules, and each package's coverage stays", () => {
    expect(analyzeOutput(raw, { command: "go test -cover ./...", exitCode: 0, rules: "generic" }).kind).toBe("test");
    const c = compactOutput(raw, { command: "go test -cover ./...", exitCode: 0, rules: "generic" });
    expect(c.text).toContain("coverage: 71.3% of statements");
    expect(c.text).toContain("coverage: 90.0% of statements");
  });
});
