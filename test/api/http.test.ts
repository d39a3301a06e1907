import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../mcp/harness.ts";

/**
 * The REST API over TCP as an outside program sees it: every route answers a good request with
 * 2xx JSON and a bad one with 4xx `{error:{code,message}}`; tokens and scopes decide who may call
 * what; foreign Hosts and Origins are refused.
 */
let server: RunningServer;

type Res = { status: number; json: any };
async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}, token = server.token): Promise<Res> {
  const res = await fetch(server.base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

function expectError(r: Res, status: number, code?: string) {
  expect(r.status).toBe(status);
  expect(r.json.error.code).toBeString();
  if (code) expect(r.json.error.code).toBe(code);
  expect(r.json.error.message.length).toBeGreaterThan(10);
}

beforeAll(async () => {
  server = await startServer();
  expect((await call("POST", "/api/sessions", { name: "web", cols: 120, rows: 30 })).status).toBe(201);
  expect((await call("POST", "/api/sessions/web/exec", { command: "echo hello-web" })).status).toBe(200);
});
afterAll(async () => {
  await server?.stop();
});

interface Case {
  name: string;
  good: [string, string, unknown?];
  bad: [string, string, unknown?];
  badStatus: number;
  check?: (json: any) => void;
}

// A good and a bad request for every route a program uses. Ordered: later cases use what earlier made.
const CASES: Case[] = [
  { name: "status", good: ["GET", "/api/status"], bad: ["GET", "/api/statuss"], badStatus: 404, check: (j) => expect(j.running).toBe(true) },
  { name: "list sessions", good: ["GET", "/api/sessions"], bad: ["GET", "/api/sessions/nope"], badStatus: 404, check: (j) => expect(j.map((s: any) => s.name)).toContain("web") },
  { name: "create a session", good: ["POST", "/api/sessions", { name: "second" }], bad: ["POST", "/api/sessions", { name: "no spaces allowed" }], badStatus: 400 },
  { name: "a taken name", good: ["GET", "/api/sessions/second"], bad: ["POST", "/api/sessions", { name: "web" }], badStatus: 409 },
  { name: "exec", good: ["POST", "/api/sessions/web/exec", { command: "false" }], bad: ["POST", "/api/sessions/web/exec", { cmd: "ls" }], badStatus: 400, check: (j) => expect(j.exit_code).toBe(1) },
  { name: "wait", good: ["POST", "/api/sessions/web/wait", { pattern: "hello-web", timeout_ms: 2000 }], bad: ["POST", "/api/sessions/web/wait", { timeout_ms: -1 }], badStatus: 400 },
  { name: "send", good: ["POST", "/api/sessions/web/send", { text: "echo typed", enter: true }], bad: ["POST", "/api/sessions/web/send", {}], badStatus: 400 },
  { name: "read", good: ["GET", "/api/sessions/web/read?since=0"], bad: ["GET", "/api/sessions/web/read?since=abc"], badStatus: 400, check: (j) => expect(j.output).toContain("hello-web") },
  { name: "screen", good: ["GET", "/api/sessions/web/screen"], bad: ["GET", "/api/sessions/nope/screen"], badStatus: 404, check: (j) => expect(j.cols).toBe(120) },
  { name: "resize", good: ["POST", "/api/sessions/web/resize", { cols: 120, rows: 30 }], bad: ["POST", "/api/sessions/web/resize", { cols: 1, rows: 1 }], badStatus: 400 },
  { name: "history", good: ["GET", "/api/sessions/web/history"], bad: ["GET", "/api/sessions/nope/history"], badStatus: 404 },
  { name: "one command", good: ["GET", "/api/sessions/web/commands/1"], bad: ["GET", "/api/sessions/web/commands/99999"], badStatus: 404 },
  { name: "analysis", good: ["GET", "/api/sessions/web/analysis"], bad: ["GET", "/api/sessions/web/analysis?command=abc"], badStatus: 400 },
  { name: "context", good: ["GET", "/api/sessions/web/context?max_tokens=500"], bad: ["GET", "/api/sessions/web/context?max_tokens=-5"], badStatus: 400 },
  { name: "snapshot", good: ["POST", "/api/sessions/second/snapshot", {}], bad: ["POST", "/api/sessions/nope/snapshot", {}], badStatus: 404 },
  { name: "snapshots", good: ["GET", "/api/snapshots"], bad: ["POST", "/api/restore", {}], badStatus: 400 },
  { name: "kill", good: ["DELETE", "/api/sessions/second"], bad: ["DELETE", "/api/sessions/nope"], badStatus: 404 },
  { name: "restore", good: ["POST", "/api/restore", { name: "second" }], bad: ["POST", "/api/restore", { name: "never-existed" }], badStatus: 404 },
  { name: "compact", good: ["POST", "/api/compact", { text: "hello\n" }], bad: ["POST", "/api/compact", { text: 42 }], badStatus: 400 },
  { name: "analyze text", good: ["POST", "/api/analyze", { text: "error: x\n" }], bad: ["POST", "/api/analyze", "not an object"], badStatus: 400 },
  { name: "count tokens", good: ["POST", "/api/tokens/count", { text: "hello" }], bad: ["POST", "/api/tokens/count", { text: 1 }], badStatus: 400 },
  { name: "register an agent", good: ["POST", "/api/agents", { name: "alice", role: "backend" }], bad: ["POST", "/api/agents", { name: "bob", role: "no-such-role" }], badStatus: 400 },
  { name: "agents", good: ["GET", "/api/agents"], bad: ["GET", "/api/agents/nobody"], badStatus: 404 },
  { name: "roles", good: ["GET", "/api/roles"], bad: ["GET", "/api/roles/none"], badStatus: 404 },
  { name: "publish", good: ["POST", "/api/bus/messages", { to: "alice", payload: "hi" }], bad: ["POST", "/api/bus/messages", { payload: "nowhere" }], badStatus: 400 },
  { name: "bus history", good: ["GET", "/api/bus/messages"], bad: ["GET", "/api/bus/messages?limit=0"], badStatus: 400 },
  { name: "inbox", good: ["GET", "/api/bus/inbox/alice"], bad: ["POST", "/api/bus/inbox/alice/ack", {}], badStatus: 400 },
  { name: "add a task", good: ["POST", "/api/tasks", { title: "write tests" }], bad: ["POST", "/api/tasks", {}], badStatus: 400 },
  { name: "tasks", good: ["GET", "/api/tasks"], bad: ["GET", "/api/tasks/no-such-task"], badStatus: 404 },
  { name: "share knowledge", good: ["PUT", "/api/knowledge/api/base-url", { value: "http://x" }], bad: ["PUT", "/api/knowledge/api/base-url", { value: "y", expected_version: 99 }], badStatus: 409 },
  { name: "knowledge", good: ["GET", "/api/knowledge"], bad: ["GET", "/api/knowledge/not/there"], badStatus: 404 },
  { name: "record a decision", good: ["POST", "/api/trace/decisions", { what: "db", choice: "sqlite" }], bad: ["POST", "/api/trace/decisions", { what: "db" }], badStatus: 400 },
  { name: "trace", good: ["GET", "/api/trace"], bad: ["GET", "/api/trace?limit=-1"], badStatus: 400 },
  { name: "metrics", good: ["GET", "/api/metrics"], bad: ["GET", "/api/metricz"], badStatus: 404 },
  { name: "tokens", good: ["GET", "/api/tokens"], bad: ["POST", "/api/tokens", { name: "x", scopes: ["root"] }], badStatus: 400 },
  { name: "openapi", good: ["GET", "/api/openapi.json"], bad: ["GET", "/api/openapi.yaml"], badStatus: 404 },
];

describe("every route: a good and a bad request", () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const good = await call(...c.good);
      expect([c.good.slice(0, 2).join(" "), good.status >= 200 && good.status < 300, good.json?.error?.code]).toEqual([c.good.slice(0, 2).join(" "), true, undefined]);
      c.check?.(good.json);
      const bad = await call(...c.bad);
      expect([c.bad.slice(0, 2).join(" "), bad.status]).toEqual([c.bad.slice(0, 2).join(" "), c.badStatus]);
      expectError(bad, c.badStatus);
    }, 20_000);
  }

  test("every route the server serves answers a bad request with a JSON error", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    const skip = new Set(["post /api/server/shutdown"]);
    const answered: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths as Record<string, Record<string, unknown>>)) {
      for (const method of Object.keys(ops)) {
        if (skip.has(`${method} ${path}`)) continue;
        const hasParam = path.includes("{");
        if (!hasParam && method === "get") continue; // nothing to get wrong but the token (see below)
        const concrete = path.replace(/\{[^}]+\}/g, "no-such-thing");
        const r = await call(method.toUpperCase(), concrete, method === "get" || method === "delete" ? undefined : ["not", "an", "object"]);
        expect([`${method} ${path}`, r.status >= 400 && r.status < 500, typeof r.json?.error?.code]).toEqual([`${method} ${path}`, true, "string"]);
        answered.push(`${method} ${path}`);
      }
      const unauthenticated = await call("GET", path.replace(/\{[^}]+\}/g, "x"), undefined, {}, "");
      expect([path, unauthenticated.status]).toEqual([path, 401]);
    }
    expect(answered.length).toBeGreaterThan(30);
  }, 60_000);

  test("the OpenAPI document lists every route with its scope and schemas", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json;
    expect(doc.openapi).toBe("3.1.0");
    const exec = doc.paths["/api/sessions/{name}/exec"].post;
    expect(exec["x-scope"]).toBe("exec");
    expect(exec.requestBody.content["application/json"].schema.required).toContain("command");
    expect(doc.paths["/api/tokens"].post["x-scope"]).toBe("admin");
    expect(doc.paths["/api/sessions"].get["x-scope"]).toBe("read");
    for (const c of CASES) {
      const path = c.good[1].split("?")[0]!;
      const templated = Object.keys(doc.paths).some((p) => new RegExp(`^${p.replace(/\{[^}]+\}/g, "[^/]+(?:/[^/]+)*?")}$`).test(path));
      expect([path, templated]).toEqual([path, true]);
    }
  });
});

describe("who may call what", () => {
  test("no token, a wrong token, a revoked token: 401", async () => {
    expectError(await call("GET", "/api/sessions", undefined, {}, ""), 401, "unauthorized");
    expectError(await call("GET", "/api/sessions", undefined, {}, "ais_not-a-real-token"), 401, "unauthorized");
    const t = (await call("POST", "/api/tokens", { name: "short-lived", scopes: ["read"] })).json.token;
    expect((await call("GET", "/api/sessions", undefined, {}, t)).status).toBe(200);
    expect((await call("DELETE", "/api/tokens/short-lived")).status).toBe(200);
    expectError(await call("GET", "/api/sessions", undefined, {}, t), 401, "unauthorized");
  });

  test("a read token reads but cannot act or administer", async () => {
    const t = (await call("POST", "/api/tokens", { name: "reader", scopes: ["read"] })).json.token;
    expect((await call("GET", "/api/sessions/web/read?since=0", undefined, {}, t)).status).toBe(200);
    const denied = await call("POST", "/api/sessions/web/exec", { command: "touch /tmp/should-not-exist" }, {}, t);
    expectError(denied, 403, "denied");
    expect(denied.json.error.message).toContain("exec scope");
    expectError(await call("POST", "/api/sessions", { name: "r1" }, {}, t), 403, "denied");
    expectError(await call("DELETE", "/api/sessions/web", undefined, {}, t), 403, "denied");
    expectError(await call("GET", "/api/tokens", undefined, {}, t), 403, "denied");
  });

  test("an exec token acts but cannot manage tokens or stop the server", async () => {
    const t = (await call("POST", "/api/tokens", { name: "ci", scopes: "read,exec" })).json.token;
    const r = await call("POST", "/api/sessions/web/exec", { command: "echo from-ci" }, {}, t);
    expect(r.json.output).toContain("from-ci");
    expectError(await call("POST", "/api/tokens", { name: "escalate", scopes: ["admin"] }, {}, t), 403, "denied");
    expectError(await call("POST", "/api/server/shutdown", undefined, {}, t), 403, "denied");
  });

  test("a session-limited token touches only its sessions", async () => {
    const t = (await call("POST", "/api/tokens", { name: "only-lim", scopes: ["read", "exec"], sessions: ["lim"] })).json.token;
    expect((await call("POST", "/api/sessions", { name: "lim" }, {}, t)).status).toBe(201);
    expect((await call("POST", "/api/sessions/lim/exec", { command: "echo mine" }, {}, t)).json.exit_code).toBe(0);
    expectError(await call("POST", "/api/sessions/web/exec", { command: "echo not-mine" }, {}, t), 403, "denied");
    expectError(await call("POST", "/api/sessions", { name: "other" }, {}, t), 403, "denied");
    expectError(await call("POST", "/api/sessions", {}, {}, t), 403, "denied");
    const listed = await call("GET", "/api/sessions", undefined, {}, t);
    expect(listed.json.map((s: { name: string }) => s.name)).toEqual(["lim"]);
    await call("DELETE", "/api/sessions/lim");
  });

  test("the token list never shows a secret, and the database keeps only hashes", async () => {
    const created = (await call("POST", "/api/tokens", { name: "secretive", scopes: ["read"] })).json;
    const list = await call("GET", "/api/tokens");
    expect(JSON.stringify(list.json)).not.toContain(created.token);
    expect(list.json.find((t: any) => t.name === "secretive").prefix).toBe(created.token.slice(0, 10));
  });

  test("a foreign Host or Origin is refused; loopback ones pass", async () => {
    expectError(await call("GET", "/api/sessions", undefined, { host: "evil.example" }), 403, "denied");
    expectError(await call("GET", "/api/sessions", undefined, { origin: "https://evil.example" }), 403, "denied");
    expectError(await call("POST", "/api/sessions/web/exec", { command: "id" }, { origin: "http://attacker.localhost.evil.example" }), 403, "denied");
    expect((await call("GET", "/api/sessions", undefined, { origin: `http://localhost:${server.port}` })).status).toBe(200);
    expect((await call("GET", "/api/sessions", undefined, { host: `127.0.0.1:${server.port}` })).status).toBe(200);
  });
});
