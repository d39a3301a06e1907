import { resolve } from "node:path";

const DENO = resolve(import.meta.dir, "../../node_modules/.bin/deno");

/** Runs a script of this folder under the pinned Deno with the given permissions: what it printed, and how it ended. */
export async function runUnderDeno(script: string, permissions: string[]): Promise<{ out: string; err: string; code: number }> {
  const p = Bun.spawn([DENO, "run", "--no-lock", "--no-prompt", ...permissions, resolve(import.meta.dir, script)], {
    env: { ...process.env, NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { out, err, code };
}
