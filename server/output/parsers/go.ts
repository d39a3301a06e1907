/** go build, go vet and go test. */
import { commandStarts, issue, type OutputError, type Parser } from "../types.ts";

const COMPILE = /^(?:vet: )?(\.{0,2}\/?[\w./-]+\.go):(\d+):(\d+): (.+)$/;
const TEST_MESSAGE = /^\s+([\w./-]+_test\.go):(\d+): (.+)$/;
const RESULT = /^\s*--- (PASS|FAIL|SKIP): (\S+)/;

export const go: Parser = {
  tool: "go",
  matches: (text, command) =>
    commandStarts(command, "go", "gotestsum") ||
    /^(?:--- FAIL|=== RUN|ok\s+\S+\s+[\d.]+s|FAIL\s+\S+)/m.test(text) ||
    /^# [\w./-]+\r?\n(?:vet: )?\.{0,2}\/?[\w./-]+\.go:\d+:\d+: /m.test(text),
  parse(lines, text) {
    const errors: OutputError[] = [];
    const failed: string[] = [];
    let passed = 0;
    let skipped = 0;
    let isTest = /^(=== RUN|--- (PASS|FAIL)|ok\s|FAIL\s|PASS$)/m.test(text);
    for (const line of lines) {
      const c = COMPILE.exec(line);
      if (c) {
        errors.push(issue(c[4]!, "error", c[1]!, c[2]!, c[3]!));
        continue;
      }
      const t = TEST_MESSAGE.exec(line);
      if (t) errors.push(issue(t[3]!, "error", t[1]!, t[2]!));
      const r = RESULT.exec(line);
      if (r) {
        isTest = true;
        if (r[1] === "PASS") passed++;
        else if (r[1] === "SKIP") skipped++;
        else if (!failed.includes(r[2]!)) failed.push(r[2]!);
      }
    }
    const verdict = /^(FAIL|--- FAIL)/m.test(text) || errors.length > 0 ? "failed" : /^(ok\s|PASS$)/m.test(text) ? "passed" : undefined;
    const tool = /^vet: |go vet/.test(text) ? "go vet" : "go";
    return {
      tool,
      kind: isTest ? "test" : /vet/.test(tool) ? "lint" : "build",
      errors,
      tests_failed: failed,
      counts: { passed, failed: failed.length, skipped, errors: errors.length },
      verdict,
      suggestions: failed.slice(0, 3).map((name) => `run \`go test -run '^${name.split("/")[0]}$' ./...\` alone`),
    };
  },
};
