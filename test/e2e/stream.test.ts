import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../../server/main.ts";
import { execCommand } from "../../server/session/operations.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { StreamRedactor } from "../../server/security/stream-redact.ts";

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

describe("a secret split across two reads of the terminal", () => {
  const token = "ghp_" + "0123456789abcdefghijABCDEFGHIJ012345";
  function collect(opts?: { holdMs?: number; keyHoldMs?: number }) {
    const out: string[] = [];
    const r = new StreamRedactor((b) => out.push(Buffer.from(b).toString("latin1")), opts);
    const push = (s: string) => r.push(Buffer.from(s, "latin1"));
    return { r, push, text: () => out.join(""), sends: out };
  }

  test("is redacted when its halves arrive one after the other", () => {
    for (const cut of [1, 3, 4, 10, token.length - 1]) {
      const c = collect();
      c.push(`export T=x; echo ok\r\ntoken: ${token.slice(0, cut)}`);
      c.push(`${token.slice(cut)}\r\n$ `);
      c.r.flush();
      expect(c.text()).not.toContain(token);
      expect(c.text()).toBe("export T=x; echo ok\r\ntoken: [redacted:github-token]\r\n$ ");
    }
  });

  test("text that cannot begin a secret goes out at once; a held tail goes out after a moment of quiet", async () => {
    const c = collect({ holdMs: 20 });
    c.push("make: done\r\n$ ");
    expect(c.text()).toBe("make: done\r\n$ "); // nothing held: the viewer sees it now
    c.push("echo gh");
    expect(c.text()).toBe("make: done\r\n$ echo "); // "gh" may begin a GitHub token
    await Bun.sleep(60);
    expect(c.text()).toBe("make: done\r\n$ echo gh");
  });

  test("a private key printed in pieces is held whole and redacted", () => {
    const key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAAAAAABAAAAMwAAAAtzc2gtZWQy\n-----END OPENSSH PRIVATE KEY-----\n";
    const c = collect();
    c.push("$ cat id\r\n-----BEGIN OPENSSH PRI");
    c.push(key.slice("-----BEGIN OPENSSH PRI".length, 60));
    c.push(key.slice(60));
    c.r.flush();
    expect(c.text()).toBe("$ cat id\r\n[redacted:private-key]\n");
  });

  test("a long line without any secret shape is never held", () => {
    const c = collect();
    const line = "x".repeat(5000);
    c.push(line);
    expect(c.text()).toBe(line);
  });
});
