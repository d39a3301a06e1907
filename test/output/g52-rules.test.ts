/** Rules that came from corpus group g52 (captured before them): code measured for speed. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

const names = ["Parse", "Render", "Escape", "Slug", "Hash", "Encode"];
/** Go's benchmark rows (the testing package's format): name-GOMAXPROCS, iterations, ns/op, B/op, allocs/op. */
const goRows = (n: number) =>
  Array.from({ length: n }, (_, k) => `Benchmark${names[k % 6]}/size-${k}-8   \t ${100000 + k * 731}\t ${(1000 + k * 17.3).toFixed(1)} ns/op\t ${64 + k * 8} B/op\t ${1 + (k % 4)} allocs/op`);
const goRun = (rows: string[]) => ["goos: linux", "goarch: amd64", "pkg: example.com/site/render", "cpu: AMD EPYC", ...rows, "PASS", "ok  \texample.com/site/render\t14.201s"].join("\n");

describe("a benchmark's report", () => {
  test("keeps every result row, read as the test run it is", () => {
    const rows = goRows(36);
    const r = compactOutput(goRun(rows), { command: "go test -bench . -benchmem -run '^$' ./render/", exitCode: 0, expandHint: hint });
    for (let k = 0; k < rows.length; k++) expect(r.text).toMatch(new RegExp(`Benchmark\\w+/size-${k}-8 +${100000 + k * 731} +${(1000 + k * 17.3).toFixed(1)} ns/op`));
    expect(r.analysis).toMatchObject({ kind: "test", status: "success" });
  });

  test("a command that names a benchmark keeps what it printed, a script's own table too", () => {
    const table = ["case                  ops/sec   ±%", ...Array.from({ length: 45 }, (_, k) => `${names[k % 6]!.toLowerCase()} case ${k}`.padEnd(20) + `${(90000 - k * 1311).toLocaleString("en-US").padStart(10)}   ${(1 + (k % 7) / 3).toFixed(2)}`)];
    for (const command of ["python3 bench.py", "npm run bench", "node scripts/run-benchmarks.js", "cargo bench", "pytest --benchmark-only"]) {
      const r = compactOutput(table.join("\n"), { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(table.join("\n"));
    }
    // a package named for benchmarks is installed as any package is: its output compacts
    const install = Array.from({ length: 80 }, (_, k) => `Requirement already satisfied: dep-${k} in ./.venv/lib/python3.11/site-packages (from pytest-benchmark) (1.${k}.0)`).join("\n");
    expect(compactOutput(install, { command: "pip install pytest-benchmark", exitCode: 0, expandHint: hint }).text.length).toBeLessThan(install.length / 4);
  });

  test("a log printed from a directory named for benchmarks is read as the run it records", () => {
    const build = [...Array.from({ length: 60 }, (_, k) => `[${k + 1}/61] Compiling src/unit${k}.c`), "src/unit60.c:12:5: error: 'count' undeclared (first use in this function)", "ninja: build stopped: subcommand failed."].join("\n");
    for (const command of ["cat /tmp/bench/build.log", "tail -n 200 benchmarks/logs/build.log"]) {
      const r = compactOutput(build, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toContain("src/unit60.c:12:5: error: 'count' undeclared");
      expect(r.text.length).toBeLessThan(build.length / 3);
    }
  });

  test("result rows are kept by their shape, whatever ran them, past the length kept whole", () => {
    const rows = goRows(30);
    const chatter = Array.from({ length: 700 }, (_, k) => `step ${k}: warming cache shard ${k % 13}`);
    const raw = [...chatter.slice(0, 350), ...rows, ...chatter.slice(350)].join("\n");
    const r = compactOutput(raw, { command: "make ci", exitCode: 0, expandHint: hint });
    for (const row of rows) expect(r.text).toContain(row.split("\t")[2]!.trim());
    expect(r.text.length).toBeLessThan(raw.length / 3);
  });

  test("a load generator's report comes back whole; a count of zero failures is no error", () => {
    const raw = [
      "Benchmarking 127.0.0.1 (be patient)",
      ...Array.from({ length: 10 }, (_, k) => `Completed ${(k + 1) * 100} requests`),
      "Finished 1000 requests",
      "",
      "Document Path:          /",
      "Concurrency Level:      10",
      "Complete requests:      1000",
      "Failed requests:        0",
      "Non-2xx responses:      0",
      "Requests per second:    812.40 [#/sec] (mean)",
      "",
      "Connection Times (ms)",
      "              min  mean[+/-sd] median   max",
      "Connect:        0    1   0.4      1       3",
      "Processing:     2   11   4.1     10      41",
      "Total:          2   12   4.2     11      42",
      "",
      "Percentage of the requests served within a certain time (ms)",
      ...["50%     11", "66%     12", "75%     13", "80%     14", "90%     17", "95%     20", "98%     26", "99%     31", "100%     42 (longest request)"].map((l) => `  ${l}`),
    ].join("\n");
    const r = compactOutput(raw, { command: "ab -n 1000 -c 10 http://127.0.0.1:8080/", exitCode: 0, expandHint: hint });
    expect(r.text).toContain("  99%     31");
    expect(r.text).toContain("Processing:     2   11   4.1     10      41");
    expect(r.analysis.status).toBe("success");
    expect(r.analysis.counts.errors).toBe(0);
    expect(analyzeOutput("Failed requests:        37", { command: "ab -n 1000 http://127.0.0.1:8080/", exitCode: 0 }).counts.errors).toBe(1);
  });

  test("a failing benchmark is still a failed test at its place", () => {
    const raw = goRun([...goRows(3), "--- FAIL: BenchmarkParse/draft", "    parse_bench_test.go:17: Parse(\"draft\"): line without a colon"]).replace("PASS", "FAIL").replace("ok  ", "FAIL");
    const a = analyzeOutput(raw, { command: "go test -bench Parse ./parse/", exitCode: 1 });
    expect(a.status).toBe("failure");
    expect(a.errors.some((e) => e.file === "parse_bench_test.go" && e.line === 17)).toBe(true);
  });
});

describe("a profile", () => {
  const rows = Array.from({ length: 40 }, (_, k) => `   ${String(400 - k * 9).padStart(4)}   ${(30 - k * 0.6).toFixed(1)}%   ${(31 - k * 0.6).toFixed(1)}%  JS: *fn${k} file:///srv/app/src/mod${k % 5}.js:${10 + k}:${3 + (k % 9)}`);
  const raw = ["Statistical profiling result from v8.log, (2000 ticks, 12 unaccounted, 0 excluded).", "", " [JavaScript]:", "   ticks  total  nonlib   name", ...rows, "", " [C++]:", "   ticks  total  nonlib   name", ...Array.from({ length: 30 }, (_, k) => `     ${30 - k}    ${((30 - k) / 20).toFixed(1)}%    ${((30 - k) / 20).toFixed(1)}%  __libc_fn${k}@@GLIBC_2.2.5`)].join("\n");

  test("keeps its rows, and the places it measured are no findings, with the shapes alone too", () => {
    for (const rules of [undefined, "generic"] as const) {
      const r = compactOutput(raw, { command: "node --prof-process v8.log", exitCode: 0, rules, expandHint: hint });
      for (const row of rows) expect(r.text).toContain(row.trim());
      expect(r.text).toContain("__libc_fn29@@GLIBC_2.2.5");
      expect(r.analysis.status).toBe("success");
      expect(r.analysis.counts.warnings + r.analysis.counts.errors).toBe(0);
    }
  });

  test("its rows are kept by their shape, a count and its share, when no command says it is one", () => {
    const native = Array.from({ length: 30 }, (_, k) => `   ${String(300 - k * 7).padStart(3)}    ${((300 - k * 7) / 20).toFixed(1)}%  __libc_call${k}@@GLIBC_2.2.5`);
    const long = [...Array.from({ length: 60 }, (_, k) => `collecting sample ${k}`), ...native].join("\n");
    const r = compactOutput(long, { command: "./profile.sh", exitCode: 0, expandHint: hint, rules: "generic" });
    for (const row of native) expect(r.text).toContain(row.trim());
  });
});

describe("what took longest", () => {
  const tests = Array.from({ length: 60 }, (_, k) => `tests/test_mod${k % 6}.py::test_case_${k} PASSED${" ".repeat(20)}[${String(Math.round(((k + 1) / 60) * 100)).padStart(3)}%]`);
  const slow = Array.from({ length: 10 }, (_, k) => `${(2.5 - k * 0.2).toFixed(2)}s call     tests/test_mod${k % 6}.py::test_case_${k * 5}`);

  test("pytest's slowest durations are kept, every row", () => {
    const raw = ["============================= test session starts ==============================", ...tests, "", "============================= slowest 10 durations =============================", ...slow, "============================== 60 passed in 9.12s ==============================="].join("\n");
    const r = compactOutput(raw, { command: "python3 -m pytest -v --durations=10", exitCode: 0, expandHint: hint });
    for (const row of slow) expect(r.text).toContain(row);
    expect(r.analysis).toMatchObject({ kind: "test", status: "success" });
    expect(r.analysis.counts.passed).toBe(60);
  });

  test("RSpec's slowest examples are kept", () => {
    const examples = Array.from({ length: 5 }, (_, k) => [`  Invoice totals case ${k}`, `    ${(0.9 - k * 0.1).toFixed(5)} seconds ./spec/invoice_spec.rb:${12 + k * 7}`]).flat();
    const raw = [...Array.from({ length: 70 }, () => "."), "", "Top 5 slowest examples (3.1 seconds, 61.2% of total time):", ...examples, "", "Finished in 5.07 seconds (files took 0.41 seconds to load)", "70 examples, 0 failures"].join("\n");
    const r = compactOutput(raw, { command: "bundle exec rspec --profile 5", exitCode: 0, expandHint: hint });
    for (const line of examples) expect(r.text).toContain(line.trim());
  });
});
