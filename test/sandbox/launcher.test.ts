// The launcher (`ai-session __sandbox`) on its own, through the built binary: a spec in its
// environment or, when large, in a file it removes; and a failure that starts no program at all.
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { READ_RIGHTS, fsRightsOf } from "../../server/sandbox/rights.ts";
import { launcherStart } from "../../server/sandbox/launch.ts";
import { BIN, requireBinary } from "../e2e/cli.ts";

requireBinary();
process.env.AI_SESSION_BIN = BIN; // launcherStart names the launcher as a server run from the binary would
const abi = Number(Bun.spawnSync([BIN, "__sandbox", "--abi"]).stdout.toString().trim());
const dir = mkdtempSync(join(tmpdir(), "ais-launcher-"));

function run(start: { argv: string[]; env: Record<string, string> }) {
  const p = Bun.spawnSync(start.argv, { env: start.env, cwd: dir });
  return { code: p.exitCode, out: p.stdout.toString(), err: p.stderr.toString() };
}

const layer = (paths: Array<[string, number]>) => ({ fs: fsRightsOf(abi), net: 0, scoped: 0, paths, ports: [] });

test("a small spec travels in the environment; a large one in a file that the launcher removes", () => {
  const small = launcherStart(join(dir, "small.json"), { abi, layers: [layer([["/", READ_RIGHTS]])], cwd: dir, env: { PATH: "/usr/bin:/bin" } }, ["sh", "-c", "echo small:ok; touch x || echo write:refused"]);
  expect(small.argv).toContain("-");
  expect(existsSync(join(dir, "small.json"))).toBe(false);
  const a = run(small);
  expect(a.out).toContain("small:ok");
  expect(a.out + a.err).toContain("write:refused");

  // thousands of rules (a data directory beside many entries): more than an environment string holds
  const many: Array<[string, number]> = Array.from({ length: 8000 }, () => ["/usr/share", READ_RIGHTS]);
  const large = launcherStart(join(dir, "large.json"), { abi, layers: [layer([["/", READ_RIGHTS], ...many])], cwd: dir, env: { PATH: "/usr/bin:/bin" } }, ["sh", "-c", "echo large:ok"]);
  expect(existsSync(join(dir, "large.json"))).toBe(true);
  expect(run(large).out).toContain("large:ok");
  expect(existsSync(join(dir, "large.json"))).toBe(false);
});

test("a sandbox the kernel cannot build starts nothing: exit 126 and one sentence", () => {
  const start = launcherStart(join(dir, "bad.json"), { abi: abi + 1, layers: [], cwd: dir, env: {} }, ["sh", "-c", "echo ran"]);
  const r = run(start);
  expect(r.code).toBe(126);
  expect(r.out).not.toContain("ran");
  expect(r.err).toContain(`the kernel's Landlock ABI is ${abi}`);
  expect(r.err).toContain("the shell was not started");
  const usage = Bun.spawnSync([BIN, "__sandbox", "nothing"]);
  expect(usage.exitCode).toBe(126);
  expect(usage.stderr.toString()).toContain("usage: ai-session __sandbox");
});
