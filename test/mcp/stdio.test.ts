import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport as StdioClientTransportV1 } from "@modelcontextprotocol/sdk/client/stdio.js";
import { aiSessionArgv, startServer, type RunningServer } from "./harness.ts";
import { call, expectOk, textOf, tourEveryTool } from "./tour.ts";

const WAIT_CAP_S = 2;
let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

function stdioParams(extraArgs: string[] = [], env: Record<string, string> = {}) {
  const [command, ...args] = aiSessionArgv("mcp", "--home", server.home, ...extraArgs);
  return {
    command: command!,
    args,
    env: { ...(process.env as Record<string, string>), AI_SESSION_HOME: server.home, AI_SESSION_MCP_WAIT: String(WAIT_CAP_S), AI_SESSION_PORT: "0", ...env },
    stderr: "pipe" as const,
  };
}

describe("MCP over stdio (ai-session mcp)", () => {
  test("the v2 client on the 2026-07-28 revision calls every tool", async () => {
    const client = new Client({ name: "test-v2", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new StdioClientTransport(stdioParams()));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      await tourEveryTool(client, "stdio-v2-modern", WAIT_CAP_S);
    } finally {
      await client.close();
    }
  }, 60_000);

  test("the v2 client on the 2025 handshake calls every tool", async () => {
    const client = new Client({ name: "test-v2-legacy", version: "1" });
    await client.connect(new StdioClientTransport(stdioParams()));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe("2025-11-25");
      await tourEveryTool(client, "stdio-v2-legacy", WAIT_CAP_S);
    } finally {
      await client.close();
    }
  }, 60_000);

  test("the v1 SDK client (2025-11-25) calls every tool", async () => {
    const client = new ClientV1({ name: "test-v1", version: "1" });
    await client.connect(new StdioClientTransportV1(stdioParams()));
    try {
      await tourEveryTool(client as never, "stdio-v1", WAIT_CAP_S);
    } finally {
      await client.close();
    }
  }, 60_000);

  test("a 10 s command sends progress notifications while it runs, then its result", async () => {
    const client = new Client({ name: "progress", version: "1" });
    await client.connect(new StdioClientTransport(stdioParams([], { AI_SESSION_MCP_WAIT: "15" })));
    try {
      await call(client, "create_session", { name: "progress" });
      const seen: Array<{ progress: number; total?: number; message?: string }> = [];
      const r = await client.callTool(
        { name: "exec", arguments: { session: "progress", command: "sleep 10; echo finished" } },
        { onprogress: (p) => seen.push(p), timeout: 60_000 },
      );
      expect((r.structuredContent as { status: string }).status).toBe("ok");
      expect(textOf(r as never)).toContain("finished");
      expect(seen.length).toBeGreaterThanOrEqual(3);
      expect(seen[0]!.message).toContain("still running");
      expect(seen[0]!.total).toBe(15);
      expect(seen.at(-1)!.progress).toBeGreaterThan(seen[0]!.progress);
      await call(client, "kill_session", { session: "progress" });
    } finally {
      await client.close();
    }
  }, 60_000);

  test("the safe tier hides kill and raw input; an agent cannot kill its own session", async () => {
    const safe = new Client({ name: "safe", version: "1" });
    await safe.connect(new StdioClientTransport(stdioParams(["--tier", "safe"])));
    const names = (await safe.listTools()).tools.map((t) => t.name);
    expect(names).toContain("exec");
    expect(names).not.toContain("kill_session");
    expect(names).not.toContain("send_input");
    expect(names).not.toContain("send_secret");
    await safe.close();

    const inside = new Client({ name: "inside", version: "1" });
    await inside.connect(new StdioClientTransport(stdioParams([], { AI_SESSION_SESSION: "home-base" })));
    try {
      await call(inside, "create_session", { name: "home-base" });
      const r = await call(inside, "kill_session", { session: "home-base" });
      expect(r.isError).toBe(true);
      expect(textOf(r)).toContain("runs in");
      const still = await call(inside, "list_sessions");
      expect(still.structuredContent.sessions.map((s: { name: string }) => s.name)).toContain("home-base");
    } finally {
      await inside.close();
    }
  }, 30_000);

  test("nothing but protocol messages reaches stdout, even for garbage and oversized input", async () => {
    const [command, ...args] = aiSessionArgv("mcp", "--home", server.home);
    const proc = Bun.spawn([command!, ...args], {
      env: { ...process.env, AI_SESSION_HOME: server.home },
      stdin: "pipe",
      stdout: "pipe",
      stderr: "pipe",
    });
    const lines = [
      "not json at all",
      '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}',
      '{"jsonrpc":"2.0","id":2,"method":"tools/list"',
      "[".repeat(50_000),
      '{"jsonrpc":"2.0","method":"notifications/initialized"}',
      '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"nope","arguments":{}}}',
      `{"jsonrpc":"2.0","id":5,"method":"tools/call","params":{"name":"exec","arguments":{"session":"x","command":"${"a".repeat(12 * 1024 * 1024)}"}}}`,
      '{"jsonrpc":"1.0","id":6,"method":"tools/list"}',
      '[{"jsonrpc":"2.0","id":7,"method":"ping"}]',
      '{"jsonrpc":"2.0","id":4,"method":"tools/list"}',
    ];
    for (const l of lines) proc.stdin.write(`${l}\n`);
    await proc.stdin.flush();
    const out: string[] = [];
    const reader = proc.stdout.getReader();
    let buf = "";
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !out.some((l) => l.includes('"id":4'))) {
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      out.push(...parts.filter(Boolean));
    }
    proc.stdin.end();
    proc.kill();
    for (const l of out) expect(JSON.parse(l).jsonrpc).toBe("2.0");
    const byId = new Map(out.map((l) => JSON.parse(l)).filter((m) => m.id !== undefined && m.id !== null).map((m) => [m.id, m]));
    expect(byId.get(1)?.result?.protocolVersion).toBe("2025-06-18");
    expect(byId.get(4)?.result?.tools?.length).toBeGreaterThan(5);
    const unknownTool = byId.get(3);
    expect(unknownTool?.error ?? unknownTool?.result?.isError).toBeTruthy();
    // a 12 MB message costs one error answer, not the connection
    expect(byId.get(5)?.error?.message).toContain("dropped");
    // not JSON: -32700 (id null); JSON that is no JSON-RPC request: -32600, with its id
    const anonymous = out.map((l) => JSON.parse(l)).filter((m) => m.id === null);
    expect(anonymous.filter((m) => m.error?.code === -32700).length).toBe(3);
    expect(byId.get(6)?.error?.code).toBe(-32600);
    expect(anonymous.some((m) => m.error?.code === -32600 && /batches/.test(m.error.message))).toBe(true);
  }, 30_000);

  test("an agent named by the environment registers itself with its configured role; without one the error names the call that fixes it", async () => {
    const auto = new Client({ name: "auto", version: "1" });
    await auto.connect(new StdioClientTransport(stdioParams([], { AI_SESSION_AGENT: "env-agent", AI_SESSION_AGENT_ROLE: "backend" })));
    try {
      const r = await call(auto, "create_session", { name: "env-agent-work" });
      expectOk(r);
      const first = await call(auto, "exec", { command: "echo registered" });
      // it ran in the agent's own default session, which results leave unnamed
      expect(first.structuredContent.session).toBeUndefined();
      const listed = await call(auto, "list_sessions", {});
      expect(listed.structuredContent.sessions.map((s: { name: string }) => s.name)).toContain("env-agent");
      expect(textOf(first)).toContain("registered");
    } finally {
      await auto.close();
    }
    for (const [tier, way] of [["standard", 'call register_agent {role: "backend"}'], ["safe", "AI_SESSION_AGENT_ROLE=ROLE"]] as const) {
      const bare = new Client({ name: `bare-${tier}`, version: "1" });
      await bare.connect(new StdioClientTransport(stdioParams(["--tier", tier], { AI_SESSION_AGENT: `unknown-${tier}` })));
      try {
        const r = await call(bare, "create_session", { name: `unknown-${tier}-work` });
        expect(r.isError).toBe(true);
        expect(textOf(r)).toContain(way);
        if (tier === "standard") {
          expect((await bare.listTools()).tools.map((t) => t.name)).toContain("register_agent");
          expectOk(await call(bare, "register_agent", { role: "backend" }));
          expectOk(await call(bare, "create_session", { name: `unknown-${tier}-work` }));
        }
      } finally {
        await bare.close();
      }
    }
  }, 60_000);

  test("two agents coordinate through MCP: register, message, tasks, shared knowledge, decisions", async () => {
    const connectAs = async (agent: string) => {
      const c = new Client({ name: agent, version: "1" });
      await c.connect(new StdioClientTransport(stdioParams(["--agent", agent, "--tools", "sessions,team"])));
      return c;
    };
    const alice = await connectAs("alice");
    const bob = await connectAs("bob");
    try {
      const names = (await alice.listTools()).tools.map((t) => t.name);
      for (const t of ["register_agent", "list_agents", "send_message", "read_inbox", "add_task", "list_tasks", "claim_task", "update_task", "share_knowledge", "get_knowledge", "record_decision"]) {
        expect(names).toContain(t);
      }
      expectOk(await call(alice, "register_agent", { role: "backend" }));
      expectOk(await call(bob, "register_agent", { role: "qa" }));
      const agents = await call(alice, "list_agents");
      expect(agents.structuredContent.agents.map((a: { name: string }) => a.name)).toEqual(expect.arrayContaining(["alice", "bob"]));

      const sent = await call(alice, "send_message", { to: "bob", type: "help_request", payload: { question: "which tests are flaky?" } });
      expect(sent.structuredContent.seq).toBeNumber();
      const inbox = await call(bob, "read_inbox", {});
      expect(inbox.structuredContent.messages[0].payload).toEqual({ question: "which tests are flaky?" });
      expect(textOf(inbox)).toContain("help_request from alice");
      expect((await call(bob, "read_inbox", {})).structuredContent.messages).toEqual([]);

      const task = await call(alice, "add_task", { title: "run the integration tests", role: "qa", priority: 5 });
      const claimed = await call(bob, "claim_task", {});
      expect(claimed.structuredContent.task.id).toBe(task.structuredContent.id);
      expectOk(await call(bob, "update_task", { id: task.structuredContent.id, percent: 50, note: "half way" }));
      const done = await call(bob, "update_task", { id: task.structuredContent.id, done: true, result: "all green" });
      expect(done.structuredContent.status).toBe("done");
      expect((await call(alice, "list_tasks", { status: "done" })).structuredContent.total).toBe(1);

      expectOk(await call(bob, "share_knowledge", { key: "tests/flaky", value: ["net.test.ts"] }));
      const known = await call(alice, "get_knowledge", { key: "tests/flaky" });
      expect(known.structuredContent.entries[0]).toMatchObject({ value: ["net.test.ts"], updated_by: "bob" });
      const stranger = await call(alice, "send_message", { to: "nobody-here", payload: "hi" });
      expect(stranger.isError).toBe(true);
      expect(textOf(stranger)).toContain("list_agents shows who is registered"); // never "register that agent"
      const stale = await call(alice, "share_knowledge", { key: "tests/flaky", value: [], expected_version: 0 });
      expect(stale.isError).toBe(true);
      expect(textOf(stale)).toMatch(/^conflict: /);

      // bob may not end (nor even see) a session alice owns; she may
      expectOk(await call(alice, "create_session", { name: "alice-work", cwd: "/tmp" }));
      const refused = await call(bob, "kill_session", { session: "alice-work" });
      expect(refused.isError).toBe(true);
      expect(textOf(refused)).toContain('belongs to agent "alice"');
      expectOk(await call(alice, "kill_session", { session: "alice-work" }));

      const decision = await call(alice, "record_decision", { what: "skip net.test.ts in CI?", options: ["skip", "fix now"], choice: "fix now", reasoning: "it guards the retry logic" });
      expect(decision.structuredContent.choice).toBe("fix now");
    } finally {
      await alice.close();
      await bob.close();
    }
  }, 60_000);
});
