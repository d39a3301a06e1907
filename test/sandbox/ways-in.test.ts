// Every way into a role session reaches the same sandboxed shell: a real server over real HTTP,
// the official MCP SDK client, the terminal WebSocket the dashboard uses, and a restore from a
// snapshot. From inside, the server's Unix socket and TCP port answer nothing without the token.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openSocket, securityServer, until, type SecurityServer } from "../security/harness.ts";
import { call, expectOk, textOf } from "../mcp/tour.ts";
import { SYSTEM_PATH } from "./harness.ts";

let s: SecurityServer;
let agentToken: string;
let ws: string;
let outside: string;
let n = 0;

beforeAll(async () => {
  s = await securityServer("ais-sandbox-ways-");
  ws = join(s.shellHome, "ws");
  outside = join(s.shellHome, "outside");
  mkdirSync(ws);
  mkdirSync(outside);
  expect((await s.call("POST", "/api/agents", { name: "qa1", role: "qa", workspace: ws })).status).toBe(201);
  agentToken = s.token("qa1-token", { agent: "qa1" });
});
afterAll(() => s?.stop());

/** What a session's shell needs here: bash, the system's programs, an empty HOME. */
const shell = () => ({ shell: "/bin/bash", cwd: ws, env: { HOME: s.shellHome, PATH: SYSTEM_PATH } });

/** A fresh canary outside the workspace, and the command that tries to delete it past the policy. */
function canary() {
  const path = join(outside, `canary${n++}`);
  writeFileSync(path, "canary\n");
  return { path, attempt: `X=${path}; rm -f $X`, alive: () => existsSync(path) && readFileSync(path, "utf8") === "canary\n" };
}

async function sandboxOf(name: string) {
  const r = await s.call("GET", `/api/sessions/${name}`);
  expect(r.status).toBe(200);
  return r.json.sandbox as { kind: string; abi?: number; roles?: string[]; write?: string[] };
}

describe("REST", () => {
  test("a session an agent's token creates is sandboxed; an escape through exec leaves the canary and says sandbox_denied", async () => {
    const made = await s.call("POST", "/api/sessions", { name: "rest", ...shell() }, { token: agentToken });
    expect(made.status).toBe(201);
    expect(made.json.sandbox).toMatchObject({ kind: "landlock", roles: ["qa"] });
    expect(made.json.sandbox.write[0]).toBe(ws);
    const c = canary();
    const r = await s.call("POST", "/api/sessions/rest/exec", { command: c.attempt }, { token: agentToken });
    expect(r.status).toBe(200);
    expect(r.json.output).toContain("Permission denied");
    expect(r.json.analysis.sandbox_denied.path).toBe(c.path);
    expect(c.alive()).toBe(true);
  });
});

describe("MCP (the official SDK client over /mcp)", () => {
  let client: Client;
  beforeAll(async () => {
    client = new Client({ name: "sandbox-ways", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${s.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${agentToken}` } } }));
  });
  afterAll(() => client?.close());

  test("create_session makes a sandboxed shell; exec cannot get past it, and its analysis says so", async () => {
    expectOk(await call(client, "create_session", { name: "mcp", ...shell() }));
    expect(await sandboxOf("mcp")).toMatchObject({ kind: "landlock", roles: ["qa"] });
    const c = canary();
    const r = await call(client, "exec", { session: "mcp", command: c.attempt });
    expectOk(r);
    expect(textOf(r)).toContain("Permission denied");
    expect(r.structuredContent.analysis.sandbox_denied.path).toBe(c.path);
    expect(c.alive()).toBe(true);
  });

  test("send_secret at the shell's own prompt is refused and nothing is typed", async () => {
    const r = await call(client, "send_secret", { session: "mcp", secret: `touch ${ws}/secret-ran` });
    expect(r.isError).toBe(true);
    expect(textOf(r)).toContain("shell's own prompt");
    const after = await call(client, "exec", { session: "mcp", command: "echo still-here" });
    expect(textOf(after)).toContain("still-here");
    expect(existsSync(join(ws, "secret-ran"))).toBe(false);
  });
});

describe("the terminal WebSocket (the dashboard's live terminal)", () => {
  test("keys the owner types into an agent's session run in its sandbox", async () => {
    expect((await s.call("POST", "/api/sessions", { name: "term", ...shell() }, { token: agentToken })).status).toBe(201);
    const term = await openSocket(`ws://127.0.0.1:${s.port}/api/sessions/term/stream`, { authorization: `Bearer ${s.owner}` }, (f) => f.type === "hello");
    try {
      expect(term.frames[0]).toMatchObject({ type: "hello", writable: true });
      const c = canary();
      const done = join(ws, "typed-done");
      term.ws.send(JSON.stringify({ type: "input", data: `${c.attempt}; touch ${done}\r` }));
      await until("the typed line to run", () => existsSync(done));
      expect(c.alive()).toBe(true);
    } finally {
      term.ws.close();
    }
  });
});

describe("restore", () => {
  test("a role session restored from its snapshot is sandboxed again", async () => {
    expect((await s.call("POST", "/api/sessions", { name: "again", ...shell() }, { token: agentToken })).status).toBe(201);
    expect((await s.call("POST", "/api/sessions/again/snapshot", {})).status).toBe(200);
    expect((await s.call("DELETE", "/api/sessions/again")).status).toBe(200);
    const restored = await s.call("POST", "/api/restore", { name: "again" });
    expect(restored.status).toBe(200);
    expect(await sandboxOf("again")).toMatchObject({ kind: "landlock", roles: ["qa"] });
    const c = canary();
    const r = await s.call("POST", "/api/sessions/again/exec", { command: c.attempt }, { token: agentToken });
    expect(r.json.analysis.sandbox_denied.path).toBe(c.path);
    expect(c.alive()).toBe(true);
  });
});

describe("the server, seen from inside the sandbox", () => {
  test("its Unix socket and its TCP port answer 401 to a request without the token, which the shell cannot read", async () => {
    writeFileSync(
      join(ws, "ask.py"),
      [
        "import socket, sys",
        "def ask(sock):",
        '    sock.sendall(b"GET /api/sessions HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n")',
        '    print(sock.recv(200).split(b"\\r\\n")[0].decode())',
        "u = socket.socket(socket.AF_UNIX)",
        "u.connect(sys.argv[1])",
        "ask(u)",
        'ask(socket.create_connection(("127.0.0.1", int(sys.argv[2]))))',
        "try:",
        "    open(sys.argv[3]).read()",
        "except OSError as e:",
        '    print("token:", e.strerror)',
      ].join("\n"),
    );
    const { socket, token } = s.server.rt.paths;
    const r = await s.call("POST", "/api/sessions/rest/exec", { command: `S=${socket} T=${token}; python3 ask.py $S ${s.port} $T`, mode: "raw" }, { token: agentToken });
    expect(r.status).toBe(200);
    expect(r.json.output.match(/HTTP\/1\.1 401/g)).toHaveLength(2);
    expect(r.json.output).toContain("token: Permission denied");
    expect(r.json.output).not.toContain(s.owner);
  });
});
