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
      expect(header(r)).toBe("exit 1 · 1.2 s · command_id 7");
    }
  });

  test("when some errors' locations are not in the text, the header says where all of them are", () => {
    const r = resultOf("tsc-type-errors");
    const last = r.analysis.errors.at(-1)!;
    // the output as a client would get it with the last error's line folded away
    const shown = { ...r, output: r.output.split("\n").filter((l) => !l.includes(`${last.file}:${last.line}:`)).join("\n") };
    expect(header(shown)).toBe(`exit 1 · 1.2 s · command_id 7 — analyze_output {command_id: 7} lists all ${r.analysis.errors.length} errors`);
  });

  test("how the end was found is in the header only when it was not the shell's own report", () => {
    const r = resultOf("tsc-type-errors", { completion: { method: "quiet_heuristic", confidence: "medium" }, status: "unknown", exit_code: null });
    expect(header(r)).toBe("unknown · 1.2 s · quiet_heuristic · command_id 7");
    expect(presentRun(r, {}).data.completion).toBe("quiet_heuristic/medium");
    // the shell's own report is the stated default: structuredContent leaves it out
    expect("completion" in presentRun(resultOf("tsc-type-errors"), {}).data).toBe(false);
    expect(RunResult.shape.completion.description).toBe("absent: shell_integration/high");
  });

  test("the header names the status only when the exit code does not say it", () => {
    expect(header(resultOf("tsc-type-errors", { status: "ok", exit_code: 0 }))).toBe("exit 0 · 1.2 s · command_id 7");
    // a failure that exits 0 (a build that printed errors but returned 0) says so
    expect(header(resultOf("tsc-type-errors", { status: "failed", exit_code: 0 }))).toBe("exit 0 · failed · 1.2 s · command_id 7");
    expect(header(resultOf("tsc-type-errors", { status: "waiting_for_input", exit_code: null, prompt: "Password: " }))).toStartWith("waiting_for_input · 1.2 s · command_id 7 · prompt");
  });

  test("structuredContent names the session only when it is not the connection's default", () => {
    expect(presentRun(resultOf("tsc-type-errors"), { defaultSession: "s" }).data.session).toBeUndefined();
    expect(presentRun(resultOf("tsc-type-errors"), { defaultSession: "other" }).data.session).toBe("s");
    expect(RunResult.shape.session.description).toBe("absent: your default session");
  });

  test("the header says how long a command ran from a second on; structuredContent always", () => {
    const quick = presentRun(resultOf("tsc-type-errors", { duration_ms: 340 }), {});
    expect(quick.text.split("\n")[0]).toBe("exit 1 · command_id 7");
    expect(quick.data.duration_ms).toBe(340);
    expect(header(resultOf("tsc-type-errors", { status: "timeout", exit_code: null, duration_ms: 400 }))).toStartWith("running · 400 ms so far · command_id 7");
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

  test("an error row names only what the tool said: no null file, line, column or code", async () => {
    const r = resultOf("tsc-type-errors");
    const e = r.analysis.errors[0]!;
    const placeless = { ...e, file: null, line: null, column: null, code: null, message: "out of memory" };
    const long = Array.from({ length: 40 }, (_, i) => `src/a.ts:${i + 1}:1 - error TS2322: Type 'string' is not assignable to type 'number'.`).join("\n");
    const shaped = presentRun({ ...r, output: long, analysis: { ...r.analysis, errors: [placeless, e] } }, {});
    await measureResult(env, shaped.data, shaped.text);
    const rows = shaped.data.analysis!.errors!;
    expect(rows[0]).toEqual({ msg: "out of memory" });
    expect(rows[1]).toEqual({ file: e.file!, line: e.line!, col: e.column!, code: e.code!, msg: e.message });
    expect(JSON.stringify(shaped.data)).not.toContain("null,");
  });

  test("the text block has no blank lines between the header and the output, nor after it", () => {
    const lines = presentRun(made("\n\n/src/x.js\n  1:1  error  Unexpected var  no-var\n\n", 0), {}).text.split("\n");
    expect(lines).toEqual(["exit 1 · 1.2 s · command_id 7", "/src/x.js", "  1:1  error  Unexpected var  no-var"]);
  });
});
