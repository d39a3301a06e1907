import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crashServer, freshHome, ok, stopServer } from "./cli-harness.ts";

const home = freshHome("ais-failed-restore-");
afterAll(() => stopServer(home), 30_000);

/** A bash whose start fails (exit 3 at once) while `fail` exists beside it, as a shell that cannot start under load. */
function flakyBash(): { shell: string; fail: string } {
  const dir = join(home, "flaky");
  mkdirSync(dir, { recursive: true });
  const shell = join(dir, "bash");
  const fail = join(dir, "fail");
  writeFileSync(shell, `#!/bin/sh\n[ -e '${fail}' ] && exit 3\nexec /bin/bash "$@"\n`);
  chmodSync(shell, 0o755);
  return { shell, fail };
}

type Restored = { name: string; notes: string[] };
const restoreAll = async (): Promise<Restored[]> => JSON.parse(await ok(home, ["restore", "--all", "--json"]));

describe("restore --all after a restore that failed", () => {
  test("the session whose restore failed is brought back by the next restore --all", async () => {
    const { shell, fail } = flakyBash();
    await ok(home, ["create", "--name", "work", "--shell", "/bin/bash"]);
    await ok(home, ["create", "--name", "flood", "--shell", shell]);
    await ok(home, ["snapshot", "work"]);
    await ok(home, ["snapshot", "flood"]);
    await crashServer(home);

    // The flood session's shell cannot start this time: its restore fails, the other one's does not.
    writeFileSync(fail, "");
    const first = await restoreAll();
    expect(first.find((r) => r.name === "work")?.notes).toEqual([]);
    expect(first.find((r) => r.name === "flood")?.notes.join(" ")).toContain("not restored");

    // A failed start is not a session that ended by choice: after the next crash both come back.
    rmSync(fail);
    await crashServer(home);
    const second = await restoreAll();
    expect(second.map((r) => r.name).sort()).toEqual(["flood", "work"]);
    expect(second.flatMap((r) => r.notes)).toEqual([]);
    const list = JSON.parse(await ok(home, ["list", "--json"])) as { name: string }[];
    expect(list.map((s) => s.name).sort()).toEqual(["flood", "work"]);
  }, 60_000);
});
