/** Rules that came from corpus group g51 (captured before them): data reshaped with text tools. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

const regions = ["north", "south", "east", "west"];
const rows = (n: number, sep: string) => Array.from({ length: n }, (_, k) => [2000 + k, `cust-${k}`, regions[k % 4], `${(k * 37) % 900}.50`].join(sep));
const counts = Array.from({ length: 90 }, (_, k) => `${String(90 - k).padStart(7)} 10.0.${k % 9}.${k}`);

describe("what a text tool printed from a file", () => {
  test("comes back whole, read as a listing by the program, with no findings", () => {
    for (const [raw, command, tool] of [
      [rows(120, ",").join("\n"), "cut -d, -f1,2,3,4 data/orders.csv", "cut"],
      [rows(80, " ").join("\n"), "awk -F, '$4 > 100 {print $1, $2, $3, $4}' data/orders.csv", "awk"],
      [rows(60, " | ").join("\n"), "sed 's/,/ | /g' data/orders.csv | head -60", "sed"],
      [counts.join("\n"), "cut -d' ' -f1 logs/access.log | sort | uniq -c | sort -rn", "cut"],
      [counts.join("\n"), "perl -lane 'print $F[0]' logs/access.log | sort | uniq -c | sort -rn", "perl"],
      [rows(70, "  ").join("\n"), "join -t, data/customers.csv <(cut -d, -f2,4 data/orders.csv | sort) | head -70", "join"],
      [rows(50, " ").join("\n"), "grep -rn total src | awk -F: '{print $1}' | sort -u", "grep"],
    ] as const) {
      const r = compactOutput(raw, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(raw);
      expect(r.analysis).toMatchObject({ tool, kind: "listing", status: "success" });
      expect(r.analysis.counts.errors).toBe(0);
    }
  });

  test("rows whose words sound like problems are data, not errors", () => {
    const raw = ["ORDER  STATUS     NOTE", ...Array.from({ length: 40 }, (_, k) => `${3000 + k}   ${k % 3 ? "paid" : "FAILED"}   ${k % 5 ? "ok" : "payment error, retried"}`)].join("\n");
    const a = analyzeOutput(raw, { command: "column -t -s, data/payments.csv", exitCode: 0 });
    expect(a).toMatchObject({ kind: "listing", status: "success" });
    expect(a.counts.errors).toBe(0);
  });

  test("a failed run's own complaints are its errors, at the place they name", () => {
    const awk = analyzeOutput("awk: sum.awk: line 9: missing } near end of file", { command: "awk -f sum.awk data/orders.csv", exitCode: 2 });
    expect(awk.status).toBe("failure");
    expect(awk.errors).toHaveLength(1);
    expect(awk.errors[0]).toMatchObject({ file: "sum.awk", line: 9 });
    const cut = analyzeOutput([...rows(5, ","), "cut: data/missing.csv: No such file or directory"].join("\n"), { command: "cut -d, -f1,2 data/orders.csv data/missing.csv", exitCode: 1 });
    expect(cut.errors.map((e) => e.message)).toEqual(["cut: data/missing.csv: No such file or directory"]);
  });

  test("a program's run piped through a text tool is still that program's run", () => {
    const raw = ["FAIL src/a.test.ts", "  ✕ adds (3 ms)", "Tests:       1 failed, 4 passed, 5 total"].join("\n");
    const a = analyzeOutput(raw, { command: "npx jest 2>&1 | sed 's/^/  /'", exitCode: 0 });
    expect(a.kind).toBe("test");
    expect(a.counts.failed).toBe(1);
  });
});

describe("the system's error names", () => {
  test("an upper-case word that starts with E is no error name", () => {
    const raw = ["REGION  EAST   WEST", "orders  27     40", "", "JOB        ENABLED  EVENTS  ELAPSED", "nightly    yes      12      3s", "EXECUTING report"].join("\n");
    for (const command of ["./scripts/report.sh", "tr a-z A-Z"]) {
      const a = analyzeOutput(raw, { command, exitCode: 0 });
      expect(a.counts.errors).toBe(0);
    }
  });

  test("an errno name or npm's code is still an error, and an entity to act on", () => {
    for (const line of ["Error: ENOENT: no such file or directory, open 'config.json'", "listen EADDRINUSE 0.0.0.0:3000", "npm ERR! code ELIFECYCLE", "write EPIPE"]) {
      const a = analyzeOutput(line, { command: "node server.js", exitCode: 1 });
      expect(a.counts.errors).toBe(1);
    }
    expect(analyzeOutput("Error: ECONNREFUSED: connect 127.0.0.1:5432", { command: "node server.js", exitCode: 1 }).entities.codes).toContain("ECONNREFUSED");
    expect(analyzeOutput("REGION EVENTS EXPIRES", { command: "node server.js", exitCode: 0 }).entities.codes).toEqual([]);
  });
});
