/** Rules that came from corpus group g54 (captured before them): code under print debugging. */
import { describe, expect, test } from "bun:test";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;
const header = ["============================= test session starts ==============================", "platform linux -- Python 3.11.7, pytest-9.0.3, pluggy-1.6.0", "rootdir: /tmp/proj/shop", "configfile: pytest.ini", "plugins: hypothesis-6.155.2", "collected 5 items", ""];
const failure = ["", "=================================== FAILURES ===================================", "_________________________________ test_refund _________________________________", "", "    def test_refund():", ">       assert refund(order) == 12.5", "E       assert 12.0 == 12.5", "", "tests/test_orders.py:31: AssertionError", "=========================== short test summary info ============================", "FAILED tests/test_orders.py::test_refund - assert 12.0 == 12.5", "========================= 1 failed, 4 passed in 0.41s =========================="];
/** A test's prints under `pytest -s`: its progress marks then what each test printed. */
const prints = (n: number, tag: string) => Array.from({ length: n }, (_, k) => `${tag} step=${k} balance=${(100 - k * 2.5).toFixed(2)} pending=${k % 3}`);

describe("what the tests printed, in a failing run that shows it", () => {
  test("pytest -s: the lines printed among the progress marks stay", () => {
    const body = ["tests/test_orders.py .order id=17 lines=3", ...prints(6, "trace"), ".charge total=40.00 tax=3.20", ...prints(5, "trace"), "Frefund amount=12.0 fee=0.5", ".."];
    const raw = [...header, ...body, ...failure].join("\n");
    const r = compactOutput(raw, { command: "python -m pytest -s tests/", exitCode: 1, expandHint: hint });
    for (const line of [...prints(6, "trace"), "trace step=4 balance=90.00 pending=1", "Frefund amount=12.0 fee=0.5"]) expect(r.text).toContain(line);
    expect(r.text).toContain("E       assert 12.0 == 12.5");
    // in a run that passed, many such prints fold as routine lines
    const passed = [...header, "tests/test_orders.py .start", ...prints(60, "trace"), "....", "", "============================== 5 passed in 0.40s ==============================="].join("\n");
    const kept = compactOutput(passed, { command: "python -m pytest -s tests/", exitCode: 0, expandHint: hint }).text.split("\n").filter((l) => l.startsWith("trace "));
    expect(kept.length).toBeLessThan(10);
  });

  test("a line naming a Python file that is no test file opens no printed part", () => {
    const raw = ["setup.py running build_ext", ...Array.from({ length: 40 }, (_, k) => `copying build/lib/pkg/mod${k}.py -> build/bdist/pkg`), "Error: command 'gcc' failed with exit status 1"].join("\n");
    const r = compactOutput(raw, { command: "python setup.py build", exitCode: 1, expandHint: hint });
    expect(r.text.split("\n").filter((l) => l.startsWith("copying ")).length).toBeLessThan(10);
  });

  test("cargo test -- --nocapture: a test's println! lines before its panic stay", () => {
    const raw = [
      "    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.03s",
      "     Running unittests src/lib.rs (target/debug/deps/ledger-0a1b2c3d4e5f6a7b)",
      "",
      "running 4 tests",
      ...Array.from({ length: 12 }, (_, k) => `posting ${k}: amount=${k * 10} account=cash`),
      "test tests::posts_cash ... ok",
      "test tests::posts_card ... ok",
      "balance(cash) = -30",
      "balance(card) = 0",
      "",
      "thread 'tests::never_negative' (4242) panicked at src/lib.rs:48:9:",
      "balance went negative: -30",
      "note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace",
      "test tests::never_negative ... FAILED",
      "test tests::posts_nothing ... ok",
      "",
      "failures:",
      "",
      "failures:",
      "    tests::never_negative",
      "",
      "test result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
      "",
      "error: test failed, to rerun pass `--lib`",
    ].join("\n");
    const r = compactOutput(raw, { command: "cargo test -- --nocapture", exitCode: 101, expandHint: hint });
    for (const line of ["balance(cash) = -30", "balance(card) = 0", "posting 7: amount=70 account=cash", "balance went negative: -30"]) expect(r.text).toContain(line);
  });

  test("many prints: the ones printed last before the failure stay, no more than thirty", () => {
    const body = ["tests/test_orders.py .start", ...prints(80, "trace"), "Fdone", "...."];
    const raw = [...header, ...body, ...failure].join("\n");
    const r = compactOutput(raw, { command: "pytest -s", exitCode: 1, expandHint: hint });
    const kept = r.text.split("\n").filter((l) => l.startsWith("trace "));
    expect(kept.length).toBeLessThanOrEqual(30);
    expect(kept.length).toBeGreaterThanOrEqual(25);
    expect(r.text).toContain("trace step=79 balance=-97.50 pending=1");
    expect(r.text).not.toContain("trace step=10 balance=75.00 pending=1");
  });
});
