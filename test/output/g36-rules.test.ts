/** Rules that came from corpus group g36 (captured before them), checked on output written in the tools' formats. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";

describe("a diagnostic for a whole file, GNU's `NAME: warning: MESSAGE`", () => {
  const raw = [
    "expr.y: warning: 4 shift/reduce conflicts [-Wconflicts-sr]",
    "expr.y: warning: 2 reduce/reduce conflicts [-Wconflicts-rr]",
    "expr.y: note: rerun with option '-Wcounterexamples' to generate conflict counterexamples",
    "expr.y:12.3-7: warning: unused value: $2 [-Wother]",
  ].join("\n");
  const a = analyzeOutput(raw, { command: "yacc -d expr.y", exitCode: 0 });

  test("is a warning, though its message starts with a number: no count of 4 warnings", () => {
    expect(a.counts.warnings).toBe(3);
    expect(a.status).toBe("warnings");
  });

  test("a note labelled so is no error, whatever words it holds (`conflict`)", () => {
    expect(a.counts.errors).toBe(0);
    expect(a.errors.find((e) => e.message.includes("rerun with option"))?.severity).toBe("note");
  });

  test("a program's own summary line still counts", () => {
    const b = analyzeOutput(["lib.c:3:1: error: expected ';'", "lib.c:9:5: error: unknown type name 'u8'", "cc1: 2 errors"].join("\n"), { command: "cc -c lib.c", exitCode: 1 });
    expect(b.counts.errors).toBe(2);
  });
});

describe("a message that goes on from the one above it, an ellipsis first", () => {
  test("is where the first one points, no second error (GNU gettext's duplicate definition)", () => {
    const raw = ["po/es.po:58: duplicate message definition...", "po/es.po:41: ...this is the location of the first definition", "msgfmt: found 1 fatal error"].join("\n");
    const a = analyzeOutput(raw, { command: "msgfmt -c -o es.mo po/es.po", exitCode: 1 });
    expect(a.counts.errors).toBe(1);
    expect(a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`)).toEqual(["po/es.po:58"]);
  });
});

describe("a command that writes a compiled artefact", () => {
  test("builds, whatever its program's name says (msgfmt's `fmt`, a --check flag)", () => {
    const raw = ["po/es.po:17: number of format specifications in 'msgid' and 'msgstr' does not match", "msgfmt: found 1 fatal error"].join("\n");
    expect(analyzeOutput(raw, { command: "msgfmt --check -o locale/es/LC_MESSAGES/app.mo po/es.po", exitCode: 1 }).kind).toBe("build");
  });

  test("a checker writing its report to a file is still a checker", () => {
    const raw = "src/a.c:4:3: style: Variable 'x' is assigned a value that is never used. [unreadVariable]";
    expect(analyzeOutput(raw, { command: "cppcheck --enable=all --output-file=report.txt src", exitCode: 0 }).kind).toBe("lint");
  });
});

describe("a file heading a message whose place is told in words at its end", () => {
  test("after a severity label: Graphviz's `Error: FILE: syntax error in line N near …`", () => {
    const a = analyzeOutput("Error: graphs/flow.gv: syntax error in line 23 near '}'", { command: "dot -Tpng graphs/flow.gv -o flow.png", exitCode: 1 });
    expect(a.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["graphs/flow.gv:23"]);
  });

  test("`on line N` as well as `at line N`", () => {
    const a = analyzeOutput("Warning: templates/page.tpl: unknown variable 'title' on line 7", { command: "tplcheck templates", exitCode: 1 });
    expect(a.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["templates/page.tpl:7"]);
  });
});
