/** go build, go vet, go test (also `-json`) and panics. */
import { lineBodies } from "../roles.ts";
import { commandStarts, issue, type OutputError, type Parser } from "../types.ts";
import { installsByCommand } from "./generic.ts";

/** Go's own sources (GOROOT), not the program's: `/usr/lib/go-1.19/src/testing/testing.go`, `/usr/local/go/src/runtime/panic.go`. */
const GOROOT = /\/go\/src\/|\/usr\/(?:local\/)?(?:lib\/)?go(?:-[\d.]+)?\/|\/go-[\d.]+\/src\//;

const COMPILE = /^(?:vet: )?(\.{0,2}\/?[\w./-]+\.go):(\d+):(\d+): (.+)$/;
const TEST_MESSAGE = /^\s+([\w./-]+_test\.go):(\d+): (.+)$/;
const RESULT = /^\s*--- (PASS|FAIL|SKIP): (\S+)/;

export const go: Parser = {
  tool: "go",
  // In `go test -json`, a package's own pass or fail event is its summary.
  roles(lines, roles) {
    for (let i = 0; i < lines.length; i++) if (/^\{.*"Action":"(?:pass|fail)"/.test(lines[i]!) && !lines[i]!.includes('"Test":')) roles[i] = "summary";
  },
  matches: (text, command) =>
    commandStarts(command, "go", "gotestsum") ||
    // a package's verdict: `ok  pkg 0.01s`, `FAIL pkg 0.02s`, `FAIL pkg [build failed]` (not any line that starts with FAIL)
    /^(?:--- FAIL|=== RUN|ok\s+\S+\s+(?:[\d.]+s|\(cached\))|FAIL\s+\S+\s+(?:[\d.]+s|\[[\w ]+\])\s*$)/m.test(text) ||
    /^# [\w./-]+\r?\n(?:vet: )?\.{0,2}\/?[\w./-]+\.go:\d+:\d+: /m.test(text) ||
    // the go command's own module steps: `go: finding module for package …`, `go: downloading …`
    /^go: (?:finding module for package|downloading|added|upgraded|creating new go\.mod|to add module requirements) /m.test(text),
  parse(source, raw, command = "") {
    // `go test -json`: the events' output is the text `go test` prints.
    const lines = lineBodies(source);
    const text = lines === source ? raw : lines.join("\n");
    const errors: OutputError[] = [];
    const failed: string[] = [];
    let passed = 0;
    let skipped = 0;
    let isTest = /^(=== RUN|--- (PASS|FAIL)|ok\s|FAIL\s|PASS$)/m.test(text) || commandStarts(command, "go test");
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
    // A panic or a data race: the first frame in the program's own files says where.
    // (GOROOT is not the program's: `/usr/lib/go-1.19/src/testing/testing.go`, `/usr/local/go/src/runtime/panic.go`)
    const ownFrames = (from: number) =>
      lines.slice(from, from + 200).map((l) => /^\s+(\S+\.go):(\d+)(?: \+0x[0-9a-f]+)?$/.exec(l)).filter((m) => m !== null && !GOROOT.test(m[1]!)) as RegExpExecArray[];
    const ownFrame = (from: number) => ownFrames(from)[0];
    const panicAt = lines.findIndex((l) => /^panic: /.test(l));
    if (panicAt >= 0) {
      const frame = ownFrame(panicAt);
      // a panic in the code under test is also at the test's own line, the first frame in a _test.go file
      const test = ownFrames(panicAt).find((m) => m[1]!.endsWith("_test.go"));
      if (test && frame && test[1] !== frame[1]) errors.unshift(issue(lines[panicAt]!, "error", test[1]!, test[2]!, null, "panic"));
      errors.unshift(issue(lines[panicAt]!, "error", frame?.[1] ?? null, frame?.[2] ?? null, null, "panic"));
    }
    lines.forEach((l, i) => {
      if (l !== "WARNING: DATA RACE") return;
      const frame = ownFrame(i);
      errors.push(issue("data race", "error", frame?.[1] ?? null, frame?.[2] ?? null, null, "race"));
    });
    const verdict = /^(FAIL|--- FAIL|panic: )/m.test(text) || errors.length > 0 ? "failed" : /^(ok\s|PASS$)/m.test(text) || /^PASS\b/m.test(text) ? "passed" : undefined;
    const tool = /^vet: |go vet/.test(text) || commandStarts(command, "go vet") ? "go vet" : "go";
    return {
      tool,
      kind: isTest ? "test" : tool === "go vet" ? "lint" : installsByCommand(command) ? "install" : panicAt >= 0 ? "runtime_error" : "build",
      errors,
      tests_failed: failed,
      counts: { passed, failed: failed.length, skipped, errors: errors.length },
      verdict,
      suggestions: failed.slice(0, 3).map((name) => `run \`go test -run '^${name.split("/")[0]}$' ./...\` alone`),
    };
  },
};
