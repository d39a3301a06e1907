/** Rules that came from corpus group g28 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const places = (a: ReturnType<typeof analyzeOutput>) => a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`);

/** node --test's summary, as each package of a monorepo run prints it. */
const nodeSummary = (prefix: string, pass: number) =>
  ["tests", "suites", "pass", "fail", "cancelled", "skipped", "todo"].map((k) => `${prefix}ℹ ${k} ${k === "tests" || k === "pass" ? pass : 0}`).concat(`${prefix}ℹ duration_ms 81.5`);

describe("a task runner's prefix before each line of a task's output", () => {
  test("the tool's own recogniser reads the lines under it (Turborepo running tsc)", () => {
    const raw = [
      "• Running typecheck in 2 packages",
      "web:typecheck: cache miss, executing 0f3c2a9d1e",
      "web:typecheck: > tsc --noEmit",
      "web:typecheck: src/cart.ts(12,7): error TS2322: Type 'string' is not assignable to type 'number'.",
      "web:typecheck: src/cart.ts(30,3): error TS2554: Expected 1 arguments, but got 0.",
      "web:typecheck: ERROR: command finished with error: command (/repo/apps/web) /usr/bin/npm run typecheck exited (2)",
      "",
      " Tasks:    1 successful, 2 total",
      "Failed:    web#typecheck",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "npx turbo run typecheck", exitCode: 2 });
    expect(places(a)).toEqual(["src/cart.ts:12", "src/cart.ts:30"]);
  });

  test("a compiler's `file:line: error` lines are not taken for a prefix", () => {
    const raw = ["main.c:12:5: error: expected ';' before 'return'", "main.c:20:1: error: unknown type name 'sizet'", "util.c:3:10: error: 'x' undeclared"].join("\n");
    expect(places(analyzeOutput(raw, { command: "make", exitCode: 2 }))).toEqual(["main.c:12", "main.c:20", "util.c:3"]);
  });
});

describe("summaries printed once per part of a run", () => {
  const raw = [
    "api:test: ✔ creates an order (1.2ms)",
    "api:test: ✔ rejects an empty cart (0.4ms)",
    "api:test: ✔ totals with VAT (0.3ms)",
    ...nodeSummary("api:test: ", 3),
    "",
    "utils:test: ✔ formats prices (0.9ms)",
    ...nodeSummary("utils:test: ", 5),
    "",
    " Tasks:    4 successful, 4 total",
    "Cached:    2 cached, 4 total",
  ].join("\n");

  test("keep each part's counts, and the run's count of tests is their sum, not the count of tasks", () => {
    const c = compactOutput(raw, { command: "npx turbo run test", exitCode: 0 });
    expect(c.text).toContain("api:test: ℹ pass 3");
    expect(c.text).toContain("utils:test: ℹ pass 5");
    expect(c.analysis.counts.passed).toBe(8);
  });
});

describe("an error that carries a compiler's diagnostics in its message", () => {
  const raw = [
    "/srv/app/node_modules/ts-node/src/index.ts:859",
    "    return new TSError(diagnosticText, diagnosticCodes, diagnostics);",
    "           ^",
    "TSError: ⨯ Unable to compile TypeScript:",
    "src/app.ts:10:5 - error TS2322: Type 'number' is not assignable to type 'string'.",
    "",
    "10     name: 42,",
    "       ~~~~",
    "",
    "    at createTSError (/srv/app/node_modules/ts-node/src/index.ts:859:12)",
    "    at reportTSError (/srv/app/node_modules/ts-node/src/index.ts:863:19)",
    "    at Module._extensions..js (node:internal/modules/cjs/loader:1623:10) {",
    "  diagnosticCodes: [ 2322 ]",
    "}",
  ].join("\n");

  test("is at the diagnostic's place, not at the throw inside node_modules, with node's rules and without", () => {
    for (const rules of ["all", "generic"] as const) {
      const a = analyzeOutput(raw, { command: "npx ts-node src/app.ts", exitCode: 1, rules });
      expect(places(a)).toContain("src/app.ts:10");
      expect(a.counts.errors).toBe(1);
    }
  });
});

describe("wget named by its output alone", () => {
  test("its report of a fetch", () => {
    const raw = ["--2026-01-05 09:12:44--  https://example.org/data.csv", "Resolving example.org (example.org)... 93.184.215.14", "HTTP request sent, awaiting response... 404 Not Found", "2026-01-05 09:12:44 ERROR 404: Not Found."].join("\n");
    expect(analyzeOutput(raw).tool).toBe("wget");
  });
});
