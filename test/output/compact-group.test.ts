import { describe, expect, test } from "bun:test";
import { compactOutput } from "../../server/output/compact.ts";
import { renderOutput } from "../../server/output/render.ts";
import { CORPUS_COLS, groupedLocations, loadCorpus } from "./corpus.ts";

const corpus = loadCorpus();
const hint = (a: number, b: number) => `ai-session read dev --command 9 --lines ${a}-${b}`;

/** A diagnostic line of tsc's pretty format: its location as written, and its code. */
const TSC = /^(\S+:\d+:\d+) - error (TS\d+): /;

describe("repeated findings are grouped, every location kept", () => {
  const tsc = corpus.find((f) => f.name === "tsc-checkjs-library-errors")!;
  const rendered = renderOutput(tsc.raw, { cols: CORPUS_COLS });
  const diagnostics = rendered
    .split("\n")
    .map((line) => ({ line, d: TSC.exec(line) }))
    .filter((x) => x.d !== null);
  const out = compactOutput(tsc.raw, { command: tsc.facts.command, exitCode: tsc.facts.exit_code, cols: CORPUS_COLS, expandHint: hint });
  const lines = out.text.split("\n");
  const groups = lines.filter((l) => l.startsWith("  └ "));

  test("the capture holds the 576 errors the summary counts", () => {
    expect(diagnostics.length).toBe(576);
  });

  test("each error is printed whole or listed by its location on a group line that names its code", () => {
    let whole = 0;
    let told = 0;
    for (const { line, d } of diagnostics) {
      if (lines.includes(line)) {
        whole++;
        continue;
      }
      const [, at, code] = d!;
      expect(groups.some((g) => g.includes(code!) && groupedLocations(g).has(at!))).toBe(true);
      told++;
    }
    expect(whole + told).toBe(576);
    // The first two of each kind are printed whole; the group line counts the others.
    const counted = groups.reduce((n, g) => n + Number(/^ {2}└ (\d+) more /.exec(g)![1]), 0);
    expect(counted).toBe(told);
    expect(whole).toBeLessThan(60);
  });

  test("grouping makes the 576 errors several times smaller than their lines", () => {
    const all = diagnostics.map((x) => x.line).join("\n").length;
    expect(out.text.length).toBeLessThan(all / 2.5);
  });

  test("lossless mode groups nothing", () => {
    const text = compactOutput(tsc.raw, { mode: "lossless", cols: CORPUS_COLS }).text;
    expect(text).not.toContain("  └ ");
    for (const { line } of diagnostics) expect(text).toContain(line);
  });

  test("rows under a file heading (eslint's stylish format) group under it, the first of each rule whole", () => {
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
    expect(r.text).toContain("/app/src/a.js");
    expect(r.text).toContain("  1:5  error  Unexpected var, use let or const instead  no-var");
    // A large group shows its first row; the last lines of a failed run stay whole; the group line
    // tells the others, each by its line:col.
    const group = r.text.split("\n").find((l) => l.includes("Unexpected var") && l.startsWith("  └ "))!;
    expect(group).toStartWith("  └ 32 more (error  Unexpected var, use let or const instead  no-var) at: /app/src/a.js:2:5 3:5 ");
    for (let i = 2; i <= 33; i++) expect(groupedLocations(group).has(`/app/src/a.js:${i}:5`)).toBe(true);
    for (let i = 34; i <= 40; i++) expect(r.text).toContain(`  ${i}:5  error  Unexpected var, use let or const instead  no-var`);
    // Three of a kind stay as they are.
    for (const row of ["  50:3  error  'x' is not defined  no-undef", "  51:3  error  'y' is not defined  no-undef", "  52:9  error  'x' is not defined  no-undef"]) expect(r.text).toContain(row);
    expect(r.text).toContain("✖ 43 problems (43 errors, 0 warnings)");
  });

  test("findings of one code group across files; the names that vary are listed with their locations", () => {
    const chatter = Array.from({ length: 30 }, (_, i) => `[${i + 1}/30] Checking src/file${i}.ts`);
    const raw = [
      ...chatter,
      ...Array.from({ length: 9 }, (_, i) => `src/m${i < 5 ? 0 : 1}.ts:${i + 1}:7 - error TS2304: Cannot find name '${i % 2 ? "foo" : "bar"}'.`),
      ...chatter,
      "Found 9 errors.",
    ].join("\n");
    const out = compactOutput(raw, { command: "tsc", exitCode: 2, expandHint: hint }).text;
    expect(out).toContain("src/m0.ts:1:7 - error TS2304: Cannot find name 'bar'.");
    expect(out).toContain("src/m0.ts:2:7 - error TS2304: Cannot find name 'foo'.");
    // A location after one in the same file gives its line and column only; each is followed by its
    // name, or the locations of one name share it, whichever is shorter.
    const g = out.split("\n").find((l) => l.startsWith("  └ "))!;
    expect(g).toBe("  └ 7 more (error TS2304: Cannot find name '…'.) at: src/m0.ts:3:7 bar 4:7 foo 5:7 bar src/m1.ts:6:7 foo 7:7 bar 8:7 foo 9:7 bar");
    expect([...groupedLocations(g)].sort()).toEqual(["src/m0.ts:3:7", "src/m0.ts:4:7", "src/m0.ts:5:7", "src/m1.ts:6:7", "src/m1.ts:7:7", "src/m1.ts:8:7", "src/m1.ts:9:7"]);
  });

  test("messages of one code that differ past their names are told by the code", () => {
    const filler = Array.from({ length: 30 }, (_, i) => `Inspecting file ${i}`);
    const raw = [...filler, ...Array.from({ length: 20 }, (_, i) => `lib/a.rb:${i + 1}:3: W: Lint/UnusedMethodArgument: Unused method argument - arg${i}.`), "20 offenses detected"].join("\n");
    const out = compactOutput(raw, { command: "rubocop", exitCode: 1, expandHint: hint }).text;
    // A large group shows its first finding; the last lines of a failed run stay whole.
    expect(out).toContain("lib/a.rb:1:3: W: Lint/UnusedMethodArgument: Unused method argument - arg0.");
    expect(out).toContain(`  └ 12 more (W: Lint/UnusedMethodArgument …) at: lib/a.rb:2:3 ${Array.from({ length: 11 }, (_, i) => `${i + 3}:3`).join(" ")}`);
    expect(out).toContain("lib/a.rb:20:3: W: Lint/UnusedMethodArgument: Unused method argument - arg19.");
  });

  test("a few of a kind stay as they are", () => {
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

  test("under errors that name their file:line:col, the code frames fold behind one marker, but the first error's source line", () => {
    expect(r.text).toContain("src/m.c:1:5: error: unknown type name v1\n   1 |     v1 = 1;\n");
    expect(r.text).not.toContain("   2 |     v2 = 1;");
    expect(r.text).not.toContain("   7 |     v7 = 1;");
    expect(r.text).not.toContain("^~");
    expect(r.folds.length).toBe(1);
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
    // Each trace keeps its first frame (where it was raised); the library frames under it fold.
    expect(r.text).toContain(`… 24 library stack frames folded · ${hint(r.folds[0]!.from, r.folds[0]!.to)}`);
    expect(r.folds[0]!.reason).toBe("24 lines in 6 stretches: 24 library stack frames");
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
  test("past a few thousand tokens show their first and last entries; names with error words are entries, not errors", () => {
    const entries = Array.from({ length: 900 }, (_, i) => `│ ├── ${i % 7 === 0 ? "error-ex" : "pkg"}-${i}@1.0.${i}`);
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
    expect(r.text).toContain("UNMET OPTIONAL DEPENDENCY fsevents@2.3.3");
    expect(r.text).not.toContain("pkg-50@");
  });

  test("a long git log keeps every commit's subject, and the hashes of its first commits and its last", () => {
    const commit = (i: number) => [`commit ${i.toString(16).padStart(40, "a")}`, "Author: A <a@b.c>", "Date:   Mon Jan 1 00:00:00 2026 +0000", "", `    Change ${i}`, ""];
    const raw = Array.from({ length: 30 }, (_, i) => commit(30 - i)).flat().join("\n");
    const r = compactOutput(raw, { command: "git log", exitCode: 0, expandHint: hint });
    for (let i = 1; i <= 30; i++) expect(r.text).toContain(`    Change ${i}\n`.trimEnd());
    expect(r.text).toContain(commit(30)[0]!);
    expect(r.text).toContain(commit(26)[0]!);
    expect(r.text).not.toContain(commit(20)[0]!);
    expect(r.text).toContain(commit(1)[0]!);
    // Authors and dates fold but for the last commit's, among the last lines.
    expect(r.text.split("Author: A <a@b.c>").length - 1).toBeLessThanOrEqual(2);
    expect(r.text).toContain("24 more commits");
  });
});

describe("code frames in a short output", () => {
  // made-up diagnostics in rustc's format: `-->` location, gutter, carets with labels, a suggestion
  const rustc = [
    "   Compiling shelf v0.3.1 (/home/u/shelf)",
    "error[E0599]: no method named `lenght` found for struct `Shelf` in the current scope",
    "  --> src/shelf.rs:41:14",
    "   |",
    "41 |     if self.lenght() > MAX {",
    "   |             ^^^^^^ help: there is a method with a similar name: `length`",
    "",
    "error[E0277]: the trait bound `Book: Ord` is not satisfied",
    " --> src/sort.rs:7:10",
    "  |",
    "7 |     list.sort();",
    "  |          ^^^^ the trait `Ord` is not implemented for `Book`",
    "  |",
    "help: consider annotating `Book` with `#[derive(Ord)]`",
    "  |",
    "3 + #[derive(Ord)]",
    "4 | pub struct Book {",
    "  |",
    "",
    "Some errors have detailed explanations: E0277, E0599.",
    "For more information about an error, try `rustc --explain E0277`.",
    "error: could not compile `shelf` (lib) due to 2 previous errors",
  ].join("\n");
  const r = compactOutput(rustc, { command: "cargo build", exitCode: 101, expandHint: hint });

  test("every error, its location and its help stay, and the first error's source line; gutter, carets, the other frames and the suggested lines fold behind one marker", () => {
    for (const kept of [
      "error[E0599]: no method named `lenght` found for struct `Shelf` in the current scope",
      "  --> src/shelf.rs:41:14",
      "error[E0277]: the trait bound `Book: Ord` is not satisfied",
      " --> src/sort.rs:7:10",
      "help: consider annotating `Book` with `#[derive(Ord)]`",
      "error: could not compile `shelf` (lib) due to 2 previous errors",
      "41 |     if self.lenght() > MAX {",
    ])
      expect(r.text).toContain(kept);
    for (const folded of ["7 |     list.sort();", "^^^^", "3 + #[derive(Ord)]", "4 | pub struct Book {"]) expect(r.text).not.toContain(folded);
    expect(r.folds.length).toBe(1);
    expect(r.text).toContain(hint(r.folds[0]!.from, r.folds[0]!.to));
  });

  test("the marker counts the lines it folds without the blank ones, each kind in its own number", () => {
    const marker = r.text.split("\n").find((l) => l.startsWith("… "))!;
    const [, total, parts] = /^… (\d+) lines folded \((.+)\) · /.exec(marker)!;
    expect(parts).toMatch(/^\d+ code-frame lines, 2 other$/);
    expect(parts!.match(/\d+/g)!.map(Number).reduce((a, b) => a + b)).toBe(Number(total));
  });

  test("rustc's closing advice (the codes are in each error's header) folds with them", () => {
    expect(r.text).not.toContain("Some errors have detailed explanations");
    expect(r.text).not.toContain("rustc --explain");
  });

  test("gcc's and clang's frames under `file:line:col: error` fold too", () => {
    const cc = [
      "lib/pool.c: In function ‘pool_take’:",
      ...[18, 22, 27, 33, 38, 44].flatMap((n) => [
        `lib/pool.c:${n}:12: error: ‘struct pool’ has no member named ‘used${n}’`,
        `   ${n} |     if (p->used${n} >= p->cap)`,
        "      |            ^~~~~~",
      ]),
      "lib/pool.c:25:5: warning: unused variable ‘spare’ [-Wunused-variable]",
      "   25 |     int spare = 0;",
      "      |     ^~~~~~~~~",
      "lib/pool.c:51:1: error: expected ‘;’ before ‘}’ token",
      "   51 | }",
      "      | ^",
    ].join("\n");
    const out = compactOutput(cc, { command: "cc -c lib/pool.c", exitCode: 1, expandHint: hint }).text;
    for (const line of cc.split("\n").filter((l) => /^lib\//.test(l))) expect(out).toContain(line);
    expect(out).toContain("   18 |     if (p->used18 >= p->cap)");
    expect(out).not.toContain("   22 |     if (p->used22 >= p->cap)");
    expect(out).not.toContain("   25 |     int spare = 0;");
    expect(out).not.toContain("^~~~~~");
  });

  test("a frame under a line that names no location is the only place its code shows: it stays", () => {
    const raw = ["Error: config value out of range", "   3 | port = 99999", "     |        ^^^^^ must be below 65536", "Aborted."].join("\n");
    const out = compactOutput(raw, { command: "svc check", exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("   3 | port = 99999");
  });

  test("the source line shown is the first one in the project's own code: a frame under a header in installed code folds whole", () => {
    const raw = [
      "/usr/include/c++/12/bits/stl_algo.h:1814:24: error: passing ‘const Vec2<int>’ as ‘this’ argument discards qualifiers",
      " 1814 |               *__last = _GLIBCXX_MOVE(__val);",
      "      |               ~~~~~~~~^~~~~~~~~~~~~~~~~~~~~~",
      "src/shape.cpp:19:14: error: no match for ‘operator-’",
      "   19 |     auto d = pts[i + 1] - pts[i];",
      "      |              ~~~~~~~~~~ ^ ~~~~~~",
      "src/shape.cpp:27:3: error: ‘area’ was not declared in this scope",
      "   27 |   area(pts);",
      "      |   ^~~~",
      ...[31, 35, 39].flatMap((n) => [`src/shape.cpp:${n}:5: error: ‘r${n}’ was not declared in this scope`, `   ${n} |     r${n} += 1;`, "      |     ^~~"]),
    ].join("\n");
    const out = compactOutput(raw, { command: "g++ -c src/shape.cpp", exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("   19 |     auto d = pts[i + 1] - pts[i];");
    expect(out).not.toContain("*__last = _GLIBCXX_MOVE(__val);");
    expect(out).not.toContain("area(pts);");
    expect(out).not.toContain("~~~~~~~~~~ ^ ~~~~~~");
  });

  test("the last line of a short output stays when frames fold, progress-shaped or not", () => {
    const raw = [
      ...["spare", "extra", "unused", "other"].flatMap((name, k) => [
        `warning: unused variable: \`${name}\``,
        `  --> src/pool.rs:${10 + k}:9`,
        "   |",
        `${10 + k} |     let ${name} = 0;`,
        `   |         ^^^^^ help: if this is intentional, prefix it with an underscore: \`_${name}\``,
        "",
      ]),
      "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.41s",
    ].join("\n");
    const out = compactOutput(raw, { command: "cargo build", exitCode: 0, expandHint: hint }).text;
    expect(out).not.toContain("11 |     let extra = 0;");
    expect(out).toContain("    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.41s");
  });
});
