import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { compactReport } from "../../server/work/report.ts";
import { measureResult, presentRun, RunResult } from "../../server/mcp/result.ts";
import type { ToolEnv } from "../../server/mcp/tool.ts";
import { countTokens } from "../../server/tokens/tokens.ts";
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

describe("exec's structuredContent over MCP", () => {
  // the tool env as the server gives it, its token counts from the server's own tokenizer
  const env = { requestId: 7, backend: { countTokens: async (texts: string[]) => ({ counts: texts.map((t) => countTokens(t)), estimated: false }) } } as unknown as ToolEnv;
  const made = (output: string, errors: number): ExecResult => {
    const r = resultOf("tsc-type-errors");
    const e = r.analysis.errors[0]!;
    return { ...r, output, analysis: { ...r.analysis, errors: Array.from({ length: errors }, (_, i) => ({ ...e, line: i + 1 })) } };
  };

  test("when no error row fits the budget, no empty list, cap or total is sent: counts says how many", async () => {
    const shaped = presentRun(made("src/a.ts:1:1 - error TS2322: Type 'string' is not assignable to type 'number'.", 3), {});
    await measureResult(env, shaped.data, shaped.text);
    const a = shaped.data.analysis!;
    expect(Object.keys(a)).not.toContain("errors");
    expect(Object.keys(a)).not.toContain("errors_cap");
    expect(Object.keys(a)).not.toContain("errors_total");
    expect(a.counts).toEqual({ errors: 5 });
    expect(RunResult.safeParse(shaped.data).success).toBe(true);
  });

  test("when rows fit, they come with the total and the cap", async () => {
    const long = Array.from({ length: 80 }, (_, i) => `src/a.ts:${i + 1}:1 - error TS2322: Type 'string' is not assignable to type 'number'.`).join("\n");
    const shaped = presentRun(made(long, 80), {});
    await measureResult(env, shaped.data, shaped.text);
    const a = shaped.data.analysis!;
    expect(a.errors!.length).toBeGreaterThan(0);
    expect(a.errors_cap).toBe(a.errors!.length);
    expect(a.errors_total).toBe(80);
  });

  test("the text block has no blank lines between the header and the output, nor after it", () => {
    const lines = presentRun(made("\n\n/src/x.js\n  1:1  error  Unexpected var  no-var\n\n", 0), {}).text.split("\n");
    expect(lines).toEqual(["exit 1 · failed · 1.2 s · command_id 7", "/src/x.js", "  1:1  error  Unexpected var  no-var"]);
  });
});
