/**
 * Agents see only what is theirs. Agent qa1 works in a session of its own; agent qa2, of the same
 * role (whose policy says `sessions: own`), tries every way to read it: REST, the terminal
 * WebSocket, MCP over HTTP and over stdio, and the CLI. Each content-bearing route refuses it, every
 * list leaves the session out, and the session's output never reaches qa2. qa1 itself, and an agent
 * whose role sees all sessions (devops), read it as before.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { aiSessionArgv } from "../mcp/harness.ts";
import { call, textOf } from "../mcp/tour.ts";
import { cli } from "../persist/cli-harness.ts";
import { openSocket, rawUpgrade, securityServer, until, type SecurityServer } from "./harness.ts";

let s: SecurityServer;
let qa1 = "";
let qa2 = "";
let ops = "";
let commandId = 0;
const SESSION = "qa1-work";
/** What qa1's command printed: it must never reach qa2. */
const PRIVATE = "qa1-private-42";
const out = mkdtempSync(join(tmpdir(), "ais-isolation-out-"));

beforeAll(async () => {
  s = await securityServer("ais-isolation-");
  for (const [name, role] of [["qa1", "qa"], ["qa2", "qa"], ["ops", "devops"]]) {
    expect((await s.call("POST", "/api/agents", { name, role, workspace: s.shellHome })).status).toBe(201);
  }
  qa1 = s.token("qa1-token", { agent: "qa1" });
  qa2 = s.token("qa2-token", { agent: "qa2" });
  ops = s.token("ops-token", { agent: "ops" });
  const shell = { shell: "/bin/bash", cwd: s.shellHome, env: { HOME: s.shellHome } };
  expect((await s.call("POST", "/api/sessions", { name: SESSION, ...shell }, { token: qa1 })).status).toBe(201);
  expect((await s.call("POST", "/api/sessions", { name: "qa2-work", ...shell }, { token: qa2 })).status).toBe(201);
  const r = await s.call("POST", `/api/sessions/${SESSION}/exec`, { command: "echo qa1-private-$((6*7))" }, { token: qa1 });
  expect(r.json.output).toContain(PRIVATE);
  commandId = r.json.command_id;
  expect((await s.call("POST", `/api/sessions/${SESSION}/conversation`, { role: "user", content: `remember ${PRIVATE}` }, { token: qa1 })).status).toBe(201);
  expect((await s.call("POST", `/api/sessions/${SESSION}/snapshot`, {}, { token: qa1 })).status).toBe(200);
  expect((await s.call("POST", "/api/trace/decisions", { what: "ship?", choice: "yes", session: SESSION }, { token: qa1 })).status).toBe(201);
}, 60_000);
afterAll(async () => {
  await s?.stop();
  rmSync(out, { recursive: true, force: true });
});

/** Every route that reads the session's content, as (method, path, body). */
const CONTENT: Array<[string, string, unknown?]> = [
  ["GET", `/api/sessions/${SESSION}`],
  ["GET", `/api/sessions/${SESSION}/read?since=0`],
  ["GET", `/api/sessions/${SESSION}/screen`],
  ["GET", `/api/sessions/${SESSION}/history`],
  ["GET", `/api/sessions/${SESSION}/commands/COMMAND`],
  ["GET", `/api/sessions/${SESSION}/commands/COMMAND?lines=1-5`],
  ["GET", `/api/sessions/${SESSION}/analysis`],
  ["GET", `/api/sessions/${SESSION}/context`],
  ["GET", `/api/sessions/${SESSION}/conversation`],
  ["POST", `/api/sessions/${SESSION}/snapshot`, { document: true }],
  ["POST", `/api/sessions/${SESSION}/wait`, { pattern: "qa1", timeout_ms: 200 }],
  ["GET", `/api/snapshots?name=${SESSION}`],
  ["GET", `/api/trace?session=${SESSION}`],
  ["GET", `/api/trace/decisions?session=${SESSION}`],
];
const withId = (p: string) => p.replace("COMMAND", String(commandId));
const OWNED = `belongs to agent "qa1"`;

describe("REST", () => {
  test("every route that reads the session refuses the other agent, and says whose it is", async () => {
    for (const [method, path, body] of CONTENT) {
      const r = await s.call(method, withId(path), body, { token: qa2 });
      expect([method, path, r.status]).toEqual([method, path, 403]);
      expect(r.json.error.message).toContain(OWNED);
      expect(JSON.stringify(r.json)).not.toContain(PRIVATE);
    }
  });

  test("the owner agent, and an agent whose role sees every session, still read it", async () => {
    for (const token of [qa1, ops]) {
      for (const [method, path, body] of CONTENT) {
        const r = await s.call(method, withId(path), body, { token });
        expect([method, path, r.status]).toEqual([method, path, 200]);
      }
      expect((await s.call("GET", `/api/sessions/${SESSION}/read?since=0`, undefined, { token })).json.output).toContain(PRIVATE);
    }
  });

  test("lists leave out what is not the agent's: sessions, snapshots, statuses, decisions, spans", async () => {
    const names = (await s.call("GET", "/api/sessions", undefined, { token: qa2 })).json.map((x: { name: string }) => x.name);
    expect(names).toContain("qa2-work");
    expect(names).not.toContain(SESSION);
    const snaps = (await s.call("GET", "/api/snapshots", undefined, { token: qa2 })).json as Array<{ name: string }>;
    expect(snaps.some((x) => x.name === SESSION)).toBe(false);
    const statuses = (await s.call("GET", "/api/agent-status", undefined, { token: qa2 })).json as Array<{ session: string }>;
    expect(statuses.some((x) => x.session === SESSION)).toBe(false);
    const trace = (await s.call("GET", "/api/trace", undefined, { token: qa2 })).json;
    expect(JSON.stringify(trace)).not.toContain(SESSION);
    const decisions = (await s.call("GET", "/api/trace/decisions", undefined, { token: qa2 })).json as Array<{ session: string | null }>;
    expect(decisions.some((d) => d.session === SESSION)).toBe(false);
    // the owner sees all of it
    expect((await s.call("GET", "/api/sessions")).json.map((x: { name: string }) => x.name)).toContain(SESSION);
    expect(((await s.call("GET", "/api/snapshots")).json as Array<{ name: string }>).some((x) => x.name === SESSION)).toBe(true);
    expect(((await s.call("GET", "/api/sessions", undefined, { token: ops })).json as Array<{ name: string }>).map((x) => x.name)).toContain(SESSION);
  });

  test("the live event feed carries the other agent's commands to no one but those who may see them", async () => {
    const follow = async (token: string) => {
      const res = await fetch(`${s.base}/api/events`, { headers: { authorization: `Bearer ${token}` } });
      const reader = res.body!.getReader();
      const events: any[] = [];
      let buffer = "";
      void (async () => {
        for (;;) {
          const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
          if (done) return;
          buffer += new TextDecoder().decode(value);
          for (let i = buffer.indexOf("\n\n"); i >= 0; i = buffer.indexOf("\n\n")) {
            const data = buffer.slice(0, i).split("\n").find((l) => l.startsWith("data:"));
            buffer = buffer.slice(i + 2);
            if (data) events.push(JSON.parse(data.slice(5)));
          }
        }
      })();
      await until("hello", () => events.some((e) => e.type === "hello"));
      return { events, stop: () => reader.cancel() };
    };
    const asQa2 = await follow(qa2);
    const asOps = await follow(ops);
    await s.call("POST", `/api/sessions/${SESSION}/exec`, { command: "echo again" }, { token: qa1 });
    await s.call("POST", "/api/sessions/qa2-work/exec", { command: "echo mine" }, { token: qa2 });
    // events arrive in order: once qa2's own command ended, qa1's (earlier) would have come
    await until("qa2's own command", () => asQa2.events.some((e) => e.type === "command:end" && e.session === "qa2-work"));
    await until("ops sees qa1's command", () => asOps.events.some((e) => e.type === "command:end" && e.session === SESSION));
    expect(asQa2.events.some((e) => e.session === SESSION)).toBe(false);
    await asQa2.stop();
    await asOps.stop();
  });
});

describe("the terminal WebSocket", () => {
  test("the other agent cannot open the session's live terminal; its owner can", async () => {
    const refused = await rawUpgrade(s.port, `/api/sessions/${SESSION}/stream`, { Authorization: `Bearer ${qa2}` });
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body).error.message).toContain(OWNED);
    const encoded = await rawUpgrade(s.port, `/api/%73essions/${SESSION}/stream`, { Authorization: `Bearer ${qa2}` });
    expect(encoded.status).toBe(403);
    const mine = await openSocket(`ws://127.0.0.1:${s.port}/api/sessions/${SESSION}/stream`, { authorization: `Bearer ${qa1}` }, (f) => f.type === "hello");
    expect(mine.frames[0]).toMatchObject({ type: "hello", session: SESSION });
    mine.ws.close();
  });
});

describe("MCP", () => {
  const READ_TOOLS: Array<[string, Record<string, unknown>]> = [
    ["read_output", { session: SESSION, since: 0 }],
    ["screen", { session: SESSION }],
    ["get_context", { session: SESSION }],
    ["analyze_output", { session: SESSION }],
    ["history", { session: SESSION }],
    ["snapshot", { session: SESSION }],
    ["wait", { session: SESSION, pattern: "qa1", timeout_seconds: 1 }],
  ];

  async function refusesEveryRead(client: Client): Promise<void> {
    for (const [tool, args] of READ_TOOLS) {
      const r = await call(client, tool, args);
      expect([tool, r.isError]).toEqual([tool, true]);
      expect([tool, textOf(r).includes(OWNED)]).toEqual([tool, true]);
      expect(textOf(r)).not.toContain(PRIVATE);
    }
    const listed = await call(client, "list_sessions");
    expect(JSON.stringify(listed.structuredContent)).not.toContain(SESSION);
  }

  test("over HTTP, with the other agent's token: every reading tool refused, the session not listed", async () => {
    const client = new Client({ name: "qa2-http", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${qa2}` } } }));
    try {
      await refusesEveryRead(client);
    } finally {
      await client.close();
    }
    const owner = new Client({ name: "qa1-http", version: "1" });
    await owner.connect(new StreamableHTTPClientTransport(new URL(`${s.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${qa1}` } } }));
    try {
      expect(textOf(await call(owner, "read_output", { session: SESSION, since: 0 }))).toContain(PRIVATE);
    } finally {
      await owner.close();
    }
  }, 60_000);

  test("over stdio, as the other agent (AI_SESSION_AGENT): the same", async () => {
    const [command, ...args] = aiSessionArgv("mcp", "--home", s.home);
    const client = new Client({ name: "qa2-stdio", version: "1" });
    await client.connect(
      new StdioClientTransport({ command: command!, args, env: { ...(process.env as Record<string, string>), AI_SESSION_HOME: s.home, AI_SESSION_AGENT: "qa2" }, stderr: "pipe" }),
    );
    try {
      await refusesEveryRead(client);
    } finally {
      await client.close();
    }
  }, 60_000);
});

describe("the CLI", () => {
  test("`--agent qa2` cannot snapshot, read, list or look into qa1's session; `--agent qa1` can", async () => {
    const file = join(out, "stolen.json");
    const as = (agent: string, ...args: string[]) => cli(s.home, [...args, "--agent", agent]);
    for (const args of [["snapshot", SESSION, "-o", file], ["read", SESSION, "--since", "0"], ["read", SESSION, "--screen"], ["history", SESSION], ["context", SESSION], ["analyze", SESSION]]) {
      const r = await as("qa2", ...args);
      expect([args.join(" "), r.code]).toEqual([args.join(" "), 126]);
      expect(r.stderr).toContain(OWNED);
      expect(r.stdout + r.stderr).not.toContain(PRIVATE);
    }
    expect(existsSync(file)).toBe(false);
    const list = JSON.parse((await as("qa2", "list", "--json")).stdout) as Array<{ name: string }>;
    expect(list.map((x) => x.name)).not.toContain(SESSION);
    const mine = await as("qa1", "read", SESSION, "--since", "0");
    expect(mine.code).toBe(0);
    expect(mine.stdout).toContain(PRIVATE);
    expect((await as("qa1", "snapshot", SESSION, "-o", join(out, "mine.json"))).code).toBe(0);
  }, 60_000);

  test("once the session has ended, its history and snapshots stay qa1's", async () => {
    expect((await s.call("DELETE", `/api/sessions/${SESSION}`, undefined, { token: qa1 })).status).toBe(200);
    const history = await s.call("GET", `/api/sessions/${SESSION}/history`, undefined, { token: qa2 });
    expect(history.status).toBe(403);
    expect(history.json.error.message).toContain(OWNED);
    expect((await s.call("GET", `/api/sessions/${SESSION}/commands/${commandId}`, undefined, { token: qa2 })).status).toBe(403);
    expect((await s.call("POST", "/api/restore", { name: SESSION }, { token: qa2 })).status).toBe(403);
    expect((await s.call("GET", `/api/sessions/${SESSION}/history`, undefined, { token: qa1 })).status).toBe(200);
  });
});
