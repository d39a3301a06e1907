/**
 * Live terminals across nodes, on a real nats-server and two ai-session servers: alpha's
 * WebSocket and `ai-session attach` show a session of beta live, typing and resizing reach it,
 * a refusal is one sentence, and a viewer is told when beta goes down.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { pathsFor } from "../../server/paths.ts";
import { aiSessionArgv } from "../mcp/harness.ts";
import { cli, eventually, json, startCluster, stopAll, type Node } from "./harness.ts";

const LONG = 60_000;
let alpha: Node;
let beta: Node;

beforeAll(async () => {
  [alpha, beta] = (await startCluster("alpha", "beta")).nodes as [Node, Node];
  for (const name of ["term", "tty"]) expect((await cli(beta, "create", "--name", name)).code).toBe(0);
  expect((await cli(beta, "exec", "term", "echo before-remote")).code).toBe(0);
}, LONG);
afterAll(stopAll, LONG);

/** A WebSocket viewer on alpha: text frames parsed, output decoded as it comes. */
async function viewer(name: string) {
  const token = readFileSync(pathsFor(alpha.home).token, "utf8").trim();
  const ws = new WebSocket(`ws://127.0.0.1:${alpha.port}/api/sessions/${encodeURIComponent(name)}/stream?token=${token}`);
  ws.binaryType = "arraybuffer";
  const v = { ws, events: [] as Array<Record<string, any>>, screen: "", closed: undefined as undefined | { code: number; reason: string } };
  ws.onmessage = (ev) => {
    if (typeof ev.data === "string") v.events.push(JSON.parse(ev.data));
    else v.screen += new TextDecoder().decode(ev.data as ArrayBuffer);
  };
  ws.onclose = (ev) => (v.closed = { code: ev.code, reason: ev.reason });
  await new Promise((resolve, reject) => ((ws.onopen = resolve), (ws.onerror = reject)));
  return v;
}

describe("a session of beta's, live on alpha", () => {
  test("alpha's WebSocket replays beta's scrollback, carries typing and resizing there, and leaves the session running", async () => {
    const v = await viewer("term@beta");
    await eventually("the hello and the replay", async () => v.events.length > 0 && v.screen.includes("before-remote"));
    expect(v.events[0]).toMatchObject({ type: "hello", session: "term", writable: true });
    v.ws.send(JSON.stringify({ type: "input", data: "echo typed-$((40+2))\r" }));
    await eventually("typed output", async () => v.screen.includes("typed-42"));
    v.ws.send(JSON.stringify({ type: "resize", cols: 111, rows: 31 }));
    await eventually("beta's terminal resized", async () => (await json<Array<{ name: string; cols: number }>>(beta, "list")).find((s) => s.name === "term")?.cols === 111);
    v.ws.close();
    expect((await json(beta, "exec", "term", "echo still-here")).output).toBe("still-here");
  }, LONG);

  test("an unknown session or node on the stream is one error frame and close code 4000, as locally", async () => {
    for (const [name, text] of [["ghost@beta", 'no session named "ghost"'], ["x@nowhere", 'no node named "nowhere"']] as const) {
      const v = await viewer(name);
      await eventually(`${name} closed`, async () => v.closed);
      expect([v.closed!.code, v.events.map((e) => e.type)]).toEqual([4000, ["error"]]);
      expect(v.events[0]!.message).toContain(text);
    }
  }, LONG);

  test("ai-session attach tty@beta in a real terminal: typing reaches beta, Ctrl-] detaches; when beta dies the viewer is told", async () => {
    let screen = "";
    const attach = () => Bun.spawn(aiSessionArgv("attach", "tty@beta"), { env: alpha.env, terminal: { cols: 100, rows: 30, data: (_t, d) => (screen += new TextDecoder().decode(d)) } });
    const p = attach();
    await eventually("attached", async () => screen.length > 0);
    p.terminal!.write("echo typed-$((6*7))-on-beta\r");
    await eventually("typed on beta", async () => screen.includes("typed-42-on-beta"));
    expect((await json<{ output: string }>(beta, "read", "tty")).output).toContain("typed-42-on-beta");
    p.terminal!.write("\x1d");
    expect(await p.exited).toBe(0);
    expect(screen).toContain("detached from tty@beta");
    // attached again, then beta is killed: the viewer hears its node went down
    screen = "";
    const q = attach();
    await eventually("attached again", async () => screen.includes("typed-42-on-beta"));
    await beta.stop("SIGKILL");
    expect(await q.exited).toBe(0);
    expect(screen).toContain('node "beta" is down');
  }, LONG);
});
