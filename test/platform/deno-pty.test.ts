import { expect, test } from "bun:test";
import { runUnderDeno } from "./run-under-deno.ts";

// The Deno server spawns each shell without forking itself (server/platform/deno-pty.ts); only Deno runs it.
test("under Deno, a shell spawned without fork leads its session on its own terminal, holds no other PTY descriptor, resizes and ends with its status", async () => {
  const { out, err, code } = await runUnderDeno("deno-pty-deno.ts", ["--allow-all"]);
  expect(err).toBe("");
  expect(code).toBe(0);
  expect(JSON.parse(out)).toEqual({ pidIsShell: true, sessionLeader: true, tty: true, ptmxOrOtherPts: 0, pwd: "/tmp", term: "xterm-256color", size: true, code: 7 });
}, 60_000);
