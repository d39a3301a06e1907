import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { README_END, README_START, merged, tableOf, withTable, type BenchFile } from "../bench/table.ts";

const root = join(import.meta.dir, "../..");

describe("the README's benchmark table", () => {
  test("is the one npm run bench wrote from bench-results/bench.json, not typed by hand", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const file = JSON.parse(readFileSync(join(root, "bench-results/bench.json"), "utf8")) as BenchFile;
    const inReadme = readme.slice(readme.indexOf(README_START) + README_START.length, readme.indexOf(README_END)).trim();
    expect(inReadme).toBe(tableOf(file).trim());
    // every benchmark module has rows there
    for (const name of ["bus", "compact", "context", "core", "mcp", "persist"]) expect(Object.keys(file.runs)).toContain(name);
  });

  test("a run of some benchmarks replaces their rows and keeps the others'", () => {
    const machine = { cpus: 2, platform: "linux" };
    const first = merged(null, machine, "2026-01-01T00:00:00Z", {
      a: { rows: [{ bench: "a", metric: "x", value: 1, unit: "ms" }] },
      b: { rows: [{ bench: "b", metric: "y", value: 2, unit: "ms" }] },
    });
    const second = merged(first, machine, "2026-02-01T00:00:00Z", { a: { rows: [], failure: "boom" } });
    expect(second.runs.b!.rows[0]!.value).toBe(2);
    expect(second.runs.a).toEqual({ at: "2026-02-01T00:00:00Z", rows: [], failure: "boom" });
    const readme = `intro\n${README_START}\nold\n${README_END}\nrest`;
    const out = withTable(readme, second);
    expect(out).toContain("| b | y | 2.00 ms |");
    expect(out).toContain("a 2026-02-01 (failed: see bench.json)");
    expect(out).not.toContain("old");
    expect(() => withTable("no markers", second)).toThrow(/markers/);
  });
});
