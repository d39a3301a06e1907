import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, realpathSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, freshHome, ok, stopServer } from "./cli-harness.ts";

// The server keeps what it read of a shell's cwd and environment file between reads (issue 15):
// these check, through the built binary and a real bash, that what an exec changed is what the
// next exec, the session list and a snapshot report, and that nothing stale survives.

const homes: string[] = [];
function home() {
  const h = freshHome("ais-fresh-");
  homes.push(h);
  return h;
}
afterAll(async () => {
  for (const h of homes) await stopServer(h);
}, 30_000);

type Listed = { name: string; cwd: string; activity: string };
const listed = async (h: string, name: string) => (JSON.parse(await ok(h, ["list", "--json"])) as Listed[]).find((s) => s.name === name)!;
const execJson = async (h: string, name: string, command: string) =>
  JSON.parse(await ok(h, ["exec", name, command, "--json"])) as { output: string; cwd: string; exit_code: number };

async function snapshot(h: string, name: string): Promise<{ cwd: string; env: Record<string, string> }> {
  const file = join(mkdtempSync(join(tmpdir(), "ais-fresh-snap-")), "s.json");
  await ok(h, ["snapshot", name, "-o", file]);
  return (JSON.parse(readFileSync(file, "utf8")) as { session: { cwd: string; env: Record<string, string> } }).session;
}

describe("a shell's cwd and environment as the server reports them", () => {
  test("`cd` and `export` in one exec are seen by the next exec's result, the list and a snapshot, every time", async () => {
    const h = home();
    const work = realpathSync(mkdtempSync(join(tmpdir(), "ais-fresh-work-")));
    await ok(h, ["create", "--name", "s", "--shell", "/bin/bash", "--cwd", work]);
    const tmp = realpathSync("/tmp");
    expect((await execJson(h, "s", "cd /tmp; export X=1")).cwd).toBe(tmp);
    const next = await execJson(h, "s", 'echo "[$X]"');
    expect(next.output).toContain("[1]");
    expect(next.cwd).toBe(tmp);
    expect((await listed(h, "s")).cwd).toBe(tmp);
    let snap = await snapshot(h, "s");
    expect(snap.cwd).toBe(tmp);
    expect(snap.env.X).toBe("1");
    // the same listing size, another value; and back where it was
    expect((await execJson(h, "s", `cd ${work}; export X=2`)).cwd).toBe(work);
    expect((await listed(h, "s")).cwd).toBe(work);
    snap = await snapshot(h, "s");
    expect(snap).toMatchObject({ cwd: work, env: { X: "2" } });
    expect((await execJson(h, "s", "unset X; cd /")).cwd).toBe("/");
    snap = await snapshot(h, "s");
    expect(snap.cwd).toBe("/");
    expect(snap.env.X).toBeUndefined();
  }, 60_000);

  test("a command that removes the shell's environment file: the listing the shell writes next is the one read", async () => {
    const h = home();
    await ok(h, ["create", "--name", "s", "--shell", "/bin/bash"]);
    await ok(h, ["exec", "s", "export BEFORE=1"]);
    expect((await snapshot(h, "s")).env.BEFORE).toBe("1");
    await ok(h, ["exec", "s", 'rm -f "$__ais_state"; export AFTER=2']);
    const snap = await snapshot(h, "s");
    expect(snap.env).toMatchObject({ BEFORE: "1", AFTER: "2" });
    // and a secret in the new file is still scrubbed at once
    await ok(h, ["exec", "s", "export GITHUB_TOKEN=ghp_abcdefghijklmnopqrstuvwxyz0123456789"]);
    const file = (await ok(h, ["exec", "s", 'echo "$__ais_state"'])).trim();
    expect(readFileSync(file, "utf8")).not.toContain("ghp_abcdefghijklmnopqrstuvwxyz0123456789");
  }, 60_000);

  test("a command that moves the shell while it runs shows the new directory before it ends", async () => {
    const h = home();
    const work = realpathSync(mkdtempSync(join(tmpdir(), "ais-fresh-work-")));
    await ok(h, ["create", "--name", "s", "--shell", "/bin/bash", "--cwd", work]);
    await ok(h, ["exec", "s", "true"]);
    await ok(h, ["send", "s", "sleep 0.6; cd /; sleep 4", "--enter"]);
    await Bun.sleep(250);
    const early = await listed(h, "s");
    expect(early.activity).toBe("busy");
    expect(early.cwd).toBe(work);
    await Bun.sleep(1500);
    const moved = await listed(h, "s");
    expect(moved.activity).toBe("busy"); // still in the second sleep
    expect(moved.cwd).toBe("/");
    await cli(h, ["send", "s", "--keys", "C-c"]);
  }, 60_000);
});
