import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cli, freshHome, ok, stopServer } from "./cli-harness.ts";

const homes: string[] = [];
function home() {
  const h = freshHome();
  homes.push(h);
  return h;
}
afterAll(async () => {
  for (const h of homes) await stopServer(h);
}, 30_000);

async function devSession(h: string) {
  const work = realpathSync(mkdtempSync(join(tmpdir(), "ais-cli-work-")));
  mkdirSync(join(work, "sub"));
  await ok(h, ["create", "--name", "dev", "--cwd", work, "--shell", "/bin/bash"]);
  await ok(h, ["exec", "dev", "cd sub && export RELEASE=v2.5"]);
  await ok(h, ["exec", "dev", "echo built-$RELEASE"]);
  return join(work, "sub");
}

describe("persistence through the CLI", () => {
  test("kill-server, then restore: cwd, env, history and scrollback are back", async () => {
    const h = home();
    const cwd = await devSession(h);
    await ok(h, ["kill-server"]);
    const restored = JSON.parse(await ok(h, ["restore", "dev", "--json"]));
    expect(restored).toMatchObject({ name: "dev", cwd, commands: 2 });
    expect(await ok(h, ["exec", "dev", "pwd; echo $RELEASE"])).toContain(`${cwd}\nv2.5`);
    expect(await ok(h, ["read", "dev", "--since", "0"])).toContain("built-v2.5");
    const history = JSON.parse(await ok(h, ["history", "dev", "--json"]));
    const commands = (Array.isArray(history) ? history : history.commands).map((c: { command: string }) => c.command);
    expect(commands.slice(0, 2)).toEqual(["cd sub && export RELEASE=v2.5", "echo built-$RELEASE"]);
  }, 60_000);

  test("serve --restore brings back every session that was live", async () => {
    const h = home();
    await devSession(h);
    await ok(h, ["create", "--name", "other", "--shell", "/bin/bash"]);
    await ok(h, ["kill", "other"]);
    await ok(h, ["kill-server"]);
    const serve = Bun.spawn(
      (await import("./cli-harness.ts")).argv("serve", "--port", "0", "--restore"),
      { env: { ...process.env, AI_SESSION_HOME: h }, stdout: "pipe", stderr: "pipe" },
    );
    try {
      let list: { name: string; status: string }[] = [];
      for (let i = 0; i < 100 && !list.some((s) => s.name === "dev"); i++) {
        await Bun.sleep(100);
        const r = await cli(h, ["list", "--json"]);
        if (r.code === 0) list = JSON.parse(r.stdout);
      }
      expect(list.map((s) => s.name)).toEqual(["dev"]); // "other" was killed on purpose: not brought back
      expect(await ok(h, ["exec", "dev", "echo $RELEASE"])).toContain("v2.5");
    } finally {
      await ok(h, ["kill-server"]);
      await serve.exited;
    }
  }, 60_000);

  test("a snapshot file moves a session to another data directory", async () => {
    const a = home();
    const cwd = await devSession(a);
    const file = join(mkdtempSync(join(tmpdir(), "ais-cli-file-")), "dev.json");
    const snap = JSON.parse(await ok(a, ["snapshot", "dev", "-o", file, "--json"]));
    expect(snap.file).toBe(file);
    const b = home();
    await ok(b, ["restore", "--file", file, "--name", "moved"]);
    expect(await ok(b, ["exec", "moved", "pwd; echo $RELEASE"])).toContain(`${cwd}\nv2.5`);
  }, 60_000);

  test("clear errors: unknown session, corrupt file, unwritable output path (nothing half-written)", async () => {
    const h = home();
    await devSession(h);
    const unknown = await cli(h, ["snapshot", "nope"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('ai-session: no session named "nope" (ai-session list shows the sessions)\n');

    const dir = mkdtempSync(join(tmpdir(), "ais-cli-bad-"));
    const corrupt = join(dir, "corrupt.json");
    writeFileSync(corrupt, '{"format":"ai-session-snapshot","version":1,"session":');
    const bad = await cli(h, ["restore", "--file", corrupt]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not valid JSON, so it is not a snapshot");

    // A path under a regular file cannot be written, for root too.
    writeFileSync(join(dir, "plain"), "x");
    const target = join(dir, "plain", "dev.json");
    const unwritable = await cli(h, ["snapshot", "dev", "-o", target]);
    expect(unwritable.code).toBe(2);
    expect(unwritable.stderr).toContain(`cannot write the snapshot file ${target}`);
    expect(readdirSync(dir).sort()).toEqual(["corrupt.json", "plain"]);
  }, 60_000);

  test("the audit log records who did what, and --json is one document", async () => {
    const h = home();
    await devSession(h);
    await ok(h, ["snapshot", "dev"]);
    await ok(h, ["agent", "register", "builder", "--role", "backend"]);
    await ok(h, ["exec", "dev", "true", "--agent", "builder"]);
    await cli(h, ["exec", "dev", "false"]);
    const unnamed = JSON.parse(await ok(h, ["create", "--json"])).name as string;
    const entries = JSON.parse(await ok(h, ["audit", "--json"]));
    // the exec's result and the created session's name, as the routes reported them
    const execs = entries.filter((e: { action: string }) => e.action === "exec").map((e: { detail: string }) => JSON.parse(e.detail));
    expect(execs.slice(-2)).toEqual([
      { command: "true", exit_code: 0, status: "ok" },
      { command: "false", exit_code: 1, status: "failed" },
    ]);
    expect(entries.filter((e: { action: string }) => e.action === "create").map((e: { target: string }) => e.target)).toEqual(["dev", unnamed]);
    const seen = entries.map((e: { action: string; target: string; agent: string | null }) => [e.action, e.target, e.agent]);
    expect(seen).toContainEqual(["create", "dev", null]);
    expect(seen).toContainEqual(["snapshot", "dev", null]);
    expect(seen).toContainEqual(["exec", "dev", "builder"]);
    expect(existsSync(join(h, "state.db"))).toBe(true);
  }, 60_000);

  test("history --grep and --failed find commands; over the retention cap the oldest output is dropped, and said so", async () => {
    const h = home();
    const env = { AI_SESSION_HISTORY_CAP_MB: "0.02" }; // 20 KB of stored output per session
    await ok(h, ["create", "--name", "dev", "--shell", "/bin/bash"], env);
    await cli(h, ["exec", "dev", "echo 'src/app.ts:3:1 error TS2304: Cannot find name'; false"], env);
    for (let i = 0; i < 6; i++) await ok(h, ["exec", "dev", "head -c 6000 /dev/urandom | base64"], env);
    const failed = JSON.parse(await ok(h, ["history", "dev", "--failed", "--json"], env));
    expect(failed.map((e: { exit_code: number }) => e.exit_code)).toEqual([1]);
    const grep = JSON.parse(await ok(h, ["history", "dev", "--grep", "TS2304", "--json"], env));
    expect(grep).toHaveLength(1);
    const all = JSON.parse(await ok(h, ["history", "dev", "--json"], env));
    const dropped = all.map((e: { output_dropped: boolean }) => e.output_dropped);
    expect(dropped[0]).toBe(true);
    expect(dropped[dropped.length - 1]).toBe(false);
    expect(await ok(h, ["history", "dev"], env)).toContain("(output dropped by retention)");
  }, 60_000);
});
