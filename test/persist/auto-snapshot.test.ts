import { afterAll, describe, expect, test } from "bun:test";
import { listSnapshots } from "../../server/persist/snapshot.ts";
import { bash, startRuntime, type TestRuntime } from "./runtime-fixture.ts";

let t: TestRuntime;
afterAll(async () => {
  delete process.env.AI_SESSION_SNAPSHOT_INTERVAL;
  await t?.close();
}, 30_000);

describe("automatic snapshots", () => {
  test("taken when a session starts, after commands, and every N seconds while output flows", async () => {
    process.env.AI_SESSION_SNAPSHOT_INTERVAL = "1";
    t = startRuntime();
    const s = await t.rt.sessions.create({ name: "auto", shell: bash });
    await Bun.sleep(300);
    expect(listSnapshots(t.rt.db, "auto").map((r) => r.reason)).toEqual(["command"]);

    await s.commands.exec("export STAGE=after-command", { timeoutMs: 10_000 });
    await Bun.sleep(1300);
    // Output without any command ending (a program printing on its own): the interval catches it.
    s.writeRaw("for i in 1 2 3 4 5 6 7 8; do echo tick-$i; sleep 0.3; done\r");
    await Bun.sleep(3000);
    const reasons = listSnapshots(t.rt.db, "auto").map((r) => r.reason);
    expect(reasons).toContain("interval");
    // Only the newest few automatic snapshots are kept.
    expect(reasons.length).toBeLessThanOrEqual(3);
  }, 30_000);
});
