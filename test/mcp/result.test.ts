import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { compactReport } from "../../server/work/report.ts";
import { presentRun } from "../../server/mcp/result.ts";
import type { ExecResult } from "../../server/session/exec-result.ts";

/**
 * What exec's text block says besides the output: one header line, and a pointer to
 * analyze_output only when the text does not itself show every error's location. Built from the
 * real compaction of corpus captures, as the server builds it.
 */
const FIXTURES = resolve(import.meta.dir, "../fixtures/output");

function resultOf(capture: string, over: Partial<ExecResult> = {}): ExecResult {
  const raw = readFileSync(join(FIXTURES, `${capture}.txt`));
  const r = compactReport(raw, { exitCode: 1 });
  return {
    session: "s",
    command_id: 7,
    command: "build",
    exit_code: 1,
    status: "failed",
    duration_ms: 1200,
    output: r.text,
    raw_bytes: raw.length,
    truncated: false,
    tokens: { raw: r.tokens.raw, compacted: r.tokens.compacted, saved_pct: r.tokens.saved_pct },
    analysis: r.analysis,
    completion: { method: "shell_integration", confidence: "high" },
    cwd: "/",
    offsets: { start: 0, end: raw.length },
    ...over,
  };
}

const header = (r: ExecResult) => presentRun(r, {}).text.split("\n")[0]!;

describe("exec's text block over MCP", () => {
  test("when the text shows every error's location, the header is the status alone", () => {
    // locations as `file:line:col`, a file heading its findings (eslint stylish), and `file:[line,col]` (javac via maven)
    for (const capture of ["tsc-type-errors", "eslint-stylish-errors", "mvn-compile-errors", "gcc-compile-errors"]) {
      const r = resultOf(capture);
      expect(r.analysis.errors.length).toBeGreaterThan(1);
      expect(header(r)).toBe("exit 1 · failed · 1.2 s · command_id 7");
    }
  });

  test("when some errors' locations are not in the text, the header says where all of them are", () => {
    const r = resultOf("tsc-type-errors");
    const last = r.analysis.errors.at(-1)!;
    // the output as a client would get it with the last error's line folded away
    const shown = { ...r, output: r.output.split("\n").filter((l) => !l.includes(`${last.file}:${last.line}:`)).join("\n") };
    expect(header(shown)).toBe(`exit 1 · failed · 1.2 s · command_id 7 — analyze_output {command_id: 7} lists all ${r.analysis.errors.length} errors`);
  });

  test("how the end was found is in the header only when it was not the shell's own report", () => {
    const r = resultOf("tsc-type-errors", { completion: { method: "quiet_heuristic", confidence: "medium" }, status: "unknown", exit_code: null });
    expect(header(r)).toBe("unknown · 1.2 s · quiet_heuristic · command_id 7");
    expect(presentRun(r, {}).data.completion).toBe("quiet_heuristic/medium");
    expect(presentRun(resultOf("tsc-type-errors"), {}).data.completion).toBe("shell_integration/high");
  });
});
