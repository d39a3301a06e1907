import { describe, expect, test } from "bun:test";
import { analyzeWith } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { lineRoles } from "../../server/output/roles.ts";
import { expandInfo, foldRuns } from "../../server/output/runs.ts";
import { mineTemplates } from "../../server/output/shape/templates.ts";

// A flood of identical lines (a retry loop, `yes`, a summary printed per round) around the facts.
const lines = [
  "Running job 7",
  ...Array<string>(5000).fill("warning: retrying connection to db"),
  ...Array<string>(3000).fill("y"),
  "src/app.ts:12:5 - error TS2322: Type 'string' is not assignable to type 'number'.",
  ...Array<string>(400).fill(""),
  ...Array<string>(300).fill("    at retry (node_modules/pg/lib/client.js:10:5)"),
  ...Array<string>(2000).fill("Tests: 1 failed, 2 passed"),
  "Found 1 error.",
];
const text = lines.join("\n");
const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

describe("floods of identical lines", () => {
  test("compact to text that states each repeat count and the original line ranges", () => {
    const r = compactOutput(text, { exitCode: 2, command: "make", expandHint: hint });
    expect(r.text).toBe(
      [
        "… 7999 lines folded (1 progress line, 4998 near-repeats of kept lines, 3000 other) · ai-session read s --command 1 --lines 1-8001",
        "warning: retrying connection to db",
        "warning: retrying connection to db",
        "src/app.ts:12:5 - error TS2322: Type 'string' is not assignable to type 'number'.",
        "",
        "    at retry (node_modules/pg/lib/client.js:10:5)",
        "… 299 library stack frames folded · ai-session read s --command 1 --lines 8404-8702",
        "Tests: 1 failed, 2 passed",
        "… previous line repeated 1999 more times",
        "Found 1 error.",
      ].join("\n"),
    );
    expect(r.folds).toEqual([
      { from: 1, to: 8001, reason: "7999 lines in 3 stretches: 1 progress line, 4998 near-repeats of kept lines, 3000 other" },
      { from: 8404, to: 8702, reason: "299 library stack frames" },
    ]);
    expect(r.analysis.counts).toEqual({ passed: 2, failed: 1, skipped: 0, warnings: 2000, errors: 1 });
    expect(r.analysis.status).toBe("failure");
  });

  test("the roles read once per run are the roles read line by line, and so is the analysis", () => {
    const runs = foldRuns(lines)!;
    expect(runs.lines.length).toBeLessThan(1000);
    expect(runs.weight.reduce((a, b) => a + b, 0)).toBe(lines.length);
    const once = expandInfo(lineRoles(runs.lines, undefined, true, lines), runs);
    const each = lineRoles(lines, undefined, true);
    expect(once).toEqual(each);
    const opts = { command: "make", exitCode: 2 };
    expect(analyzeWith(text, { ...opts, info: once }).analysis).toEqual(analyzeWith(text, { ...opts, info: each }).analysis);
    expect(compactOutput(text, opts).analysis).toEqual(analyzeWith(text, { ...opts, info: each }).analysis);
  });

  test("a flood of one line keeps its first lines, its last, and a marker naming the lines between", () => {
    const r = compactOutput("y\n".repeat(200_000), { exitCode: 130, command: "yes", expandHint: hint });
    expect(r.text).toBe("y\ny\n… 199997 lines folded · ai-session read s --command 1 --lines 3-199999\ny");
    expect(r.folds).toEqual([{ from: 3, to: 199999, reason: "output" }]);
  });

  test("a patch that adds one line 500 times counts its 500 changes: the hunk keeps its first few, as line by line", () => {
    const patch = ["diff --git a/data.txt b/data.txt", "index 1111111..2222222 100644", "--- a/data.txt", "+++ b/data.txt", "@@ -1,2 +1,502 @@", " first", ...Array<string>(500).fill("+0"), " last"];
    const r = compactOutput(patch.join("\n"), { exitCode: 0, command: "git diff", expandHint: hint });
    expect(r.text).toBe([...patch.slice(0, 5), "… 495 patch lines folded · ai-session read s --command 1 --lines 6-506", ...Array<string>(6).fill("+0"), " last"].join("\n"));
  });

  test("a line's template counts its repeats as line by line: a giant word shares no template, not even with its own repeats", () => {
    const rule = "-".repeat(52);
    const flood = ["collected 31 items", ...Array<string>(300).fill(rule), "tests/a.py ....", ...Array<string>(200).fill("Compiling app v1.2.3"), rule, "done"];
    const runs = foldRuns(flood)!;
    const each = mineTemplates(flood);
    const once = mineTemplates(runs.lines, runs.weight);
    const count = (m: ReturnType<typeof mineTemplates>, i: number) => (m.ids[i]! < 0 ? 0 : m.counts[m.ids[i]!]!);
    for (let k = 0; k < runs.lines.length; k++) expect([k, count(once, k)]).toEqual([k, count(each, runs.start[k]!)]);
  });
});
