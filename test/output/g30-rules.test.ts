/** Rules that came from corpus group g30 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";

describe("a failed utility's own `name: message` as its last words", () => {
  test("is the run's error, though it says no error word", () => {
    const sed = analyzeOutput("sed: -e expression #1, char 14: unterminated address regex", { command: "sed -i '/^port/d config.toml", exitCode: 1 });
    expect(sed.counts.errors).toBe(1);
  });

  test("another program's words, or a run that succeeded, are no error", () => {
    expect(analyzeOutput("sed: 3 lines changed", { command: "./fix.sh", exitCode: 1 }).counts.errors).toBe(0);
    expect(analyzeOutput("sed: -e expression #1, char 9: unknown option to `s'", { command: "sed 's/a/b/q' f", exitCode: 0 }).counts.errors).toBe(0);
  });
});

describe("a utility named by its output alone", () => {
  test("its name before a sentence, or a summary that names the checker", () => {
    expect(analyzeOutput("a.txt\nmv: cannot move 'b.txt' to 'out/b.txt': No such file or directory").tool).toBe("mv");
    expect(analyzeOutput("Getting diagnostics...\n====================================\nsvelte-check found 0 errors and 0 warnings").tool).toBe("svelte-check");
    // labels of a report's fields and key-value output name no program
    expect(analyzeOutput("expected: 3 items in the cart\nreceived: 2 items in the cart").tool).toBe("generic");
    expect(analyzeOutput("description: The shop API\ntitle: Shop API").tool).toBe("generic");
  });

  test("cargo's dependency resolution report is cargo's", () => {
    const raw = ["error: failed to select a version for the requirement `serde = \"^9\"`", "candidate versions found which didn't match: 1.0.228", "required by package `shop v0.1.0 (/srv/shop)`"].join("\n");
    expect(analyzeOutput(raw).tool).toBe("cargo");
  });
});
