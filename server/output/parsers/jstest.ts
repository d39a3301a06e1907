/** JavaScript test runners: jest, vitest, bun test, node --test and mocha. */
import { commandStarts, programCommand, issue, numberOf, type OutputError, type Parser, type ParseResult } from "../types.ts";
import { generic, progressPasses } from "./generic.ts";
import { findLocation } from "../shape/location.ts";
import { severityOf } from "../shape/words.ts";

/** `at fn (file:line:col)` frames outside node_modules and node internals: where a failure happened in the user's code. */
const JS_FRAME = /(?:at |❯ )(?:async )?(?:.*? \()?(?:file:\/\/)?((?:\/|\.{0,2}\/?)[^\s():]+\.[cm]?[jt]sx?):(\d+):(\d+)\)?/;

function isJsFrame(line: string): boolean {
  return /^\s+at /.test(line);
}

export function firstUserFrame(lines: string[], from: number, to: number): RegExpExecArray | null {
  for (let i = from; i < Math.min(to, lines.length); i++) {
    const m = JS_FRAME.exec(lines[i]!);
    if (m && !m[1]!.includes("node_modules") && !m[1]!.startsWith("node:")) return m;
  }
  return null;
}

/** A test file by its name or folder: `a.test.js`, `b.spec.ts`, `test/c.js`, `__tests__/d.js`. */
const TEST_FILE = /\.(?:test|spec)\.[cm]?[jt]sx?$|(?:^|\/)(?:tests?|__tests__|spec)\//;

/** The last frame in a test file among lines `from`..`to` (the outermost call the test made). */
function lastTestFrame(lines: string[], from: number, to: number): RegExpExecArray | null {
  let found: RegExpExecArray | null = null;
  for (let i = from; i < Math.min(to, lines.length); i++) {
    const m = JS_FRAME.exec(lines[i]!);
    if (m && TEST_FILE.test(m[1]!) && !m[1]!.includes("node_modules")) found = m;
  }
  return found;
}

function result(tool: string, failed: string[], errors: OutputError[], passed: number, failedCount: number, skipped: number, verdict: ParseResult["verdict"], namedTests = failed.length): ParseResult {
  return {
    tool,
    kind: "test",
    errors,
    tests_failed: failed,
    // `namedTests`: the failed names that are tests (a file whose suite failed to load is none)
    counts: { passed, failed: Math.max(failedCount, namedTests), skipped },
    verdict: failedCount > 0 || failed.length > 0 ? "failed" : verdict,
  };
}

/** Failure blocks: a header naming the test, then the message and a location some lines below. */
function failureBlocks(lines: string[], header: RegExp, tool: string): { failed: string[]; errors: OutputError[] } {
  const failed: string[] = [];
  const errors: OutputError[] = [];
  const starts: Array<[number, string]> = [];
  lines.forEach((line, i) => {
    const m = header.exec(line);
    if (m) starts.push([i, m[1]!.trim()]);
  });
  starts.forEach(([start, name], k) => {
    const end = starts[k + 1]?.[0] ?? lines.length;
    if (!failed.includes(name)) failed.push(name);
    const message = lines.slice(start + 1, end).find((l) => /\S/.test(l) && !/^\s*[-+]?\s*$/.test(l))?.trim() ?? "test failed";
    const at = firstUserFrame(lines, start, end);
    errors.push(issue(`${name}: ${message}`, "error", at?.[1] ?? null, at?.[2] ?? null, at?.[3] ?? null, tool));
    // thrown in the code under test: the test's own line too, where it made the failing call
    const own = at && !TEST_FILE.test(at[1]!) ? lastTestFrame(lines, start, end) : null;
    if (own && own[1] !== at![1]) errors.push(issue(`${name}: ${message}`, "error", own[1]!, own[2]!, own[3]!, tool));
  });
  return { failed, errors };
}

export const jest: Parser = {
  tool: "jest",
  matches: (text, command) => commandStarts(command, "jest") || /^Tests:\s+.*\d+ total/m.test(text),
  parse(lines, text) {
    const { failed, errors } = failureBlocks(lines, /^\s+● (.+ › .+|(?!Test suite failed).+)$/, "jest");
    // a file whose suite failed to run (` FAIL  test/a.test.ts` over `  ● Test suite failed to run`: a
    // syntax or type error, a failed import) is a failed file, though none of its tests ran
    lines.forEach((line, i) => {
      const file = /^\s*FAIL\s+(\S+)\s*$/.exec(line)?.[1];
      if (file && !failed.includes(file) && lines.slice(i + 1, i + 4).some((l) => /^\s+● Test suite failed to run\s*$/.test(l))) failed.push(file);
    });
    const tests = /^Tests:\s+(.*)$/m.exec(text)?.[1] ?? "";
    return result("jest", failed, errors, numberOf(tests, /(\d+) passed/) ?? 0, numberOf(tests, /(\d+) failed/) ?? 0, numberOf(tests, /(\d+) skipped/) ?? 0, tests ? "passed" : undefined);
  },
};

export const vitest: Parser = {
  tool: "vitest",
  matches: (text, command) => commandStarts(command, "vitest") || /^\s+Test Files\s+/m.test(text),
  parse(lines, text) {
    // a failed test (`FAIL  test/a.test.ts > suite > test`), or a file whose suite failed to load (`FAIL  test/a.test.ts [ test/a.test.ts ]`)
    const { failed, errors } = failureBlocks(lines, /^\s*FAIL\s+(.+ > .+$|\S+(?= \[ [^\]]+ \]\s*$))/, "vitest");
    const tests = /^\s+Tests\s+(.*)$/m.exec(text)?.[1] ?? "";
    const namedTests = failed.filter((name) => name.includes(" > ")).length;
    return result("vitest", failed, errors, numberOf(tests, /(\d+) passed/) ?? 0, numberOf(tests, /(\d+) failed/) ?? 0, numberOf(tests, /(\d+) skipped/) ?? 0, tests ? "passed" : undefined, namedTests);
  },
};

export const bunTest: Parser = {
  tool: "bun test",
  matches: (text, command) => commandStarts(command, "bun test") || /^bun test v\d/m.test(text),
  parse(lines, text) {
    const failed: string[] = [];
    const errors: OutputError[] = [];
    let blockStart = 0;
    lines.forEach((line, i) => {
      const m = /^(?:✗|\(fail\)) (.+?)(?: \[[\d.]+m?s\])?$/.exec(line);
      if (m) {
        failed.push(m[1]!);
        const message = lines.slice(blockStart, i).find((l) => /^(error|\w*Error)\b/.test(l))?.trim() ?? "test failed";
        const at = firstUserFrame(lines, blockStart, i);
        errors.push(issue(`${m[1]}: ${message}`, "error", at?.[1] ?? null, at?.[2] ?? null, at?.[3] ?? null, "bun test"));
      }
      if (/^(?:✓|✗|\(pass\)|\(fail\)|\(skip\)) /.test(line)) blockStart = i + 1;
    });
    return result("bun test", failed, errors, numberOf(text, /^\s*(\d+) pass$/m) ?? 0, numberOf(text, /^\s*(\d+) fail$/m) ?? 0, numberOf(text, /^\s*(\d+) skip$/m) ?? 0, /^\s*\d+ pass$/m.test(text) ? "passed" : undefined);
  },
};

export const nodeTest: Parser = {
  tool: "node --test",
  // (the dot reporter: its row of marks, then `Failed tests:` over each failure)
  matches: (text, command) => /node\b.*--test/.test(command) || /^ℹ tests \d+$/m.test(text) || /^[.X]*X[.X]*\n\nFailed tests:\n\n✖ /m.test(text),
  parse(lines, text, command, info) {
    // `--test-reporter=tap`: a TAP stream (`not ok 1 - name` with a YAML block), read by TAP's shapes
    if (/^TAP version \d+$/m.test(text)) return { ...generic.parse(lines, text, command, info), tool: "node --test" };
    const failed: string[] = [];
    const errors: OutputError[] = [];
    // the spec reporter repeats each failure under `✖ failing tests:` at the end; a top-level test has no indent
    const repeated = lines.findIndex((l) => /^✖ failing tests:$/.test(l));
    (repeated > 0 ? lines.slice(0, repeated) : lines).forEach((line, i) => {
      const m = /^(\s*)✖ (.+?) \([\d.]+m?s\)$/.exec(line);
      if (!m || !lines[i + 1]?.startsWith(`${m[1]}  `)) return; // suites repeat at the end; tests have a body
      failed.push(m[2]!);
      const at = firstUserFrame(lines, i, i + 30);
      errors.push(issue(`${m[2]}: ${lines[i + 1]!.trim()}`, "error", at?.[1] ?? null, at?.[2] ?? null, at?.[3] ?? null, "node --test"));
    });
    const fail = numberOf(text, /^ℹ fail (\d+)$/m) ?? 0;
    // the dot reporter's row (`..X.X`, one mark a test) and no summary: its dots are the passes
    const dots = lines.map(progressPasses).find((n) => n !== undefined);
    return result("node --test", failed, errors, numberOf(text, /^ℹ pass (\d+)$/m) ?? dots ?? 0, fail, numberOf(text, /^ℹ skipped (\d+)$/m) ?? 0, /^ℹ tests \d+$/m.test(text) ? "passed" : undefined);
  },
};

export const mocha: Parser = {
  tool: "mocha",
  matches: (text, command) => commandStarts(command, "mocha") || /^\s+\d+ passing \(\d+m?s\)$/m.test(text),
  parse(lines, text) {
    const failed: string[] = [];
    const errors: OutputError[] = [];
    const summaryAt = lines.findIndex((l) => /^\s+\d+ failing$/.test(l));
    for (let i = Math.max(0, summaryAt); summaryAt >= 0 && i < lines.length; i++) {
      const m = /^\s+\d+\) (.+)$/.exec(lines[i]!);
      if (!m) continue;
      let name = m[1]!.trim();
      let j = i + 1;
      while (j < lines.length && /^\s+\S.*$/.test(lines[j]!) && !/^\s+\w*Error\b/.test(lines[j]!)) {
        name += ` ${lines[j]!.trim()}`;
        j++;
      }
      name = name.replace(/:$/, "");
      failed.push(name);
      const message = lines.slice(j, j + 4).find((l) => /\S/.test(l))?.trim() ?? "test failed";
      const at = firstUserFrame(lines, j, j + 30);
      errors.push(issue(`${name}: ${message}`, "error", at?.[1] ?? null, at?.[2] ?? null, at?.[3] ?? null, "mocha"));
      i = j;
    }
    return result("mocha", failed, errors, numberOf(text, /^\s+(\d+) passing/m) ?? 0, numberOf(text, /^\s+(\d+) failing$/m) ?? 0, numberOf(text, /^\s+(\d+) pending$/m) ?? 0, /^\s+\d+ passing/m.test(text) ? "passed" : undefined);
  },
};

/** Node's report of an uncaught error starts with its place alone (`/srv/app.js:4`), then the code line and a caret. */
const PLACE_HEADER = /^(?:file:\/\/)?((?:\/|\.{0,2}\/?)[^\s:]+\.[cm]?[jt]sx?):(\d+)$/;
function placeHeaderAbove(lines: string[], i: number): { file: string; line: string } | null {
  for (let k = i - 1; k >= Math.max(0, i - 6); k--) {
    const m = PLACE_HEADER.exec(lines[k]!);
    if (m) return { file: m[1]!, line: m[2]! };
  }
  return null;
}

/** Diagnostics placed in the project's files between an error's line and its stack. */
function carriedDiagnostics(lines: string[], i: number): OutputError[] {
  const out: OutputError[] = [];
  for (let j = i + 1; j < lines.length && j - i <= 200 && !isJsFrame(lines[j]!); j++) {
    const at = findLocation(lines[j]!);
    if (!at?.leading || at.file.includes("node_modules") || severityOf(lines[j]!) !== "error") continue;
    out.push(issue(lines[j]!, "error", at.file, at.line, at.column, /\b(TS\d+)\b/.exec(lines[j]!)?.[1] ?? null));
  }
  return out;
}

export const nodeError: Parser = {
  tool: "node",
  // A script run by a JavaScript runtime; not the runtime's own test runner, linter or checker.
  matches: (text, command) =>
    (commandStarts(command, "node", "bun", "deno", "tsx", "ts-node") && !/^(?:bun|deno)\s+(?:test|lint|check|fmt|task|install|add|build|compile|bundle)\b/.test(programCommand(command))) || /^Node\.js v\d+/m.test(text) || /^\s+at .+ \((?:file:\/\/|node:)/m.test(text),
  parse(lines) {
    const errors: OutputError[] = [];
    lines.forEach((line, i) => {
      const m = /^(?:Uncaught )?((?:\w+)?Error|TypeError|RangeError|SyntaxError|ReferenceError)(?: \[(\w+)\])?: (.+)$/.exec(line);
      if (!m) return;
      // an error that carries a compiler's diagnostics in its message (ts-node's `TSError: ⨯ Unable to
      // compile TypeScript:` over `src/a.ts:4:72 - error TS2339: …`): those are the errors, not the throw
      const carried = carriedDiagnostics(lines, i);
      if (carried.length) {
        errors.push(...carried);
        return;
      }
      const at = firstUserFrame(lines, i + 1, i + 20);
      const code = m[2] ?? /code: '(\w+)'/.exec(lines.slice(i, i + 20).join("\n"))?.[1] ?? m[1]!;
      // no frame of the program's (a SyntaxError while loading): Node's header above the code it shows, `/srv/app.js:4`
      const header = at ? null : placeHeaderAbove(lines, i);
      errors.push(issue(line, "error", at?.[1] ?? header?.file ?? null, at?.[2] ?? header?.line ?? null, at?.[3] ?? null, code));
      // The other frames in the program's own files, as notes: the way the error came.
      for (let j = i + 1; j < Math.min(lines.length, i + 20) && isJsFrame(lines[j]!); j++) {
        const f = JS_FRAME.exec(lines[j]!);
        if (f && f !== at && !f[1]!.includes("node_modules") && !f[1]!.startsWith("node:") && `${f[1]}:${f[2]}` !== `${at?.[1]}:${at?.[2]}`) errors.push(issue(`called from ${lines[j]!.trim()}`, "note", f[1]!, f[2]!, f[3]!, code));
      }
    });
    return { tool: "node", kind: errors.length ? "runtime_error" : "other", errors, tests_failed: [], counts: { errors: errors.length }, verdict: errors.length ? "failed" : undefined };
  },
};
