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

export const rust: Parser = {
  tool: "cargo",
  roles(lines, roles) {
    for (let i = 0; i < lines.length; i++) if (EXPLAIN_ADVICE.test(lines[i]!)) roles[i] = "noise";
  },
  matches: (text, command) =>
    commandStarts(command, "cargo", "rustc") ||
    /^ {3,}(?:Compiling \S+ v\d|Finished .*target\(s\) in |Running (?:unittests |tests\/|`))/m.test(text) ||
    /^error\[E\d{4}\]/m.test(text) ||
    /^test result: /m.test(text),
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
      tool: lines.some((l) => /^\s+(?:Compiling|Checking|Finished|Running) /.test(l)) ? "cargo" : "rustc",
      kind: isTest ? "test" : lines.some((l) => /clippy/.test(l)) || commandStarts(command, "cargo fmt", "cargo clippy", "rustfmt") || lines.some((l) => /^Diff in /.test(l)) ? "lint" : panicked ? "runtime_error" : "build",
      errors,
      tests_failed: failed,
      counts: { passed, failed: failed.length, skipped, warnings, errors: errors.length - warnings },
      verdict,
      suggestions: failed.slice(0, 3).map((name) => `run \`cargo test ${name.replace(/^tests::/, "")}\` alone`),
    };
  },
};

