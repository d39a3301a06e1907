import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../mcp/harness.ts";

/**
 * Malformed, truncated, huge and deeply nested inputs at the JSON-RPC (/mcp) and REST edges:
 * every answer is a clear error (JSON-RPC error or `{error:{code,message}}`), never a hang or a
 * crash, and the server keeps answering. The cases are a fixed, bounded list plus a seeded
 * mutation loop, so a failure reproduces.
 */
let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await post("/api/sessions", JSON.stringify({ name: "fuzz" }));
});
afterAll(async () => {
  await server?.stop();
});

function post(path: string, body: string | Uint8Array, headers: Record<string, string> = {}) {
  return fetch(server.base + path, {
    method: "POST",
    headers: {
      authorization: `Bearer ${server.token}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: body as BodyInit,
    signal: AbortSignal.timeout(15_000),
  });
}

async function stillUp() {
  const r = await fetch(`${server.base}/api/sessions`, { headers: { authorization: `Bearer ${server.token}` } });
  expect(r.status).toBe(200);
}

const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);
const nestedObj = (depth: number) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth);
const init = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "f", version: "1" } } });

const BAD_BODIES: Array<[string, string | Uint8Array]> = [
  ["empty", ""],
  ["not JSON", "hello"],
  ["truncated", init.slice(0, init.length / 2)],
  ["a bare number", "42"],
  ["null", "null"],
  ["an empty batch", "[]"],
  ["a batch of garbage", '[1, "x", null, {}]'],
  ["deeply nested arrays", nested(100_000)],
  ["deeply nested objects", nestedObj(50_000)],
  ["invalid UTF-8", new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])],
  ["a NUL byte", '{"jsonrpc":"2.0","id":1,"method":"\u0000"}'],
  ["no method", '{"jsonrpc":"2.0","id":1}'],
  ["an unknown method", '{"jsonrpc":"2.0","id":1,"method":"nope/nope"}'],
  ["wrong jsonrpc version", '{"jsonrpc":"1.0","id":1,"method":"tools/list"}'],
  ["a tools/call with nested arguments", JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "exec", arguments: JSON.parse(nestedObj(500)) } })],
  ["a tools/call with a 3 MB command", JSON.stringify({ jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "exec", arguments: { session: "fuzz", command: "x".repeat(3_000_000) } } })],
];

describe("fuzzing the JSON-RPC edge (/mcp)", () => {
  for (const [what, body] of BAD_BODIES) {
    test(`${what}: a clear error, and the server stays up`, async () => {
      const res = await post("/mcp", body);
      const text = await res.text();
      if (res.status >= 400) {
        expect(res.status).toBeLessThan(500);
      } else {
        // a JSON-RPC answer: an error object, or a tool result flagged isError
        const msg = text.startsWith("event:") || text.startsWith("data:") ? text.split("data: ")[1]! : text;
        const parsed = JSON.parse(msg);
        const one = Array.isArray(parsed) ? parsed[0] : parsed;
        if (one) expect(one.error ?? one.result?.isError ?? one.result).toBeTruthy();
      }
      await stillUp();
    }, 20_000);
  }

  test("a body over 4 MB is refused before it is parsed", async () => {
    const res = await post("/mcp", JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { pad: "x".repeat(5 * 1024 * 1024) } }));
    expect(res.status).toBe(413);
    await stillUp();
  });

  test("a seeded stream of mutated requests never breaks the server", async () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const samples = [init, JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "list_sessions", arguments: {} } })];
    for (let i = 0; i < 150; i++) {
      const src = samples[i % samples.length]!;
      const chars = [...src];
      const edits = 1 + Math.floor(rand() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rand() * chars.length);
        const op = rand();
        if (op < 0.33) chars.splice(at, 1);
        else if (op < 0.66) chars.splice(at, 0, String.fromCharCode(Math.floor(rand() * 128)));
        else chars.length = at;
      }
      const res = await post("/mcp", chars.join(""));
      expect(res.status).toBeLessThan(500);
      await res.arrayBuffer();
    }
    await stillUp();
  }, 60_000);
});

describe("fuzzing the REST edge", () => {
  const routes = ["/api/sessions", "/api/sessions/fuzz/exec", "/api/sessions/fuzz/send", "/api/sessions/fuzz/wait", "/api/tokens"];
  for (const route of routes) {
    test(`${route}: malformed, truncated, huge and nested bodies are 4xx {error:{code,message}}`, async () => {
      // an empty body means {} (all defaults), which is a good request for some routes
      for (const [, body] of BAD_BODIES.slice(1, 10)) {
        const res = await post(route, body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const json = (await res.json()) as { error: { code: string; message: string } };
        expect(json.error.code).toBeString();
        expect(json.error.message.length).toBeGreaterThan(5);
      }
      const huge = await post(route, JSON.stringify({ name: "x".repeat(20 * 1024 * 1024) }));
      expect(huge.status).toBeGreaterThanOrEqual(400);
      expect(huge.status).toBeLessThan(500);
      await stillUp();
    }, 30_000);
  }

  test("a path climbing out of /api never reaches a file", async () => {
    const res = await fetch(`${server.base}/api/%2e%2e/%2e%2e/etc/passwd`, { headers: { authorization: `Bearer ${server.token}` } });
    expect(await res.text()).not.toContain("root:");
  });

  test("odd paths and methods answer not_found JSON", async () => {
    for (const path of ["/api/sessions/%ff%fe/read", `/api/sessions/${"a".repeat(10_000)}/read`, "/api/sessions/fuzz/read?since=-1", "/api/sessions/fuzz/read?since=abc", "/api/nothing-here"]) {
      const res = await fetch(server.base + path, { headers: { authorization: `Bearer ${server.token}` } });
      expect([path, res.status >= 400]).toEqual([path, true]);
      expect(res.status).toBeLessThan(500);
      const json = (await res.json()) as { error?: { code: string } };
      expect(json.error?.code).toBeString();
    }
    await stillUp();
  });
});
