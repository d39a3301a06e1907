/**
 * Rules that came from corpus group g12 (captured before them), each checked on output written in
 * the documented format of its tool but not taken from a capture: other names, other numbers.
 */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read dev --command 2 --lines ${a}-${b}`;

describe("a rustc label hung from a connector is kept with the frame's other labels", () => {
  // rustc draws a `|` down from a marker when the labels of one line would overlap, and writes the label under it
  // (an output past 30 lines: a short one folds its frames whole, labels and all)
  const warning = (n: number) => [`warning: unused variable: \`tmp${n}\``, `  --> src/util.rs:${n}:9`, "   |", `${n} |     let tmp${n} = 0;`, "   |         ^^^^ help: if this is intentional, prefix it with an underscore", ""];
  const raw = [
    "   Compiling inventory v0.1.0 (/work/inventory)",
    ...warning(4),
    ...warning(9),
    ...warning(15),
    "error[E0596]: cannot borrow `*slot` as mutable, as it is behind a `&` reference",
    "  --> src/store.rs:31:9",
    "   |",
    "30 |     for slot in self.slots.iter() {",
    "   |                 -----------------",
    "   |                 |          |",
    "   |                 |          help: use mutable method: `iter_mut()`",
    "   |                 this iterator yields `&` references",
    "31 |         slot.push(item);",
    "   |         ^^^^ `slot` is a `&` reference, so the data it refers to cannot be borrowed as mutable",
    "",
    "For more information about this error, try `rustc --explain E0596`.",
    "error: could not compile `inventory` (lib) due to 1 previous error",
  ].join("\n");
  const out = compactOutput(raw, { command: "cargo build", exitCode: 101, expandHint: hint }).text;

  test("both labels under the connectors stay, the source lines fold", () => {
    expect(out).toContain("help: use mutable method: `iter_mut()`");
    expect(out).toContain("this iterator yields `&` references");
    expect(out).not.toContain("slot.push(item);");
  });
});

describe("how many tests a failed run set out to run", () => {
  const passing = Array.from({ length: 30 }, (_, i) => `tests/test_ids.py::test_id_roundtrip[${i}] PASSED${" ".repeat(40)}[ ${Math.round(((i + 1) * 100) / 240)}%]`);
  const raw = [
    "============================= test session starts ==============================",
    "platform linux -- Python 3.12.1, pytest-8.3.2, pluggy-1.5.0",
    "cachedir: .pytest_cache",
    "rootdir: /srv/ids",
    "configfile: pyproject.toml",
    "plugins: xdist-3.6.1, cov-5.0.0",
    "collected 240 items / 12 deselected / 228 selected",
    "",
    ...passing,
    "tests/test_ids.py::test_id_rejects_zero FAILED                              [ 13%]",
    "",
    "=================================== FAILURES ===================================",
    "_____________________________ test_id_rejects_zero _____________________________",
    "",
    "    def test_id_rejects_zero():",
    ">       assert parse_id('0') is None",
    "E       AssertionError: assert 0 is None",
    "",
    "tests/test_ids.py:41: AssertionError",
    "=========================== short test summary info ============================",
    "FAILED tests/test_ids.py::test_id_rejects_zero - AssertionError: assert 0 is None",
    "!!!!!!!!!!!!!!!!!!!!!!!!!! stopping after 1 failures !!!!!!!!!!!!!!!!!!!!!!!!!!!",
    "================= 1 failed, 30 passed, 12 deselected in 0.41s ==================",
  ].join("\n");

  test("pytest's `collected N items` stays beside the summary of a run that stopped early", () => {
    const out = compactOutput(raw, { command: "pytest -x -v", exitCode: 1, expandHint: hint }).text;
    expect(out).toContain("collected 240 items / 12 deselected / 228 selected");
    expect(out).toContain("1 failed, 30 passed, 12 deselected in 0.41s");
  });
});

describe("a summary that counts problems and the warnings among them", () => {
  test("the problems that are not warnings are errors", () => {
    const raw = ["✖   header must not be longer than 72 characters [header-max-length]", "✖   scope may not be empty [scope-empty]", "⚠   body must have leading blank line [body-leading-blank]", "", "✖   found 3 problems, 1 warnings"].join("\n");
    const a = analyzeOutput(raw, { command: "npx commitlint --from HEAD~1", exitCode: 1 });
    expect(a.counts.errors).toBe(2);
    expect(a.counts.warnings).toBe(1);
  });

  test("a summary that states its errors keeps them as stated", () => {
    const a = analyzeOutput("/srv/a.js\n  3:1  error  x  no-undef\n\n✖ 7 problems (4 errors, 3 warnings)", { command: "eslint .", exitCode: 1 });
    expect(a.counts.errors).toBe(4);
    expect(a.counts.warnings).toBe(3);
  });
});

describe("a command that feeds its input from printf, echo or cat", () => {
  test("is read as the program it feeds", () => {
    for (const command of ["printf 'fix: a | b\\n' | npx commitlint", "echo '{\"a\": 1}' | jq .a", "cat report.xml | xmllint --noout -"]) {
      const a = analyzeOutput("something went wrong", { command, exitCode: 1 });
      expect(a.tool).toBe(/commitlint/.test(command) ? "commitlint" : /jq/.test(command) ? "jq" : "xmllint");
    }
  });

  test("a pipe inside a quoted argument is no stage, and `||` is no pipe", () => {
    expect(analyzeOutput("x", { command: "printf 'a || b' || true", exitCode: 1 }).tool).toBe("printf");
  });
});

describe("a package script is read as what it ran, named in npm's banner", () => {
  test("`npm run lint` whose script runs eslint over workspaces is eslint's lint run", () => {
    const raw = [
      "",
      "> @shop/api@2.0.0 lint",
      "> eslint src",
      "",
      "",
      "/repo/packages/api/src/orders.js",
      "  12:7  error  'total' is assigned a value but never used  no-unused-vars",
      "",
      "✖ 1 problem (1 error, 0 warnings)",
      "",
      "npm error Lifecycle script `lint` failed with error:",
      "npm error code 1",
      "npm error path /repo/packages/api",
      "npm error workspace @shop/api@2.0.0",
      "npm error location /repo/packages/api",
      "npm error command failed",
      "npm error command sh -c eslint src",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "npm run lint --workspaces", exitCode: 1 });
    expect(a.tool).toBe("eslint");
    expect(a.kind).toBe("lint");
    expect(a.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["/repo/packages/api/src/orders.js:12"]);
    // without eslint's own rules the npm error block does not make it an install
    expect(analyzeOutput(raw, { command: "npm run lint --workspaces", exitCode: 1, rules: { without: ["eslint"] } }).kind).toBe("lint");
  });

  test("a script that runs a checker (`--check`) is a lint run, whatever the files it names", () => {
    const raw = ["", "> site@1.0.0 format:check", "> prettier --check .", "", "Checking formatting...", "[warn] src/app.ts", "[warn] Code style issues found in the above file. Run Prettier with --write to fix."].join("\n");
    expect(analyzeOutput(raw, { command: "npm run format:check", exitCode: 1 }).kind).toBe("lint");
  });

  test("a script that runs a file of the project keeps the script's name for its kind", () => {
    const raw = ["", "> site@1.0.0 build", "> node tools/render.mjs", "", "rendered 3 pages", "error: layout \"wide\" not found"].join("\n");
    const a = analyzeOutput(raw, { command: "npm run build", exitCode: 1 });
    expect(a.tool).not.toBe("node");
  });

  test("in a chain, the banner of the script that failed stays, and its tests are read", () => {
    const raw = [
      "",
      "> billing@3.1.0 verify",
      "> npm run typecheck && npm test",
      "",
      "",
      "> billing@3.1.0 typecheck",
      "> tsc --noEmit",
      "",
      "",
      "> billing@3.1.0 test",
      "> node --test",
      "",
      ...Array.from({ length: 12 }, (_, i) => `✔ invoice rule ${i + 1} (0.${i + 2}ms)`),
      "✖ rounds half-cent totals up (1.2ms)",
      "  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
      "",
      "  1004 !== 1005",
      "",
      "      at TestContext.<anonymous> (file:///srv/billing/test/round.test.js:9:10)",
      "      at Test.runInAsyncScope (node:async_hooks:206:9)",
      "",
      "ℹ tests 13",
      "ℹ suites 0",
      "ℹ pass 12",
      "ℹ fail 1",
      "",
      "✖ failing tests:",
      "",
      "test at test/round.test.js:7:1",
      "✖ rounds half-cent totals up (1.2ms)",
      "  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
      "",
      "  1004 !== 1005",
      "",
      "      at TestContext.<anonymous> (file:///srv/billing/test/round.test.js:9:10)",
    ].join("\n");
    const r = compactOutput(raw, { command: "npm run verify", exitCode: 1, expandHint: hint });
    expect(r.text).toContain("> billing@3.1.0 test");
    expect(r.text).toContain("> node --test");
    expect(r.analysis.tests_failed).toEqual(["rounds half-cent totals up"]);
    expect(r.analysis.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["/srv/billing/test/round.test.js:9"]);
    expect(r.analysis.counts.failed).toBe(1);
  });
});

describe("git's push and rebase reports are git's, and a line starting FAIL is not go's", () => {
  test("a rejected push is recognised from its output alone", () => {
    const raw = ["To github.com:acme/site.git", " ! [rejected]        release -> release (non-fast-forward)", "error: failed to push some refs to 'github.com:acme/site.git'", "hint: Updates were rejected because the tip of your current branch is behind"].join("\n");
    expect(analyzeOutput(raw).tool).toBe("git");
  });

  test("a rebase stopped at a failed --exec is git's, and the check's own FAIL line does not make it go", () => {
    const raw = ["Executing: npm test", "FAIL parser: unexpected token at 3:4", "warning: execution failed: npm test", "You can fix the problem, and then run", "", "  git rebase --continue"].join("\n");
    expect(analyzeOutput(raw).tool).toBe("git");
  });

  test("go's package verdicts are still go's", () => {
    expect(analyzeOutput("--- FAIL: TestParse (0.00s)\nFAIL\nFAIL\texample.com/p\t0.004s").tool).toBe("go");
    expect(analyzeOutput("# example.com/p\nFAIL\texample.com/p [build failed]").tool).toBe("go");
  });
});

describe("node's test runner", () => {
  test("a failing test at the top level (no describe) is named once, though the reporter repeats it", () => {
    const raw = [
      "✔ adds (0.5ms)",
      "✖ subtracts (0.9ms)",
      "  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
      "",
      "  2 !== 3",
      "",
      "      at TestContext.<anonymous> (file:///srv/calc/test/calc.test.js:8:10)",
      "",
      "ℹ tests 2",
      "ℹ pass 1",
      "ℹ fail 1",
      "",
      "✖ failing tests:",
      "",
      "test at test/calc.test.js:7:1",
      "✖ subtracts (0.9ms)",
      "  AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:",
      "",
      "  2 !== 3",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "node --test", exitCode: 1 });
    expect(a.tests_failed).toEqual(["subtracts"]);
    expect(a.errors.map((e) => `${e.file}:${e.line}`)).toEqual(["/srv/calc/test/calc.test.js:8"]);
  });
});

describe("a block of labelled summaries", () => {
  test("the line labelled Tests says how many tests failed, not the snapshots' line under it", () => {
    const raw = [
      " FAIL  src/__tests__/render.test.ts",
      "  ● render › card",
      "    expect(received).toMatchSnapshot()",
      "",
      "Test Suites: 1 failed, 3 passed, 4 total",
      "Tests:       4 failed, 21 passed, 25 total",
      "Snapshots:   1 failed, 9 passed, 10 total",
      "Time:        2.1 s",
    ].join("\n");
    const a = analyzeOutput(raw, { rules: "generic", exitCode: 1 });
    expect(a.counts.failed).toBe(4);
    expect(a.counts.passed).toBe(21);
  });
});

describe("the help a tool prints after a usage error folds, under its shared prefix", () => {
  const options = Array.from({ length: 10 }, (_, i) => [`npm error   --flag-${i}`, `npm error     What flag ${i} changes about the run, in one line.`, "npm error"]).flat();
  const raw = [
    "npm error code EUSAGE",
    "npm error",
    "npm error Unknown command: \"instal\"",
    "npm error",
    "npm error Usage:",
    "npm error npm install [<package-spec> ...]",
    "npm error",
    "npm error Options:",
    "npm error [-S|--save|--no-save] [--dry-run] [-w|--workspace <workspace-name>]",
    "npm error",
    ...options,
    "npm error aliases: add, i, in, ins",
    "npm error",
    "npm error Run \"npm help install\" for more info",
  ].join("\n");

  test("the error and the pointer to the help stay; the options fold, counted as help", () => {
    const out = compactOutput(raw, { command: "npm instal left-pad", exitCode: 1, expandHint: hint }).text;
    expect(out).toContain('npm error Unknown command: "instal"');
    expect(out).toContain("npm error Usage:");
    expect(out).toContain('npm error Run "npm help install" for more info');
    expect(out).not.toContain("--flag-3");
    expect(out).toMatch(/\d+ help-text lines/);
  });

  test("help the user asked for, with no error before it, is the output, not help to fold", () => {
    const asked = raw.split("\n").slice(4).join("\n").replaceAll("npm error ", "").replaceAll("npm error", "");
    const out = compactOutput(asked, { command: "npm help install", exitCode: 0, expandHint: hint }).text;
    expect(out).not.toContain("help-text");
  });
});

describe("a compiler's context inside the system's headers folds like a library's stack frames", () => {
  const chain = (n: number) => Array.from({ length: 4 }, (_, k) => `/usr/include/c++/13/bits/stl_algo.h:${1800 + n * 10 + k}:7:   required from ‘void std::__sort_step${k}(_It, _It) [with _It = __gnu_cxx::__normal_iterator<const Item*, std::vector<Item> >]’`);
  const raw = [
    "g++ -std=c++20 -c -o build/index.o src/index.cpp",
    ...[0, 1, 2].flatMap((n) => [
      `/usr/include/c++/13/bits/stl_algo.h: In instantiation of ‘void std::__unguarded_step${n}(_It) [with _It = __gnu_cxx::__normal_iterator<const Item*, std::vector<Item> >]’:`,
      ...chain(n),
      "src/index.cpp:42:16:   required from here",
      `/usr/include/c++/13/bits/stl_algo.h:${1700 + n}:13: error: passing ‘const Item’ as ‘this’ argument discards qualifiers [-fpermissive]`,
      `/usr/include/c++/13/bits/move.h:${190 + n}:5: note: candidate: ‘template<class _Tp> void std::swap(_Tp&, _Tp&)’`,
      `/usr/include/c++/13/bits/move.h:${190 + n}:5: note:   template argument deduction/substitution failed:`,
    ]),
    "make: *** [Makefile:12: build/index.o] Error 1",
  ].join("\n");
  const out = compactOutput(raw, { command: "make", exitCode: 2, cwd: "/home/dev/catalog", expandHint: hint }).text;

  test("the chain and the notes in /usr/include fold as library frames", () => {
    expect(out).not.toContain("required from ‘void std::__sort_step1");
    expect(out).not.toContain("note:   template argument deduction/substitution failed:");
    expect(out).toMatch(/\d+ library stack frames/);
  });

  test("which template failed, the project's line and every error stay", () => {
    expect(out).toContain("In instantiation of ‘void std::__unguarded_step0");
    expect(out).toContain("src/index.cpp:42:16:   required from here");
    expect(out).toContain("/usr/include/c++/13/bits/stl_algo.h:1700:13: error: passing ‘const Item’ as ‘this’ argument discards qualifiers [-fpermissive]");
    expect(out).toContain("make: *** [Makefile:12: build/index.o] Error 1");
  });
});
