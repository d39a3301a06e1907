import { describe, expect, test } from "bun:test";
import { compactOutput } from "../../server/output/compact.ts";
import { parseDiagnostic } from "../../server/output/group.ts";
import { renderOutput } from "../../server/output/render.ts";
import { CORPUS_COLS, loadCorpus } from "./corpus.ts";

const corpus = loadCorpus();
const hint = (a: number, b: number) => `ai-session read dev --command 9 --lines ${a}-${b}`;

/**
 * What the group lines (`  └ N more CODE (shape) at line:col by '…': name 12:5,9 40:1 · name 7:3`)
 * say: each told diagnostic as `CODE name line:col` (name empty when the message does not vary).
 */
function toldByGroups(text: string): { told: Set<string>; count: number } {
  const told = new Set<string>();
  let count = 0;
  for (const line of text.split("\n")) {
    const g = /^ {2}└ (\d+) more (\S+)(?: \(.*?\))? at line:col(?: by '…')?: (.*)$/.exec(line);
    if (!g) continue;
    count += Number(g[1]);
    const varies = line.includes(" by '…': ");
    for (const part of varies ? g[3]!.split(" · ") : [g[3]!]) {
      const words = part.split(" ");
      const name = varies ? words.shift()! : "";
      for (const w of words) {
        const [ln, ...cols] = w.replace(":", ",").split(",");
        for (const col of cols) told.add(`${g[2]} ${name} ${ln}:${col}`);
      }
    }
  }
  return { told, count };
}

describe("repeated diagnostics are grouped, every location kept", () => {
  const tsc = corpus.find((f) => f.name === "tsc-checkjs-library-errors")!;
  const rendered = renderOutput(tsc.raw, { cols: CORPUS_COLS });
  const diagnostics = rendered
    .split("\n")
    .map((line) => ({ line, d: parseDiagnostic(line, null) }))
    .filter((x) => x.d !== null);
  const out = compactOutput(tsc.raw, { command: tsc.facts.command, exitCode: tsc.facts.exit_code, cols: CORPUS_COLS, expandHint: hint });

  test("the capture holds the 576 errors the summary counts", () => {
    expect(diagnostics.length).toBe(576);
  });

  test("each error is printed whole or told by a group line with its code, location and name", () => {
    const { told, count } = toldByGroups(out.text);
    let whole = 0;
    for (const { line, d } of diagnostics) {
      if (out.text.split("\n").includes(line)) {
        whole++;
        continue;
      }
      const name = /'([^']*)'/.exec(d!.message)?.[1] ?? "";
      const at = `${d!.line}:${d!.col}`;
      expect(told.has(`${d!.code} ${name} ${at}`) || told.has(`${d!.code}  ${at}`)).toBe(true);
    }
    expect(whole + count).toBe(576);
    expect(whole).toBeLessThan(30);
  });

  test("grouping makes the 576 errors several times smaller than their lines", () => {
    const lines = diagnostics.map((x) => x.line).join("\n").length;
    expect(out.text.length).toBeLessThan(lines / 3);
  });

  test("lossless mode groups nothing", () => {
    const text = compactOutput(tsc.raw, { mode: "lossless", cols: CORPUS_COLS }).text;
    expect(text).not.toContain("  └ ");
    for (const { line } of diagnostics) expect(text).toContain(line);
  });

  test("eslint's stylish rows group under their file, the first of each rule whole", () => {
    const raw = [
      "/app/src/a.js",
      "  50:3  error  'x' is not defined  no-undef",
      "  51:3  error  'y' is not defined  no-undef",
      "  52:9  error  'x' is not defined  no-undef",
      ...Array.from({ length: 40 }, (_, i) => `  ${i + 1}:5  error  Unexpected var, use let or const instead  no-var`),
      ...Array.from({ length: 10 }, () => ""),
      "✖ 43 problems (43 errors, 0 warnings)",
    ].join("\n");
    const r = compactOutput(raw, { command: "eslint src", exitCode: 1, expandHint: hint });
    expect(r.text).toContain("  1:5  error  Unexpected var, use let or const instead  no-var");
    // The last lines of a failed run stay whole; the group tells the others.
    expect(r.text).toContain("  └ 32 more no-var at line:col: 2:5 3:5 4:5");
    expect(r.text).toContain("33:5\n  34:5  error  Unexpected var, use let or const instead  no-var");
    expect(r.text).toContain("  40:5  error  Unexpected var, use let or const instead  no-var");
    expect(r.text).toContain("  50:3  error  'x' is not defined  no-undef");
    expect(r.text).toContain("  └ 2 more no-undef ('…' is not defined) at line:col by '…': y 51:3 · x 52:9");
    expect(r.text).toContain("✖ 43 problems (43 errors, 0 warnings)");
  });

  test("two of a kind stay as they are", () => {
    const raw = [
      ...Array.from({ length: 40 }, (_, i) => `  Compiling dep_${i} v1.0.${i}`),
      "a.ts:1:1 - error TS2304: Cannot find name 'foo'.",
      "a.ts:2:1 - error TS2304: Cannot find name 'bar'.",
      "Found 2 errors.",
    ].join("\n");
    const r = compactOutput(raw, { command: "tsc", exitCode: 2 });
    expect(r.text).toContain("a.ts:1:1 - error TS2304: Cannot find name 'foo'.");
    expect(r.text).toContain("a.ts:2:1 - error TS2304: Cannot find name 'bar'.");
    expect(r.text).not.toContain("└");
  });
});

describe("code frames", () => {
  const frame = (i: number) => [`src/m.c:${i}:5: error: unknown type name v${i}`, `   ${i} |     v${i} = 1;`, "      |     ^~", ""];
  const raw = [...Array.from({ length: 10 }, (_, i) => frame(i + 1)).flat(), "10 errors generated."].join("\n");
  const r = compactOutput(raw, { command: "cc -c src/m.c", exitCode: 1, expandHint: hint });

  test("the first few errors keep their code frame, the later ones fold behind a marker", () => {
    expect(r.text).toContain("   1 |     v1 = 1;");
    expect(r.text).toContain("   3 |     v3 = 1;");
    expect(r.text).not.toContain("   7 |     v7 = 1;");
    expect(r.folds.length).toBeGreaterThan(0);
    for (const f of r.folds) expect(r.text).toContain(hint(f.from, f.to));
    expect(r.text).toContain("code-frame lines");
  });

  test("every error line stays", () => {
    for (let i = 1; i <= 10; i++) expect(r.text).toContain(`src/m.c:${i}:5: error: unknown type name v${i}`);
    expect(r.text).toContain("10 errors generated.");
  });

  test("an error word inside echoed code does not keep the code line", () => {
    const lines = [
      ...Array.from({ length: 9 }, (_, i) => frame(i + 1)).flat(),
      "x.ts:40:9 - error TS2339: Property 'BUILD' does not exist on type '{}'.",
      "",
      "40 throw new TypeError(t.BUILD)",
      "           ~~~~~",
      "",
      "Found 7 errors.",
    ];
    const out = compactOutput(lines.join("\n"), { exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("x.ts:40:9 - error TS2339: Property 'BUILD' does not exist on type '{}'.");
    expect(out).not.toContain("40 throw new TypeError(t.BUILD)");
  });
});

describe("folds close together share one marker", () => {
  test("one marker names the whole region; the fold record says how many stretches it holds", () => {
    const block = (i: number) => [`FAIL test ${i}`, ...Array.from({ length: 5 }, (_, k) => `    at dep${k} (node_modules/x/index.js:${k}:1)`)];
    const raw = ["RUNS all", "", ...Array.from({ length: 6 }, (_, i) => block(i)).flat(), "Tests: 6 failed, 6 total"].join("\n");
    const r = compactOutput(raw, { exitCode: 1, expandHint: hint });
    expect(r.folds.length).toBe(1);
    expect(r.text).toContain(`30 dependency stack frames folded · ${hint(r.folds[0]!.from, r.folds[0]!.to)}`);
    expect(r.folds[0]!.reason).toBe("30 lines in 6 stretches: 30 dependency stack frames");
    for (let i = 0; i < 6; i++) expect(r.text).toContain(`FAIL test ${i}`);
  });
});

describe("short outputs", () => {
  test("lose only their noise: passing tests folded, the rest whole", () => {
    const raw = [
      "running 20 tests",
      ...Array.from({ length: 20 }, (_, i) => `test tests::case_number_${i} ... ok`),
      "",
      "test result: ok. 20 passed; 0 failed; 0 ignored",
    ].join("\n");
    const r = compactOutput(raw, { command: "cargo test", exitCode: 0, expandHint: hint });
    expect(r.text).toContain("running 20 tests");
    expect(r.text).toContain("test result: ok. 20 passed; 0 failed; 0 ignored");
    expect(r.text).toContain("20 passing-test lines folded");
    expect(r.text).not.toContain("case_number_7");
  });

  test("without noise they come back unchanged", () => {
    const raw = Array.from({ length: 20 }, (_, i) => `${1000 + i} root      20   0   12345   6789   1234 S   0.0   0.1   0:00.0${i} proc${i}`).join("\n");
    expect(compactOutput(raw, { exitCode: 0 }).text).toBe(raw);
  });
});

describe("listings", () => {
  test("show their first and last entries; names with error words are entries, not errors", () => {
    const entries = Array.from({ length: 200 }, (_, i) => `│ ├── ${i % 7 === 0 ? "error-ex" : "pkg"}-${i}@1.0.${i}`);
    const raw = ["x@1.0.0 /tmp/x", ...entries, "└── last@2.0.0"].join("\n");
    const r = compactOutput(raw, { command: "npm ls --all", exitCode: 0, expandHint: hint });
    expect(r.analysis.kind).toBe("listing");
    expect(r.text).toContain("x@1.0.0 /tmp/x");
    expect(r.text).toContain("└── last@2.0.0");
    expect(r.text).not.toContain("error-ex-98@");
    expect(r.text.split("\n").length).toBeLessThan(20);
  });

  test("a real problem in a listing stays", () => {
    const entries = Array.from({ length: 200 }, (_, i) => `│ ├── pkg-${i}@1.0.${i}`);
    entries.splice(100, 0, "│ ├── UNMET DEPENDENCY left-pad@^1.3.0", "│ ├── UNMET OPTIONAL DEPENDENCY fsevents@2.3.3");
    const r = compactOutput(["x@1.0.0 /tmp/x", ...entries].join("\n"), { command: "npm ls", exitCode: 1, expandHint: hint });
    expect(r.text).toContain("UNMET DEPENDENCY left-pad@^1.3.0");
    expect(r.text).not.toContain("fsevents");
  });

  test("a long git log keeps its first commits and its last, the marker counts the others", () => {
    const commit = (i: number) => [`commit ${i.toString(16).padStart(40, "a")}`, "Author: A <a@b.c>", "Date:   Mon Jan 1 00:00:00 2026 +0000", "", `    Change ${i}`, ""];
    const raw = Array.from({ length: 30 }, (_, i) => commit(30 - i)).flat().join("\n");
    const r = compactOutput(raw, { command: "git log", exitCode: 0, expandHint: hint });
    expect(r.text).toContain("    Change 30");
    expect(r.text).toContain("    Change 26");
    expect(r.text).not.toContain("    Change 20");
    expect(r.text).toContain("    Change 1");
    expect(r.text).toContain("24 more commits");
  });
});
