/** Rules that came from corpus group g37 (captured before them), checked on output written in the tools' formats. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

describe("a parser's error naming the file, its message, then `(line:col)` at the end (Babel, Acorn)", () => {
  const raw = [
    "SyntaxError: /work/shop/src/cart.js: Missing semicolon. (21:9)",
    "",
    "  19 |   const total = items",
    "  20 |     .map((i) => i.price * i.qty)",
    "> 21 |   return total",
    "     |          ^",
    "  22 | }",
    "    at constructor (/work/shop/node_modules/@babel/parser/lib/index.js:360:19)",
    "    at Parser.raise (/work/shop/node_modules/@babel/parser/lib/index.js:3338:19)",
    "    at Parser.semicolon (/work/shop/node_modules/@babel/parser/lib/index.js:3680:10) {",
    "  code: 'BABEL_PARSE_ERROR',",
    "  reasonCode: 'MissingSemicolon',",
    "  syntaxPlugin: undefined",
    "}",
  ].join("\n");
  const a = analyzeOutput(raw, { command: "npx babel src -d lib", exitCode: 1 });

  test("is one error at that place, and the stack in installed code is the tool's own: a build", () => {
    expect(a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}:${e.column}`)).toContain("/work/shop/src/cart.js:21:9");
    expect(a.counts.errors).toBe(1);
    expect(a.kind).toBe("build");
  });

  test("compaction keeps the source line the frame marks with `>`, and folds the rest of the frame", () => {
    const out = compactOutput(raw, { command: "npx babel src -d lib", exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("> 21 |   return total");
    expect(out).not.toContain("  19 |   const total = items");
    expect(out).not.toContain("  22 | }");
  });
});

describe("git apply's failure", () => {
  const raw = ["Checking patch lib/rates.py...", "error: while searching for:", "    return round(x, 2)", "", "error: patch failed: lib/rates.py:40", "error: lib/rates.py: patch does not apply"].join("\n");

  test("is one error, at the place it names", () => {
    const a = analyzeOutput(raw, { command: "git apply fix.patch", exitCode: 1 });
    expect(a.errors.some((e) => e.file === "lib/rates.py" && e.line === 40)).toBe(true);
    expect(a.counts.errors).toBe(1);
    expect(a.status).toBe("failure");
  });

  test("is git's, from the output alone", () => {
    expect(analyzeOutput(raw).tool).toBe("git");
  });

  test("a version-control program's run is a vcs run without git's rules too", () => {
    expect(analyzeOutput(raw, { command: "git apply fix.patch", exitCode: 1, rules: "generic" }).kind).toBe("vcs");
    expect(analyzeOutput("Already up to date.", { command: "hg pull -u", exitCode: 0, rules: "generic" }).kind).toBe("vcs");
  });
});

describe("GNU patch's report", () => {
  const raw = ["patching file lib/rates.py", "Hunk #1 succeeded at 12 (offset 2 lines).", "Hunk #3 FAILED at 88.", "2 out of 3 hunks FAILED -- saving rejects to file lib/rates.py.rej"].join("\n");

  test("a failed hunk is an error; its number after `#` is no count", () => {
    const a = analyzeOutput(raw, { command: "patch -p1 -i fix.patch", exitCode: 1 });
    expect(a.errors.some((e) => e.severity === "error" && e.message.startsWith("Hunk #3 FAILED"))).toBe(true);
    expect(a.counts.errors).toBe(1);
  });

  test("is patch's, from the output alone", () => {
    expect(analyzeOutput(raw).tool).toBe("patch");
  });
});

describe("an error told again about the same file on the next line", () => {
  test("counts once (sha256sum's missing file)", () => {
    const raw = ["pkg/a.tar.gz: OK", "pkg/b.tar.gz: FAILED", "sha256sum: pkg/c.zip: No such file or directory", "pkg/c.zip: FAILED open or read", "sha256sum: WARNING: 1 listed file could not be read", "sha256sum: WARNING: 1 computed checksum did NOT match"].join("\n");
    expect(analyzeOutput(raw, { command: "sha256sum -c SUMS", exitCode: 1 }).counts.errors).toBe(2);
  });

  test("two labelled diagnostics about one file stay two", () => {
    const raw = ["grammar.y: warning: 3 shift/reduce conflicts [-Wconflicts-sr]", "grammar.y: warning: 1 reduce/reduce conflict [-Wconflicts-rr]"].join("\n");
    expect(analyzeOutput(raw, { command: "bison grammar.y", exitCode: 0 }).counts.warnings).toBe(2);
  });
});
