// The node-pty backend (for runtimes without Bun.Terminal) starts the shell through the same
// launcher, so its sessions are sandboxed too. node-pty does not work under Bun itself, so this runs
// where it is used: compiled for Node and run by node, with the launcher from the built binary.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { bundleForNode } from "../core/node-bundle.ts";
import { BIN, requireBinary } from "../e2e/cli.ts";

test("a shell started by node-pty through the launcher is sandboxed: the canary outside survives, the workspace is writable", async () => {
  requireBinary();
  const { dir, path: driver } = await bundleForNode(resolve(import.meta.dir, "node-pty-driver.ts"), "drive.cjs", "ais-sandbox-nodepty-");
  const ws = join(dir, "ws");
  const data = join(dir, "data");
  const session = join(data, "shell", "s1");
  mkdirSync(ws);
  mkdirSync(session, { recursive: true });
  const canary = join(dir, "canary");
  writeFileSync(canary, "canary\n");
  writeFileSync(join(data, "token"), "owner-token\n");

  const p = Bun.spawnSync(["node", driver, JSON.stringify({ ws, data, session, canary })], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", AI_SESSION_BIN: BIN },
  });
  if (p.exitCode !== 0) console.error(p.stderr.toString());
  expect(p.exitCode).toBe(0);
  const r = JSON.parse(p.stdout.toString()) as { backend: string; code: number; out: string };
  expect(r.backend).toBe("node-pty");
  expect(r.code).toBe(0);
  expect(r.out).toContain("Permission denied");
  expect(r.out).toContain("in:ok");
  expect(r.out).toMatch(/NoNewPrivs:\s+1/);
  expect(r.out).not.toContain("owner-token");
  expect(readFileSync(canary, "utf8")).toBe("canary\n");
  expect(existsSync(join(ws, "inside"))).toBe(true);
}, 60_000);
