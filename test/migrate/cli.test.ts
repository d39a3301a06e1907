import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cli, freshHome, ok, stopServer } from "../persist/cli-harness.ts";
import { startTmuxFixture, type TmuxFixture } from "./tmux-fixture.ts";

let fx: TmuxFixture;
const home = freshHome("ais-migrate-");
beforeAll(async () => {
  fx = await startTmuxFixture(30);
}, 30_000);
afterAll(async () => {
  fx?.stop();
  await stopServer(home);
}, 30_000);

describe("ai-session migrate", () => {
  test("--dry-run --json prints the plan and creates nothing", async () => {
    const plan = JSON.parse(await ok(home, ["migrate", "--all", "--dry-run", "--json", "--socket", fx.socket]));
    expect(plan.dry_run).toBe(true);
    expect(plan.panes.map((p: { name: string }) => p.name)).toEqual(fx.panes.map((p) => p.name));
    expect(JSON.parse(await ok(home, ["list", "--json"]))).toEqual([]);
  }, 60_000);

  test("importing one tmux session by name brings each pane's cwd and scrollback", async () => {
    const out = await ok(home, ["migrate", "alpha", "--socket", fx.socket]);
    expect(out).toContain("3 of 3 panes imported");
    for (const pane of fx.panes.filter((p) => p.name.startsWith("alpha."))) {
      expect((await ok(home, ["exec", pane.name, "pwd"])).trim()).toBe(pane.cwd);
      expect(await ok(home, ["read", pane.name, "--since", "0"])).toContain(`${pane.marker}-30`);
    }
  }, 60_000);

  test("an unknown tmux session or no tmux server gives one clear line", async () => {
    const unknown = await cli(home, ["migrate", "gamma", "--socket", fx.socket]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('ai-session: no tmux session named "gamma" (tmux has: alpha, beta)\n');
    const none = await cli(home, ["migrate", "--all", "--socket", `${fx.socket}-none`]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("no tmux server is running on socket name");
  }, 60_000);
});
