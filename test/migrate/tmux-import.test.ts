import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { migrateTmux } from "../../server/migrate/import.ts";
import { startRuntime, type TestRuntime } from "../persist/runtime-fixture.ts";
import { startTmuxFixture, type TmuxFixture } from "./tmux-fixture.ts";

let fx: TmuxFixture;
let t: TestRuntime;
beforeAll(async () => {
  fx = await startTmuxFixture();
  t = startRuntime();
}, 30_000);
afterAll(async () => {
  fx?.stop();
  await t?.close();
}, 30_000);

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("migrate from a real tmux server", () => {
  test("--dry-run plans one session per pane and creates nothing", async () => {
    const plan = await migrateTmux(t.rt.sessions, { socketName: fx.socket }, { all: true }, { dryRun: true });
    expect(plan.panes.map((p) => [p.name, p.status])).toEqual(fx.panes.map((p) => [p.name, "planned"]));
    expect(t.rt.sessions.list()).toHaveLength(0);
  }, 30_000);

  test("every pane arrives as a live session with its cwd and its scrollback", async () => {
    const report = await migrateTmux(t.rt.sessions, { socketName: fx.socket }, { all: true });
    expect(report.panes.map((p) => p.status)).toEqual(fx.panes.map(() => "created"));
    for (const pane of fx.panes) {
      const s = t.rt.sessions.get(pane.name);
      expect(s.cwd()).toBe(pane.cwd);
      const shown = text(s.scrollback.read(0).data);
      expect(shown).toContain(`${pane.marker}-1\r\n`);
      expect(shown).toContain(`${pane.marker}-40\r\n`);
      const pwd = await s.commands.exec("pwd", { timeoutMs: 10_000 });
      expect(text(pwd.raw)).toContain(pane.cwd);
    }
    expect(t.rt.sessions.get("beta.0.0").info().cols).toBe(90);
  }, 30_000);

  test("running it again skips the panes already imported, saying why", async () => {
    const again = await migrateTmux(t.rt.sessions, { socketName: fx.socket }, { sessions: ["beta"] });
    expect(again.panes).toHaveLength(1);
    expect(again.panes[0]!.status).toBe("skipped");
    expect(again.panes[0]!.note).toContain('a session named "beta.0.0" already exists');
  }, 30_000);
});
