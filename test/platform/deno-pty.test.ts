import { expect, test } from "bun:test";
import { resolve } from "node:path";

const DENO = resolve(import.meta.dir, "../../node_modules/.bin/deno");

// The Deno server spawns each shell without forking itself (server/platform/deno-pty.ts); only Deno runs it.
test("under Deno, a shell spawned without fork leads its session on its own terminal, holds no other PTY descriptor, resizes and ends with its status", async () => {
  const p = Bun.spawn([DENO, "run", "--no-lock", "--no-prompt", "--allow-all", resolve(import.meta.dir, "deno-pty-deno.ts")], {
    env: { ...process.env, NO_COLOR: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  expect(err).toBe("");
  expect(code).toBe(0);
  expect(JSON.parse(out)).toEqual({ pidIsShell: true, sessionLeader: true, tty: true, ptmxOrOtherPts: 0, pwd: "/tmp", term: "xterm-256color", size: true, code: 7 });
}, 60_000);
