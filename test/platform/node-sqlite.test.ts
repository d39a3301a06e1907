import { expect, test } from "bun:test";
import { runUnderDeno } from "./run-under-deno.ts";

// The Deno side of the SQLite seam is node:sqlite wrapped to bun:sqlite's shape; only Deno runs it.
test("under Deno, the state database works through node:sqlite: migrations, Drizzle, savepoints inside a begun transaction, rollback, rows as arrays", async () => {
  const { out, err, code } = await runUnderDeno("node-sqlite-deno.ts", ["--allow-read", "--allow-write", "--allow-env", "--allow-sys"]);
  expect(err).toBe("");
  expect(code).toBe(0);
  expect(JSON.parse(out)).toEqual({ runtime: "deno", names: ["api"], rolledBack: "api", values: [[1, 2, 1]], missing: null });
}, 60_000);
