/** Rules that came from corpus group g49 (captured before them): a project's own scripts run to see what they print. */
import { describe, expect, test } from "bun:test";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

// a report whose rows look alike, a few of them flagged
const report = ["checking 40 accounts", ...Array.from({ length: 40 }, (_, k) => `ACC-${1000 + k * 13}  bank ${(k * 917) % 9000}.00  ledger ${(k * 917) % 9000}.${k % 6 ? "00" : "37"}${k % 6 ? "" : "  MISMATCH"}`), "done: 40 accounts, 7 to look at"].join("\n");

describe("the short output of a quiet run no rule reads as a tool's report", () => {
  test("comes back whole: a project script's rows, the flagged ones among them", () => {
    for (const command of ["python3 scripts/reconcile.py", "node scripts/reconcile.js", "./bin/reconcile --month 2026-11"]) {
      const r = compactOutput(report, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(report);
      expect(r.analysis).toMatchObject({ kind: "other", status: "success" });
    }
  });

  test("a failed run, a longer one, and a tool's known run are compacted as before", () => {
    expect(compactOutput(report, { command: "python3 scripts/reconcile.py", exitCode: 1, expandHint: hint }).folds.length).toBeGreaterThan(0);
    const long = ["checking 200 accounts", ...Array.from({ length: 200 }, (_, k) => `ACC-${1000 + k}  bank ${k}.00  ledger ${k}.00`)].join("\n");
    expect(compactOutput(long, { command: "python3 scripts/reconcile.py", exitCode: 0, expandHint: hint }).folds.length).toBeGreaterThan(0);
    const install = ["", "added 212 packages, and audited 213 packages in 4s", ...Array.from({ length: 40 }, (_, k) => `npm warn deprecated pkg-${k}@1.0.0: this package is no longer supported`), "", "found 0 vulnerabilities"].join("\n");
    expect(compactOutput(install, { command: "npm install", exitCode: 0, expandHint: hint }).folds.length).toBeGreaterThan(0);
  });
});
