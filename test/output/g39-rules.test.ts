/** Rules that came from corpus group g39 (captured before them), checked on output written in the tools' formats. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

describe("automake's test harness (`make check`)", () => {
  const raw = [
    "make  check-TESTS",
    "PASS: t/parse.test",
    "SKIP: t/network.test",
    "FAIL: t/render.test",
    "XPASS: t/legacy.test",
    "PASS: t/config.test",
    "============================================================================",
    "Testsuite summary for tally 1.3",
    "============================================================================",
    "# TOTAL: 5",
    "# PASS:  2",
    "# SKIP:  1",
    "# XFAIL: 0",
    "# FAIL:  1",
    "# XPASS: 1",
    "# ERROR: 0",
    "============================================================================",
    "See ./test-suite.log",
    "make[2]: *** [Makefile:640: test-suite.log] Error 1",
  ].join("\n");

  test("is a test run: the tests that failed by their verdict lines, the counts from its summary", () => {
    for (const rules of [undefined, "generic" as const]) {
      const a = analyzeOutput(raw, { command: "make check", exitCode: 2, rules });
      expect(a.kind).toBe("test");
      expect(a.tests_failed).toEqual(["t/render.test", "t/legacy.test"]);
      expect(a.counts.passed).toBe(2);
      expect(a.counts.skipped).toBe(1);
    }
  });

  test("compaction keeps the tests that neither passed nor failed, and the summary's counts", () => {
    const out = compactOutput(raw, { command: "make check", exitCode: 2, expandHint: hint }).text;
    for (const line of ["SKIP: t/network.test", "XPASS: t/legacy.test", "FAIL: t/render.test", "# TOTAL: 5", "# XFAIL: 0", "# XPASS: 1"]) expect(out).toContain(line);
  });
});

describe("the Debian tools' one-letter tags", () => {
  const raw = ["E: agent: no-copyright-file", "E: agent: dir-in-usr-local [usr/local/lib/]", "W: agent: description-synopsis-starts-with-article", "N: 2 tags overridden"].join("\n");

  test("`E:` is an error and `W:` a warning; lintian is a check", () => {
    const a = analyzeOutput(raw, { command: "lintian agent_1.0_amd64.deb", exitCode: 2, rules: "generic" });
    expect(a.counts.errors).toBe(2);
    expect(a.counts.warnings).toBe(1);
    expect(a.kind).toBe("lint");
  });
});

describe("a schema validator", () => {
  test("is a check by its name (jsonschema)", () => {
    const raw = "{'port': 0}: 'name' is a required property";
    expect(analyzeOutput(raw, { command: "jsonschema -i deploy.json schema.json", exitCode: 1, rules: "generic" }).kind).toBe("lint");
  });
});
