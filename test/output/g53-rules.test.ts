/** Rules that came from corpus group g53 (captured before them): services' logs and scripts that log. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { programCommand } from "../../server/output/types.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;
const requests = (n: number, from = 0) => Array.from({ length: n }, (_, k) => `127.0.0.1 - - [04/Dec/2026 10:${String((from + k) % 60).padStart(2, "0")}:0${k % 10}] "GET /api/items/${(from + k) % 7} HTTP/1.1" 200 -`);
const startup = Array.from({ length: 10 }, (_, k) => `loading module ${k} of the app`);

describe("a server's log", () => {
  test("keeps the line that says where the server listens", () => {
    for (const address of [" * Running on http://127.0.0.1:5000", "INFO:     Uvicorn running on http://127.0.0.1:8000 (Press CTRL+C to quit)", "  ➜  Local:   http://localhost:5173/", "Starting development server at http://127.0.0.1:8000/", "api listening on port 3000"]) {
      const raw = [...startup, address, ...requests(120)].join("\n");
      const r = compactOutput(raw, { command: "cat logs/server.log", exitCode: 0, expandHint: hint });
      expect(r.text).toContain(address.trim());
      expect(r.text.length).toBeLessThan(raw.length / 3);
    }
  });

  test("a logged error over the traceback it logged is one error, at the traceback's place", () => {
    const failure = ["[2026-12-04 10:20:01,383] ERROR in app: Exception on /api/items/9 [GET]", "Traceback (most recent call last):", '  File "/srv/shop/app.py", line 21, in item', "    found = ITEMS[item_id]", "KeyError: 9"];
    const raw = [...requests(40), ...failure, ...requests(40, 40)].join("\n");
    for (const rules of [undefined, "generic"] as const) {
      const a = analyzeOutput(raw, { command: "./run-dev.sh", exitCode: 0, rules });
      expect(a.counts.errors).toBe(1);
      expect(a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`)).toEqual(["/srv/shop/app.py:21"]);
    }
  });

  test("a line said many times in a row is kept, with the fold standing for its repeats", () => {
    const raw = [...requests(60), ...Array.from({ length: 25 }, () => "2026/12/04 10:21:18 cache miss shelf=b slot=2"), ...requests(60, 60)].join("\n");
    const r = compactOutput(raw, { command: "tail -n 145 logs/inventory.log", exitCode: 0, expandHint: hint });
    expect(r.text).toContain("2026/12/04 10:21:18 cache miss shelf=b slot=2");
    expect(r.text.split("\n").length).toBeLessThan(30);
  });
});

describe("a structured log (JSON lines)", () => {
  const line = (level: number, fields: string) => `{"level":${level},"time":"2026-12-04T10:00:00.000Z","service":"mailer",${fields}}`;
  const raw = [
    ...Array.from({ length: 12 }, (_, k) => line(30, `"job":${100 + k},"msg":"sent"`)),
    line(40, `"queue":40,"msg":"queue is backing up"`),
    line(50, `"err":{"type":"Error","message":"job 112 has no recipient","stack":"Error: job 112 has no recipient\\n    at render (file:///srv/worker.js:8:22)"},"job":112,"msg":"job failed"`),
    line(30, `"sent":12,"failed":1,"msg":"worker finished"`),
  ].join("\n");

  test("is a run's record, its numeric levels read as pino and bunyan write them", () => {
    for (const rules of [undefined, "generic"] as const) {
      const a = analyzeOutput(raw, { command: "cat logs/mailer.log", exitCode: 0, rules });
      expect(a.counts.errors).toBe(1);
      expect(a.counts.warnings).toBe(1);
      expect(a.errors.find((e) => e.severity === "error")?.message).toContain("job 112 has no recipient");
    }
  });

  test("JSON lines without levels are still data", () => {
    const data = Array.from({ length: 8 }, (_, k) => `{"sku":"A-${k}","status":"${k % 3 ? "ok" : "error"}","qty":${k}}`).join("\n");
    const a = analyzeOutput(data, { command: "node export.js", exitCode: 0 });
    expect(a.kind).toBe("listing");
    expect(a.counts.errors).toBe(0);
  });
});

describe("a Python program that logs", () => {
  test("its WARNING records and the warnings module's warnings are warnings, beside its traceback", () => {
    const raw = [
      "2026-12-04 10:00:00,001 WARNING etl.stock: row 13: SKU-1011 has no price ('n/a'), skipped",
      "2026-12-04 10:00:00,002 WARNING etl.stock: row 25: SKU-1023 has a negative quantity -3, skipped",
      "WARNING:etl.load:batch 3 is short",
      "/srv/etl/db.py:12: DeprecationWarning: the default datetime adapter is deprecated",
      "  db.execute(sql, row)",
      "2026-12-04 10:00:00,010 INFO    etl.stock: parsed 57 rows",
      "2026-12-04 10:00:00,011 ERROR   etl.stock: load failed",
      "Traceback (most recent call last):",
      '  File "/srv/etl/etl.py", line 35, in load',
      '    db.execute("insert into stock values (?, ?, ?, ?)", rows[0])',
      "sqlite3.IntegrityError: UNIQUE constraint failed: stock.sku",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "python3 etl.py data/batch.csv", exitCode: 1 });
    expect(a).toMatchObject({ tool: "python", kind: "runtime_error", status: "failure" });
    expect(a.counts).toMatchObject({ errors: 1, warnings: 4 });
    expect(a.errors.some((e) => e.severity === "warning" && e.file === "/srv/etl/db.py" && e.line === 12)).toBe(true);
  });
});

describe("a command that starts a helper in the background first", () => {
  test("is the run of the program in the foreground", () => {
    expect(programCommand("(sleep 1.5; for p in a b; do curl -s http://127.0.0.1:5051/$p; done) & timeout 4 flask --app app run --port 5051")).toBe("flask --app app run --port 5051");
    expect(programCommand("(cd web && npm run build) && npm test")).toBe("(cd web && npm run build) && npm test");
  });
});
