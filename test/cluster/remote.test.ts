/**
 * `exec NAME@NODE` and `list --all-nodes` on two ai-session servers joined to a real nats-server:
 * the other node runs the command through its own exec and its own policy; the result shape and
 * the exit codes are those of a local exec.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathsFor } from "../../server/paths.ts";
import { cli, eventually, json, startCluster, stopAll, type Node } from "./harness.ts";

const LONG = 60_000;
let alpha: Node;
let beta: Node;

type ToolAnswer = { isError?: boolean; content: Array<{ text: string }>; structuredContent: Record<string, any> };

/** An MCP client over HTTP on alpha (the owner's token) for the length of `fn`. */
async function withMcp(fn: (call: (name: string, a: Record<string, unknown>) => Promise<ToolAnswer>) => Promise<void>): Promise<void> {
  const { Client, StreamableHTTPClientTransport } = await import("@modelcontextprotocol/client");
  const token = readFileSync(pathsFor(alpha.home).token, "utf8").trim();
  const client = new Client({ name: "cluster-mcp", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${alpha.port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }));
  try {
    await fn(async (name, a) => (await client.callTool({ name, arguments: a })) as ToolAnswer);
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  [alpha, beta] = (await startCluster("alpha", "beta")).nodes as [Node, Node];
  for (const [node, ...args] of [[beta, "create", "--name", "dev"], [beta, "create", "--name", "io"], [beta, "create", "--name", "big"], [alpha, "create", "--name", "here"], [beta, "agent", "register", "qa", "--role", "qa"]] as const) {
    const r = await cli(node, ...args);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  }
  expect((await cli(beta, "create", "--name", "qa-shell", "--agent", "qa")).code).toBe(0);
}, LONG);
afterAll(stopAll, LONG);

describe("exec on another node", () => {
  test("exec dev@beta runs in beta's session: its output, the same JSON fields, state kept between calls", async () => {
    const text = await cli(alpha, "exec", "dev@beta", "cd /tmp && echo hello from beta");
    expect([text.code, text.stdout.trim()]).toEqual([0, "hello from beta"]);
    const r = await json(alpha, "exec", "dev@beta", "pwd");
    expect(r).toMatchObject({ session: "dev@beta", command: "pwd", exit_code: 0, status: "ok", output: "/tmp" });
    for (const field of ["command_id", "duration_ms", "raw_bytes", "tokens", "analysis", "completion"]) expect(r).toHaveProperty(field);
    // beta's own history has it
    const history = await json<Array<{ command: string }>>(beta, "history", "dev");
    expect(history.map((h) => h.command)).toContain("pwd");
  }, LONG);

  test("the command's exit code and a timeout (124) come back as from a local exec", async () => {
    expect((await cli(alpha, "exec", "dev@beta", "(exit 3)")).code).toBe(3);
    const slow = await cli(alpha, "exec", "dev@beta", "sleep 4.321", "--timeout", "1");
    expect(slow.code).toBe(124);
    expect(slow.stderr).toContain("still running");
  }, LONG);

  test("beta's policy refuses a denied command with exit 126, naming the rule", async () => {
    const r = await cli(alpha, "exec", "qa-shell@beta", "rm -rf /", "--agent", "qa");
    expect(r.code).toBe(126);
    expect(r.stderr).toContain("rule dirs");
    const other = await cli(alpha, "exec", "qa-shell@beta", "echo hi", "--agent", "intruder");
    expect(other.code).toBe(126);
  }, LONG);

  test("an unknown node or an unknown session on a known node is one clear sentence", async () => {
    const node = await cli(alpha, "exec", "dev@nowhere", "true");
    expect(node.code).not.toBe(0);
    expect(node.stderr.trim()).toBe('ai-session: no node named "nowhere" in cluster "ai-session" (ai-session nodes lists them)');
    const session = await cli(alpha, "exec", "ghost@beta", "true");
    expect(session.code).not.toBe(0);
    expect(session.stderr).toContain('no session named "ghost"');
    expect(session.stderr.trim().split("\n")).toHaveLength(1);
  }, LONG);

  test("a token held to kept@beta runs there, and nowhere else on beta", async () => {
    expect((await cli(beta, "create", "--name", "kept")).code).toBe(0);
    const t = await json<{ token: string }>(alpha, "token", "create", "--name", "held", "--scopes", "exec,read", "--sessions", "kept@beta");
    const run = (session: string) =>
      fetch(`http://127.0.0.1:${alpha.port}/api/sessions/${session}/exec`, { method: "POST", headers: { authorization: `Bearer ${t.token}`, "content-type": "application/json" }, body: JSON.stringify({ command: "echo held" }) });
    const ok = await run("kept@beta");
    expect([ok.status, ((await ok.json()) as { output: string }).output]).toEqual([200, "held"]);
    const other = await run("dev@beta");
    expect(other.status).toBe(403);
    expect(((await other.json()) as { error: { message: string } }).error.message).toContain('not allowed to use the session "dev@beta"');
    expect((await cli(alpha, "kill", "kept@beta")).code).toBe(0);
  }, LONG);

  test("NAME@<this node> is the local session", async () => {
    expect((await json(alpha, "exec", "here@alpha", "echo local")).output).toBe("local");
  }, LONG);
});

describe("send, read, wait and kill on another node", () => {
  test("typed text reaches beta's shell; read and read --screen show it", async () => {
    const sent = await cli(alpha, "send", "io@beta", "echo typed-$((40+2))", "--enter");
    expect([sent.code, sent.stderr]).toEqual([0, ""]);
    await eventually("the typed command's output", async () => (await json(alpha, "read", "io@beta")).output.includes("typed-42"));
    expect((await json(alpha, "read", "io@beta", "--screen")).text).toContain("typed-42");
  }, LONG);

  test("wait io@beta --command ID gives the result of a command that outlived its exec", async () => {
    const timedOut = await cli(alpha, "exec", "io@beta", "sleep 2.345; echo waited", "--timeout", "1", "--json");
    expect(timedOut.code).toBe(124);
    const slow = JSON.parse(timedOut.stdout);
    expect(slow.status).toBe("timeout");
    const r = await cli(alpha, "wait", "io@beta", "--command", String(slow.command_id), "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ session: "io@beta", status: "ok", exit_code: 0, output: "waited" });
  }, LONG);
});

describe("a prompt on another node", () => {
  test("exec ask@beta stopped at a prompt exits 125 (waiting_for_input); send answers it; wait gives the result, and send --secret is refused at the shell's own prompt", async () => {
    expect((await cli(beta, "create", "--name", "ask")).code).toBe(0);
    const asked = await cli(alpha, "exec", "ask@beta", 'read -r -p "Name: " N; echo "hi $N"', "--json");
    expect(asked.code).toBe(125);
    const id = (JSON.parse(asked.stdout) as { command_id: number; status: string }).command_id;
    expect((await cli(alpha, "send", "ask@beta", "bob", "--enter")).code).toBe(0);
    const done = await json<{ output: string; exit_code: number; session: string }>(alpha, "wait", "ask@beta", "--command", String(id));
    expect(done).toMatchObject({ session: "ask@beta", exit_code: 0, output: "Name: bob\nhi bob" });
    const { aiSessionArgv } = await import("../mcp/harness.ts");
    const proc = Bun.spawn(aiSessionArgv("send", "ask@beta", "--secret"), { env: alpha.env, stdin: new Blob(["touch /tmp/never\n"]), stdout: "pipe", stderr: "pipe" });
    const [stderr, code] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    expect([code, stderr]).toEqual([126, expect.stringContaining("shell's own prompt")]);
    expect((await cli(alpha, "kill", "ask@beta")).code).toBe(0);
  }, LONG);
});

describe("snapshot, history, context and resize on another node; answers over one NATS message", () => {
  test("a 2 MB raw exec output, the snapshot file with it, history and context of big@beta, read from alpha", async () => {
    const r = await json<{ output: string; session: string }>(alpha, "exec", "big@beta", "seq 1 300000", "--raw");
    const lines = r.output.trim().split("\n");
    expect([r.session, lines.length, lines.at(-1), r.output.length > 1024 * 1024]).toEqual(["big@beta", 300000, "300000", true]);
    const file = join(alpha.home, "big.snapshot.json");
    const snap = await json<{ id: number; name: string; commands: number; scrollback_bytes: number; file: string }>(alpha, "snapshot", "big@beta", "-o", file);
    expect(snap).toMatchObject({ name: "big", commands: 1, file });
    const doc = readFileSync(file, "utf8");
    expect([doc.length > 1024 * 1024, doc.includes("299999")]).toEqual([true, true]);
    // the snapshot is beta's: stored there
    expect((await json<Array<{ id: number; name: string }>>(beta, "snapshot", "--list", "big")).find((x) => x.id === snap.id)).toMatchObject({ name: "big" });
    const history = await json<Array<{ command: string; exit_code: number }>>(alpha, "history", "big@beta");
    expect(history.map((h) => [h.command, h.exit_code])).toEqual([["seq 1 300000", 0]]);
    expect((await json<Array<{ command: string }>>(alpha, "history", "big@beta", "--grep", "nothing-like-this"))).toEqual([]);
    const context = await json<{ text: string }>(alpha, "context", "big@beta");
    expect(context.text).toContain("seq 1 300000");
  }, LONG);

  test("resize big@beta through alpha's REST API changes beta's terminal", async () => {
    const token = readFileSync(pathsFor(alpha.home).token, "utf8").trim();
    const res = await fetch(`http://127.0.0.1:${alpha.port}/api/sessions/big@beta/resize`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ cols: 123, rows: 33 }) });
    expect([res.status, await res.json()]).toEqual([200, expect.objectContaining({ name: "big", cols: 123, rows: 33 })]);
    expect((await json<Array<{ name: string; cols: number; rows: number }>>(beta, "list")).find((x) => x.name === "big")).toMatchObject({ cols: 123, rows: 33 });
  }, LONG);
});

describe("analyze, the conversation and a session's details on another node (CLI, REST and MCP alike)", () => {
  test("analyze ana@beta from alpha is beta's own analysis; the conversation of ana@beta is kept on beta", async () => {
    expect((await cli(beta, "create", "--name", "ana")).code).toBe(0);
    const failing = "printf 'src/m.ts:3:7 - error TS2304: Cannot find name bar.\\n'; (exit 2)";
    expect((await cli(alpha, "exec", "ana@beta", failing)).code).toBe(2);
    const there = await json<{ session: string; errors: Array<{ file: string; line: number }> }>(beta, "analyze", "ana");
    const remote = await json(alpha, "analyze", "ana@beta");
    expect(remote).toEqual({ ...there, session: "ana@beta" });
    expect(there.errors).toEqual([expect.objectContaining({ file: "src/m.ts", line: 3 })]);
    expect((await cli(alpha, "analyze", "ghost@beta")).stderr).toContain('no session named "ghost"');

    const token = readFileSync(pathsFor(alpha.home).token, "utf8").trim();
    const api = (node: Node, path: string, body?: unknown) =>
      fetch(`http://127.0.0.1:${node.port}/api/sessions/${path}`, {
        method: body ? "POST" : "GET",
        headers: { authorization: `Bearer ${node === alpha ? token : readFileSync(pathsFor(beta.home).token, "utf8").trim()}`, "content-type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      });
    const added = await api(alpha, "ana@beta/conversation", { role: "user", content: "fix the missing bar" });
    expect([added.status, ((await added.json()) as { message: { content: string } }).message.content]).toEqual([201, "fix the missing bar"]);
    const onBeta = (await (await api(beta, "ana/conversation")).json()) as { messages: Array<{ content: string }> };
    expect(onBeta.messages.map((m) => m.content)).toEqual(["fix the missing bar"]);
    expect(await (await api(alpha, "ana@beta/conversation")).json()).toEqual(onBeta);
    const summarized = await api(alpha, "ana@beta/conversation/summarize", { keep_recent: 0 });
    expect(summarized.status).toBe(200);
    // a request larger than one NATS message (1 MB here): its parts go first
    const long = "é".repeat(700_000); // 1.4 MB of UTF-8
    const big = await api(alpha, "ana@beta/conversation", { role: "tool", content: long });
    // beta's answer, the message as beta stored it (in parts too, on the way back)
    const stored = (await big.json()) as { message: { role: string; content: string } };
    expect([big.status, stored.message.role, stored.message.content === long]).toEqual([201, "tool", true]);
  }, LONG);

  test("MCP over HTTP: analyze_output and kill_session take NAME@NODE", async () => {
    await withMcp(async (call) => {
      const a = await call("analyze_output", { session: "ana@beta" });
      expect([a.isError, a.content[0]!.text]).toEqual([undefined, expect.stringContaining("src/m.ts:3:7")]);
      expect(a.structuredContent).toMatchObject({ session: "ana@beta", exit_code: 2, errors_total: 1 });
      const k = await call("kill_session", { session: "ana@beta" });
      expect([k.isError, k.structuredContent]).toEqual([undefined, { session: "ana@beta", killed: true }]);
      expect((await json<Array<{ name: string }>>(beta, "list")).map((s) => s.name)).not.toContain("ana");
    });
  }, LONG);
});

describe("MCP create_session and restore on NAME@NODE", () => {
  test("a session made as made@beta runs on beta; its snapshot comes back there under a new name", async () => {
    await withMcp(async (call) => {
      const made = await call("create_session", { name: "made@beta", cwd: "/tmp" });
      expect([made.isError, made.structuredContent.name]).toEqual([undefined, "made@beta"]);
      expect((await json<Array<{ name: string }>>(beta, "list")).map((s) => s.name)).toContain("made");
      expect((await json<Array<{ name: string }>>(alpha, "list")).map((s) => s.name)).not.toContain("made");
      expect((await call("snapshot", { session: "made@beta" })).isError).toBeUndefined();
      expect((await call("kill_session", { session: "made@beta" })).isError).toBeUndefined();
      const back = await call("restore", { session: "made@beta", name: "again" });
      expect([back.isError, back.structuredContent]).toEqual([undefined, expect.objectContaining({ name: "again@beta", cwd: "/tmp" })]);
      expect((await json<Array<{ name: string }>>(beta, "list")).map((s) => s.name)).toContain("again");
      await call("kill_session", { session: "again@beta" });
    });
  }, LONG);
});

describe("CLI create and restore on NAME@NODE", () => {
  test("create --name cli@beta makes it on beta in beta's default directory; restore cli@beta --name back brings it back there", async () => {
    const made = await json<{ name: string; cwd: string }>(alpha, "create", "--name", "cli@beta");
    expect(made.name).toBe("cli@beta");
    expect((await json<Array<{ name: string }>>(beta, "list")).map((s) => s.name)).toContain("cli");
    expect((await json<Array<{ name: string }>>(alpha, "list")).map((s) => s.name)).not.toContain("cli");
    expect((await cli(alpha, "exec", "cli@beta", "cd /tmp")).code).toBe(0);
    expect((await cli(alpha, "snapshot", "cli@beta")).code).toBe(0);
    expect((await cli(alpha, "kill", "cli@beta")).code).toBe(0);
    const back = await json<{ name: string; cwd: string }>(alpha, "restore", "cli@beta", "--name", "back");
    expect([back.name, back.cwd]).toEqual(["back@beta", "/tmp"]);
    expect((await json<Array<{ name: string }>>(beta, "list")).map((s) => s.name)).toContain("back");
    expect((await cli(alpha, "kill", "back@beta")).code).toBe(0);
  }, LONG);

  test("what cannot travel to another node is refused in one sentence, and nothing is made", async () => {
    const limited = await cli(alpha, "create", "--name", "lim@beta", "--limits", "procs=50");
    expect(limited.code).not.toBe(0);
    expect(limited.stderr).toContain("limits cannot be set for a session on node beta");
    const badNew = await cli(alpha, "restore", "dev@beta", "--name", "x@alpha");
    expect(badNew.code).not.toBe(0);
    expect(badNew.stderr).toContain("its new name cannot be on node alpha");
    expect((await json<Array<{ name: string }>>(beta, "list")).map((s) => s.name)).not.toContain("lim");
    const ghost = await cli(alpha, "create", "--name", "x@gamma");
    expect(ghost.code).not.toBe(0);
    expect(ghost.stderr).toContain('no node named "gamma"');
  }, LONG);
});

describe("list --all-nodes", () => {
  test("lists the sessions of every node, each with its node; kill NAME@NODE ends one there", async () => {
    const rows = await json<Array<{ name: string; node: string; status: string }>>(alpha, "list", "--all-nodes");
    expect(rows.map((s) => `${s.name}@${s.node}`).sort()).toEqual(["big@beta", "dev@beta", "here@alpha", "io@beta", "qa-shell@beta"]);
    expect((await cli(alpha, "kill", "io@beta")).code).toBe(0);
    expect((await json<Array<{ name: string }>>(beta, "list")).map((s) => s.name).sort()).toEqual(["big", "dev", "qa-shell"]);
    // without the flag: this node's own, as before
    expect((await json<Array<{ name: string }>>(alpha, "list")).map((s) => s.name)).toEqual(["here"]);
  }, LONG);
});

describe("MCP tools on another node", () => {
  test("over HTTP (the domain backend) and over stdio (the typed client), exec, send, read_output, screen, history, get_context and snapshot take NAME@NODE", async () => {
    const { Client, StreamableHTTPClientTransport } = await import("@modelcontextprotocol/client");
    const { StdioClientTransport } = await import("@modelcontextprotocol/client/stdio");
    const { aiSessionArgv } = await import("../mcp/harness.ts");
    const token = readFileSync(pathsFor(alpha.home).token, "utf8").trim();
    const [command, ...args] = aiSessionArgv("mcp");
    const transports = [
      new StreamableHTTPClientTransport(new URL(`http://127.0.0.1:${alpha.port}/mcp`), { requestInit: { headers: { authorization: `Bearer ${token}` } } }),
      new StdioClientTransport({ command: command!, args, env: alpha.env, stderr: "pipe" }),
    ];
    for (const [i, transport] of transports.entries()) {
      // a session of its own on beta for each client: the other tests leave commands running in theirs
      expect((await cli(beta, "create", "--name", `tools${i}`)).code).toBe(0);
      const client = new Client({ name: `cluster-mcp-${i}`, version: "1" });
      await client.connect(transport);
      try {
        const call = async (name: string, a: Record<string, unknown>) => (await client.callTool({ name, arguments: a })) as { isError?: boolean; content: Array<{ text: string }>; structuredContent: Record<string, any> };
        const r = await call("exec", { session: `tools${i}@beta`, command: `echo mcp-${i}-on-beta; (exit 4)` });
        expect([r.isError, r.content[0]?.text]).toEqual([undefined, expect.any(String)]);
        expect(r.structuredContent).toMatchObject({ session: `tools${i}@beta`, status: "failed", exit_code: 4 });
        expect(r.content[0]!.text).toContain(`mcp-${i}-on-beta`);
        // beta's own history has it: it ran there
        expect((await json<Array<{ command: string }>>(beta, "history", `tools${i}`)).map((h) => h.command)).toContain(`echo mcp-${i}-on-beta; (exit 4)`);
        const sent = await call("send_input", { session: `tools${i}@beta`, text: `echo typed-${i}`, enter: true });
        expect([sent.isError, sent.content[0]?.text]).toEqual([undefined, expect.any(String)]);
        await eventually("typed text on beta's screen", async () => (await call("screen", { session: `tools${i}@beta` })).content[0]!.text.includes(`typed-${i}`));
        const page = await call("read_output", { session: `tools${i}@beta`, since: 0 });
        expect(page.isError).toBeFalsy();
        expect(page.content.map((c) => c.text).join("\n")).toContain(`mcp-${i}-on-beta`);
        const history = await call("history", { session: `tools${i}@beta` });
        expect([history.isError, history.content.map((c) => c.text).join("\n")]).toEqual([undefined, expect.stringContaining(`echo mcp-${i}-on-beta`)]);
        const context = await call("get_context", { session: `tools${i}@beta` });
        expect([context.isError, context.content[0]!.text]).toEqual([undefined, expect.stringContaining(`mcp-${i}-on-beta`)]);
        const snap = await call("snapshot", { session: `tools${i}@beta` });
        expect([snap.isError, snap.structuredContent.commands]).toEqual([undefined, 1]);
        expect((await json<Array<{ id: number }>>(beta, "snapshot", "--list", `tools${i}`)).map((x) => x.id)).toContain(snap.structuredContent.id);
        const unknown = await call("exec", { session: `tools${i}@nowhere`, command: "true" });
        expect(unknown.isError).toBe(true);
        expect(unknown.content[0]!.text).toContain('no node named "nowhere"');
      } finally {
        await client.close();
      }
    }
  }, LONG);
});
