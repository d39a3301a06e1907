import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { planMigration } from "../../server/migrate/plan.ts";
import { captureScrollback, listPanes } from "../../server/migrate/tmux.ts";
import { startTmuxFixture, type TmuxFixture } from "./tmux-fixture.ts";

let fx: TmuxFixture;
beforeAll(async () => {
  fx = await startTmuxFixture();
}, 30_000);
afterAll(() => fx?.stop());

describe("reading a real tmux server", () => {
  test("every pane is listed with its session, window, pane, cwd, command and size", async () => {
    const panes = await listPanes({ socketName: fx.socket });
    expect(panes.map((p) => `${p.session}:${p.window}.${p.pane}`)).toEqual(fx.panes.map((p) => p.target));
    expect(panes.map((p) => p.cwd)).toEqual(fx.panes.map((p) => p.cwd));
    expect(panes.every((p) => p.command === "bash")).toBe(true);
    expect(panes.find((p) => p.session === "beta")!.cols).toBe(90);
  }, 30_000);

  test("scrollback comes back whole, with CRLF line ends", async () => {
    const pane = (await listPanes({ socketName: fx.socket })).find((p) => p.session === "beta")!;
    const text = await captureScrollback({ socketName: fx.socket }, pane.paneId);
    for (let i = 1; i <= 40; i++) expect(text).toContain(`beta.0.0-line-${i}\r\n`);
  }, 30_000);

  test("the plan names each pane tmuxsession.window.pane and skips taken names", async () => {
    const plan = await planMigration({ socketName: fx.socket }, { sessions: ["alpha"] }, (n) => n === "alpha.1.0");
    expect(plan.map((p) => [p.name, p.action])).toEqual([
      ["alpha.0.0", "create"],
      ["alpha.0.1", "create"],
      ["alpha.1.0", "skip"],
    ]);
  }, 30_000);

  test("an unknown tmux session is named, with what exists", async () => {
    await expect(planMigration({ socketName: fx.socket }, { sessions: ["gamma"] }, () => false)).rejects.toThrow(
      'no tmux session named "gamma" (tmux has: alpha, beta)',
    );
  }, 30_000);

  test("no tmux server gives a clear message", async () => {
    await expect(listPanes({ socketName: `${fx.socket}-nobody` })).rejects.toThrow(/no tmux server is running on socket name/);
  }, 30_000);

  test("asking for nothing says how to ask", async () => {
    await expect(planMigration({ socketName: fx.socket }, {}, () => false)).rejects.toThrow(/--all/);
  }, 30_000);
});
