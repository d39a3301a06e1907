import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../mcp/harness.ts";

/**
 * The server under heavy and hostile input, through its real HTTP face: a huge output is compacted
 * and counted off the event loop (status keeps answering), counts that could not be exact say so,
 * and input that would overflow the stack is a clear 400.
 */
let server: RunningServer;

type Res = { status: number; json: any };
async function call(method: string, path: string, body?: unknown, raw?: string): Promise<Res> {
  const res = await fetch(server.base + path, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined || raw !== undefined ? { "content-type": "application/json" } : {}) },
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

beforeAll(async () => {
  server = await startServer();
  expect((await call("POST", "/api/sessions", { name: "big", shell: "/bin/bash" })).status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

describe("heavy output", () => {
  test("an exec printing a million 'a': the right exit code, an estimated count, and status answers all along", async () => {
    const exec = call("POST", "/api/sessions/big/exec", { command: "head -c 1000000 /dev/zero | tr '\\0' a; echo; (exit 3)" });
    let done = false;
    void exec.then(() => (done = true));
    const gaps: number[] = [];
    while (!done) {
      const t = performance.now();
      const s = await call("GET", "/api/status");
      expect(s.status).toBe(200);
      gaps.push(performance.now() - t);
    }
    const r = await exec;
    expect(r.status).toBe(200);
    expect(r.json.exit_code).toBe(3);
    expect(r.json.status).toBe("failed");
    expect(r.json.tokens.estimated).toBe(true);
    expect(Math.abs(r.json.tokens.raw - 125_000) / 125_000).toBeLessThan(0.01);
    expect(r.json.raw_bytes).toBeGreaterThan(1_000_000);
    // the event loop was never held for long: status kept answering while the output was handled
    // (before, one exec of 150,000 'a' held it 7.9 s); generous, as the machine is shared
    expect(gaps.length).toBeGreaterThan(1);
    expect(Math.max(...gaps)).toBeLessThan(1_000);
    const h = await call("GET", "/api/sessions/big/history");
    expect(h.json.at(-1)).toMatchObject({ command_id: r.json.command_id, status: "failed", exit_code: 3 });
  }, 120_000);

  test("POST /api/compact with 1 MB of one letter: a count said to be estimated, never the tokenizer's own error", async () => {
    const r = await call("POST", "/api/compact", { text: "a".repeat(1_000_000) });
    expect(r.status).toBe(200);
    expect(r.json.tokens.raw_estimated).toBe(true);
    expect(Math.abs(r.json.tokens.raw - 125_000) / 125_000).toBeLessThan(0.01);
    const count = await call("POST", "/api/tokens/count", { text: "=".repeat(500_000) });
    expect(count.status).toBe(200);
    expect(count.json.estimated).toBe(true);
  }, 60_000);
});

describe("input that would overflow the stack", () => {
  const deep = (n: number) => `${'{"a":'.repeat(n)}1${"}".repeat(n)}`;

  test("a bus message nested 100,000 deep is a 400 naming the limit", async () => {
    const r = await call("POST", "/api/bus/messages", undefined, `{"topic":"t","payload":${deep(100_000)}}`);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe("invalid");
    expect(r.json.error.message).toContain("nests 100001 levels deep; the limit is 128");
    expect((await call("GET", "/api/status")).status).toBe(200);
  });

  test("JSON nested within the limit is taken", async () => {
    const r = await call("POST", "/api/bus/messages", undefined, `{"topic":"t","payload":${deep(100)}}`);
    expect(r.status).toBeLessThan(300);
  });
});
