import { expect, test } from "bun:test";
import { resolve } from "node:path";

const DENO = resolve(import.meta.dir, "../../node_modules/.bin/deno");

// The Deno side of the SQLite seam is node:sqlite wrapped to bun:sqlite's shape; only Deno runs it.
test("under Deno, the state database works through node:sqlite: migrations, Drizzle, savepoints inside a begun transaction, rollback, rows as arrays", async () => {
  const p = Bun.spawn([DENO, "run", "--no-lock", "--no-prompt", "--allow-read", "--allow-write", "--allow-env", "--allow-sys", resolve(import.meta.dir, "node-sqlite-deno.ts")], {
    env: { ...process.env, NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect(err).toBe("");
  expect(code).toBe(0);
  expect(JSON.parse(out)).toEqual({ runtime: "deno", names: ["api"], rolledBack: "api", values: [[1, 2, 1]], missing: null });
}, 60_000);
