import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../../server/main.ts";
import { execCommand } from "../../server/session/operations.ts";
import { ownerCaller } from "../../server/security/auth.ts";

const home = mkdtempSync(join(tmpdir(), "ais-stream-"));
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ home, port: 0, host: "127.0.0.1", noToken: false, restore: false });
});
afterAll(async () => {
  await server.stop();
  rmSync(home, { recursive: true, force: true });
});

/** Everything a terminal viewer receives until `until` shows up (or 5 s pass). */
async function watch(name: string, act: () => Promise<unknown>, until: string): Promise<string> {
  const { port, ownerToken } = server.rt;
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/sessions/${name}/stream?token=${ownerToken}`);
  ws.binaryType = "arraybuffer";
  let seen = "";
  ws.onmessage = (ev) => {
    if (typeof ev.data !== "string") seen += new TextDecoder().decode(ev.data as ArrayBuffer);
  };
  await new Promise((r) => (ws.onopen = r));
  await act();
  for (let i = 0; i < 100 && !seen.includes(until); i++) await Bun.sleep(50);
  ws.close();
  return seen;
}

test("the live terminal stream carries output, with known secret shapes redacted", async () => {
  await server.rt.sessions.create({ name: "leak", cwd: "/" });
  const token = "ghp_" + "0123456789abcdefghijABCDEFGHIJ012345";
  const seen = await watch("leak", () => execCommand(server.rt, ownerCaller(), "leak", { command: `printf 'token: %s\\ndone-marker\\n' ${token}` }), "done-marker");
  expect(seen).toContain("done-marker");
  expect(seen).not.toContain(token);
  expect(seen).toContain("[redacted");
  // a viewer that joins later gets the replayed scrollback, redacted too
  const replay = await watch("leak", async () => {}, "done-marker");
  expect(replay).toContain("done-marker");
  expect(replay).not.toContain(token);
});
