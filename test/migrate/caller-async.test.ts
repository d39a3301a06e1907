import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { migrateTmux } from "../../server/migrate/import.ts";
import { captureScrollback, listPanes } from "../../server/migrate/tmux.ts";
import type { Caller } from "../../server/security/auth.ts";
import { startRuntime, type TestRuntime } from "../persist/runtime-fixture.ts";
import { startTmuxFixture, type TmuxFixture } from "./tmux-fixture.ts";

let fx: TmuxFixture;
let t: TestRuntime;
beforeAll(async () => {
  fx = await startTmuxFixture(5);
  t = startRuntime();
}, 30_000);
afterAll(async () => {
  fx?.stop();
  await t?.close();
}, 30_000);

/** Counts event-loop turns while `work` runs: a blocking call lets none through. */
async function ticksDuring(work: () => Promise<unknown> | unknown): Promise<number> {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return ticks;
}

describe("migrate runs tmux without blocking, as the caller", () => {
  test("a slow tmux capture leaves the event loop free", async () => {
    // a tmux that takes 400 ms to answer, as a capture of a huge history does
    const bin = mkdtempSync(join(tmpdir(), "ais-slow-tmux-"));
    const fake = join(bin, "tmux");
    writeFileSync(fake, "#!/bin/sh\nsleep 0.4\nprintf 'line-1\\nline-2\\n'\n");
    chmodSync(fake, 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    try {
      let text = "";
      const ticks = await ticksDuring(async () => {
        text = await captureScrollback({ socketName: "unused" }, "%0");
      });
      expect(text).toBe("line-1\r\nline-2\r\n");
      expect(ticks).toBeGreaterThan(10);
      expect(await ticksDuring(() => listPanes({ socketName: "unused" }))).toBeGreaterThan(10);
    } finally {
      process.env.PATH = path;
    }
  }, 30_000);

  test("imported sessions belong to the caller's agent and role", async () => {
    const caller = { kind: "token", name: "ci", scopes: new Set(["exec"]), agent: "builder", role: "dev" } as Caller;
    const report = await migrateTmux(t.rt.sessions, { socketName: fx.socket }, { sessions: ["beta"] }, { caller });
    expect(report.panes.map((p) => p.status)).toEqual(["created"]);
    const info = t.rt.sessions.get("beta.0.0").info();
    expect(info.owner_agent).toBe("builder");
    expect(info.role).toBe("dev");
  }, 30_000);
});
