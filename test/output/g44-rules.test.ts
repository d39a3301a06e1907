/** Rules that came from corpus group g44 (captured before them): the data an agent asks to see, printed by jq, sqlite3, curl, node -e and pip list. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

const items = Array.from({ length: 30 }, (_, k) => ({ id: k + 1, sku: `AB-${300 + k}`, name: `widget ${k}`, price_cents: 100 + k * 37, stock: k % 4 }));
const pretty = JSON.stringify({ items }, null, 2);
const jsonLines = items.map((i) => JSON.stringify(i)).join("\n");
const rows = ["id  customer          total  status", "--  ----------------  -----  -------", ...items.map((i) => `${String(i.id).padEnd(2)}  c${i.id}@example.org${" ".repeat(4 - String(i.id).length)}  ${String(i.price_cents).padEnd(5)}  ${["paid", "pending"][i.id % 2]}`)].join("\n");
const packages = ["Package            Version", "------------------ -------", ...Array.from({ length: 40 }, (_, k) => `package-${String(k).padEnd(10)} 1.${k}.0`)].join("\n");

describe("data the agent asked for", () => {
  test("a JSON document or JSON lines, whatever printed them, come back whole", () => {
    for (const [raw, command] of [
      [pretty, `node -e 'console.log(JSON.stringify(require("./a.json"), null, 2))'`],
      [pretty, "curl -s 'http://127.0.0.1:8123/api/items'"],
      [jsonLines, "./scripts/export-items --jsonl"],
    ] as const) {
      const r = compactOutput(raw, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(raw);
      expect(r.analysis).toMatchObject({ kind: "listing", status: "success", errors: [] });
    }
  });

  test("a data program's output comes back whole: jq, json.tool, a database client's rows, pip list, env", () => {
    for (const [raw, command] of [
      [pretty, "jq . data/items.json"],
      [jsonLines, "jq -c '.items[]' data/items.json"],
      [pretty.split("\n").slice(0, 60).join("\n"), "python3 -m json.tool data/items.json | head -60"],
      [pretty, "curl -s 'http://127.0.0.1:8123/api/items?stock=0' | jq ."],
      [rows, `sqlite3 -header -column shop.db "select * from orders"`],
      [packages, "pip list"],
      [packages.replace(/ +/g, "="), "env | sort"],
    ] as const) {
      const r = compactOutput(raw, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(raw);
      expect(r.analysis.kind).toBe("listing");
    }
  });

  test("past a few thousand tokens it is compacted", () => {
    const big = JSON.stringify({ items: Array.from({ length: 400 }, (_, k) => ({ ...items[k % 30], id: k })) }, null, 2);
    const r = compactOutput(big, { command: "jq . data/all.json", exitCode: 0, expandHint: hint });
    expect(r.folds.length).toBeGreaterThan(0);
  });
});

describe("what is no quiet data", () => {
  test("a data program that reports errors is read and compacted as its run", () => {
    const raw = ["CREATE TABLE", "psql:sql/03.sql:7: ERROR:  column \"points\" of relation \"customers\" already exists", "INSERT 0 3"].join("\n");
    const a = analyzeOutput(raw, { command: "psql shop -f sql/03.sql", exitCode: 0 });
    expect(a.kind).not.toBe("listing");
    expect(a.counts.errors).toBe(1);
  });

  test("env running a command is that command's run", () => {
    const raw = ["> shop@1.0.0 build", "> tsc -p .", ""].join("\n");
    expect(analyzeOutput(raw, { command: "env NODE_ENV=production npm run build", exitCode: 0 }).kind).toBe("build");
  });

  test("a tool's JSON report keeps its findings and its kind", () => {
    const raw = JSON.stringify([{ filePath: "/p/src/a.js", messages: [{ ruleId: "no-unused-vars", severity: 2, message: "'x' is assigned a value but never used.", line: 1, column: 7 }], errorCount: 1, warningCount: 0 }]);
    const a = analyzeOutput(raw, { command: "npx eslint -f json src", exitCode: 1 });
    expect(a.kind).toBe("lint");
    expect(a.counts.errors).toBe(1);
  });

  test("a failed run's JSON is not taken for data", () => {
    const raw = JSON.stringify({ error: { code: "not_found", message: "no such order" } }, null, 2);
    expect(analyzeOutput(raw, { command: "node scripts/get-order.js 99", exitCode: 1 }).kind).not.toBe("listing");
  });
});
