import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { memoryStateRoot } from "../../server/session/memory-state.ts";
import { stateFileOf } from "../../server/session/shell-integration.ts";
import { crashServer, freshHome, ok, stopServer } from "./cli-harness.ts";

const gone = freshHome("ais-shm-gone-");
const again = freshHome("ais-shm-again-");
const live = freshHome("ais-shm-live-");
afterAll(async () => {
  for (const h of [gone, again, live]) await stopServer(h);
  rmSync(gone, { recursive: true, force: true });
}, 30_000);

/** Creates a bash session and returns the state file its shell keeps its environment in. */
async function sessionStateFile(home: string): Promise<string> {
  const { id } = JSON.parse(await ok(home, ["create", "--name", "s", "--shell", "/bin/bash", "--json"])) as { id: string };
  await ok(home, ["exec", "s", "export MARK=1"]);
  return stateFileOf(id, join(home, "shell", id));
}

describe.if(memoryStateRoot() !== null)("state files in /dev/shm after a SIGKILL", () => {
  test("go at the next server start, even when the crashed server's data directory was deleted, and a live server's stay", async () => {
    const goneFile = await sessionStateFile(gone);
    const againFile = await sessionStateFile(again);
    const liveFile = await sessionStateFile(live);
    for (const f of [goneFile, againFile, liveFile]) {
      expect(f.startsWith("/dev/shm/")).toBe(true);
      expect(existsSync(f)).toBe(true);
    }
    await crashServer(gone);
    await crashServer(again);
    rmSync(gone, { recursive: true, force: true });
    // the crash alone leaves them behind
    expect(existsSync(goneFile)).toBe(true);
    expect(existsSync(againFile)).toBe(true);

    // the next start of the other data directory's server sweeps its own and the deleted one's
    await ok(again, ["list"]);
    expect(existsSync(againFile)).toBe(false);
    expect(existsSync(goneFile)).toBe(false);
    expect(existsSync(join(goneFile, ".."))).toBe(false);
    // a server that runs keeps its shell's file
    expect(existsSync(liveFile)).toBe(true);
    expect(await ok(live, ["exec", "s", "echo $MARK"])).toContain("1");
    // and a clean stop leaves nothing there
    await stopServer(live);
    expect(existsSync(join(liveFile, ".."))).toBe(false);
  }, 60_000);
});
