/** Rules that came from corpus group g26 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";

describe("a problem line over a traceback that ends in its exception", () => {
  // compileall's report of a module that does not compile: its header, then Python's SyntaxError block
  const raw = [
    "Listing 'src'...",
    "*** Error compiling 'src/app/models.py'...",
    '  File "src/app/models.py", line 14',
    "    return {k: v for k, v in rows",
    "                               ^",
    "SyntaxError: '{' was never closed",
  ].join("\n");

  test("is one error, placed where the exception says, and compiling is a build", () => {
    const a = analyzeOutput(raw, { command: "python3 -m compileall src", exitCode: 1 });
    expect(a.kind).toBe("build");
    expect(a.counts.errors).toBe(1);
    expect(a.errors.map((e) => [`${e.file}:${e.line}`, e.message])).toEqual([["src/app/models.py:14", "SyntaxError: '{' was never closed"]]);
  });

  test("an exception with a trace of its own below it stays a second error (Java's Caused by)", () => {
    const java = [
      "Exception in thread \"main\" java.lang.IllegalStateException: config not loaded",
      "\tat com.shop.App.start(App.java:31)",
      "\tat com.shop.App.main(App.java:12)",
      "Caused by: java.io.FileNotFoundException: shop.properties (No such file or directory)",
      "\tat java.base/java.io.FileInputStream.open0(Native Method)",
      "\tat com.shop.Config.load(Config.java:20)",
      "\t... 2 more",
    ].join("\n");
    const a = analyzeOutput(java, { command: "java -jar shop.jar", exitCode: 1 });
    expect(a.errors.length).toBe(2);
  });
});

describe("the tool named by its output alone, when no recogniser claims it", () => {
  const alone = (text: string) => analyzeOutput(text).tool;

  test("a program that prefixes its diagnostics with its own name", () => {
    expect(alone("jq: error (at <stdin>:0): null (null) cannot be parsed as a number")).toBe("jq");
    expect(alone("checking for zlib... no\nconfigure: error: zlib development files not found")).toBe("configure");
    // words that open many programs' messages name no program
    expect(alone("error: could not open settings.toml\nwarning: falling back to defaults")).toBe("generic");
  });

  test("an output that is all a unified diff is diff's; a diff inside another tool's report is not", () => {
    const diff = ["--- a/app.ini\t2026-01-02 10:00:00", "+++ b/app.ini\t2026-01-03 10:00:00", "@@ -1,3 +1,3 @@", " [server]", "-port = 80", "+port = 8080", " host = 0.0.0.0", "\\ No newline at end of file"];
    expect(alone(diff.join("\n"))).toBe("diff");
    expect(alone([...diff, "would reformat app.ini", "1 file would be reformatted."].join("\n"))).toBe("generic");
  });

  test("pre-commit's hook report", () => {
    const raw = [
      "mypy.....................................................................Failed",
      "- hook id: mypy",
      "- exit code: 1",
      "",
      "src/api.py:12: error: Incompatible return value type (got \"str\", expected \"int\")  [return-value]",
      "Found 1 error in 1 file (checked 4 source files)",
      "",
      "trim trailing whitespace.................................................Passed",
    ].join("\n");
    expect(alone(raw)).toBe("pre-commit");
  });
});
