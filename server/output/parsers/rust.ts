/** cargo and rustc: compiler diagnostics, `cargo test` results and panics. */
import { commandStarts, issue, type OutputError, type Parser } from "../types.ts";

const DIAGNOSTIC = /^(error|warning)(?:\[(E\d{4})\])?: (.+)$/;
const ARROW = /^\s*--> (.+?):(\d+):(\d+)$/;
/** `test a::b ... ok`, `test a::b - should panic ... FAILED`, doc tests `test src/lib.rs - f (line 3) ... ok`. */
const TEST_LINE = /^test (.+?)(?: - should panic)? \.\.\. (ok|FAILED|ignored)/;
const PANIC = /^thread '([^']+)'(?: \(\d+\))? panicked at (.+?):(\d+):(\d+):$/;

/**
 * rustc's closing advice after its diagnostics: `Some errors have detailed explanations: E0308, E0425.`
 * and `For more information about an error, try \`rustc --explain E0308\`.` (the codes are in each
 * error's own header).
 */
const EXPLAIN_ADVICE = /^(?:Some errors have detailed explanations: (?:E\d{4}(?:, |\.$))+|For more information about (?:this|an) error, try `rustc --explain E\d{4}`\.)$/;

/**
 * In a panic's backtrace (`RUST_BACKTRACE=1`), the frame of the test the thread is named after
 * (`  7: unicode::truncates_on_char_boundary` over `at ./tests/unicode.rs:10:16`).
 */
const BACKTRACE_FN = /^\s*\d+: (\S+)$/;
const BACKTRACE_AT = /^\s+at (\.?\/?[^\s/][^\s:]*):(\d+):(\d+)$/;
function testFrame(lines: string[], from: number, thread: string): { file: string; line: string; column: string } | null {
  if (!/^[\w:]+$/.test(thread) || thread === "main") return null;
  for (let k = from + 1; k < Math.min(lines.length, from + 80); k++) {
    const line = lines[k]!;
    if (line.startsWith("failures:") || line.startsWith("---- ")) break;
    const f = BACKTRACE_FN.exec(line);
    if (!f || !(f[1] === thread || f[1]!.endsWith(`::${thread}`))) continue;
    const at = BACKTRACE_AT.exec(lines[k + 1] ?? "");
    return at ? { file: at[1]!, line: at[2]!, column: at[3]! } : null;
  }
  return null;
}

export const rust: Parser = {
  tool: "cargo",
  roles(lines, roles) {
    for (let i = 0; i < lines.length; i++) if (EXPLAIN_ADVICE.test(lines[i]!)) roles[i] = "noise";
  },
  matches: (text, command) =>
    commandStarts(command, "cargo", "rustc") ||
    /^ {3,}(?:Compiling \S+ v\d|Finished .*target\(s\) in |Running (?:unittests |tests\/|`))/m.test(text) ||
    /^error\[E\d{4}\]/m.test(text) ||
    /^test result: /m.test(text) ||
    // cargo's dependency resolution: `error: no matching package named `rand` found` over `required by package `app v0.1.0 (…)``
    /^required by package `[\w-]+ v\d/m.test(text),
  parse(lines, _text, command = "") {
    const errors: OutputError[] = [];
    const failed: string[] = [];
    let passed = 0;
    let skipped = 0;
    let isTest = false;
    let verdict: "passed" | "failed" | undefined;
    let panicked = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const d = DIAGNOSTIC.exec(line);
      if (d && !/^warning: .* generated \d+ warnings?/.test(line) && !/^error: (?:could not compile|aborting due to|test failed, to rerun)/.test(line)) {
        const at = ARROW.exec(lines[i + 1] ?? "");
        if (at || d[2]) errors.push(issue(d[3]!, d[1] as "error" | "warning", at?.[1] ?? null, at?.[2] ?? null, at?.[3] ?? null, d[2] ?? null));
        else if (d[1] === "error") errors.push(issue(d[3]!, "error"));
        continue;
      }
      const t = TEST_LINE.exec(line);
      if (t) {
        isTest = true;
        if (t[2] === "ok") passed++;
        else if (t[2] === "ignored") skipped++;
        else if (!failed.includes(t[1]!)) failed.push(t[1]!);
        continue;
      }
      const p = PANIC.exec(line);
      if (p) {
        errors.push(issue(`${p[1]} panicked: ${lines[i + 1] ?? ""}`, "error", p[2]!, p[3]!, p[4]!, null));
        panicked = true;
        // a panic raised in the code under test: the backtrace's frame of the test itself says where the test is
        const own = testFrame(lines, i, p[1]!);
        if (own && (own.file.replace(/^\.\//, "") !== p[2]!.replace(/^\.\//, "") || own.line !== p[3])) errors.push(issue(`${p[1]} failed here`, "error", own.file, own.line, own.column, null));
      }
      const np = /^note: test did not panic as expected at (.+?):(\d+):(\d+)$/.exec(line);
      if (np) errors.push(issue("test did not panic as expected", "error", np[1]!, np[2]!, np[3]!, null));
      if (line.startsWith("test result: ")) {
        isTest = true;
        verdict = line.startsWith("test result: ok") ? (verdict ?? "passed") : "failed";
      }
    }
    const warnings = errors.filter((e) => e.severity === "warning").length;
    return {
      tool: commandStarts(command, "cargo") || (!commandStarts(command, "rustc") && lines.some((l) => /^\s+(?:Compiling|Checking|Finished|Running) |^required by package `/.test(l))) ? "cargo" : "rustc",
      kind: isTest ? "test" : lines.some((l) => /clippy/.test(l)) || commandStarts(command, "cargo fmt", "cargo clippy", "rustfmt") || lines.some((l) => /^Diff in /.test(l)) ? "lint" : panicked ? "runtime_error" : "build",
      errors,
      tests_failed: failed,
      counts: { passed, failed: failed.length, skipped, warnings, errors: errors.length - warnings },
      verdict,
      suggestions: failed.slice(0, 3).map((name) => `run \`cargo test ${name.replace(/^tests::/, "")}\` alone`),
    };
  },
};

