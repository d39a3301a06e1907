import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningServer, startServer } from "../../server/main.ts";

let server: RunningServer;
let socket: string;

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const r = await fetch(`http://localhost${path}`, {
    method,
    unix: socket,
    // the socket wants the owner token, as the CLI sends it
    headers: { authorization: `Bearer ${server.rt.ownerToken}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  } as RequestInit);
  return { status: r.status, json: (await r.json()) as T };
}

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), "ais-context-"));
  process.env.AI_SESSION_HOME = home;
  server = await startServer({ home, port: 0, host: "127.0.0.1", noToken: false, restore: false });
  socket = server.rt.paths.socket;
  await api("POST", "/api/sessions", { name: "ctx", cwd: home });
});

afterAll(async () => {
  await server?.stop("");
});

describe("analysis, context and conversation over HTTP", () => {
  test("a failed command's analysis names its error and is never a success", async () => {
    const exec = await api<{ command_id: number; exit_code: number }>("POST", "/api/sessions/ctx/exec", {
      command: "sh -c 'printf \"src/app.py:12: error: name x is not defined\\n\"; exit 3'",
    });
    expect(exec.json.exit_code).toBe(3);
    const a = await api<{ status: string; command_id: number; errors: Array<{ file: string; line: number }> }>("GET", "/api/sessions/ctx/analysis");
    expect(a.status).toBe(200);
    expect(a.json.command_id).toBe(exec.json.command_id);
    expect(a.json.status).toBe("failure");
    expect(a.json.errors[0]).toMatchObject({ file: "src/app.py", line: 12 });
  });

  test("the context holds the session facts and the last command within the budget", async () => {
    await api("POST", "/api/sessions/ctx/exec", { command: "echo hello from ctx" });
    const c = await api<{ text: string; tokens: number; max_tokens: number }>("GET", "/api/sessions/ctx/context?max_tokens=300");
    expect(c.status).toBe(200);
    expect(c.json.text).toContain("# session ctx");
    expect(c.json.text).toContain("$ echo hello from ctx");
    expect(c.json.text).toContain("hello from ctx");
    expect(c.json.text).toContain("src/app.py:12");
    expect(c.json.tokens).toBeLessThanOrEqual(300);
  });

  test("the conversation counts tokens and summarises its oldest turns on request", async () => {
    for (let i = 0; i < 10; i++) await api("POST", "/api/sessions/ctx/conversation", { role: i % 2 ? "assistant" : "user", content: `turn ${i}: we decided to fix src/app.py:12 first. Filler words follow here.` });
    const before = await api<{ status: { messages: number; tokens: number } }>("GET", "/api/sessions/ctx/conversation");
    expect(before.json.status.messages).toBe(10);
    const s = await api<{ summary: { role: string; content: string }; status: { messages: number; tokens: number } }>("POST", "/api/sessions/ctx/conversation/summarize", { keep_recent: 2 });
    expect(s.json.summary.role).toBe("summary");
    expect(s.json.status.messages).toBe(3);
    expect(s.json.status.tokens).toBeLessThan(before.json.status.tokens);
  });

  test("compact, analyze and tokens/count work on text sent in the request", async () => {
    const text = `${"\x1b[32m✓\x1b[0m passes\r\n".repeat(60)} 60 pass\r\n 0 fail\r\n`;
    const c = await api<{ text: string; tokens: { raw: number; compacted: number; saved_pct: number } }>("POST", "/api/compact", { text, command: "bun test", exit_code: 0 });
    expect(c.json.tokens.compacted).toBeLessThan(c.json.tokens.raw);
    expect(c.json.text).toContain("60 pass");
    const a = await api<{ tool: string; status: string }>("POST", "/api/analyze", { text, command: "bun test", exit_code: 1 });
    expect(a.json).toMatchObject({ tool: "bun test", status: "failure" });
    const n = await api<{ tokens: number }>("POST", "/api/tokens/count", { text: "hello world" });
    expect(n.json.tokens).toBe(2);
  });

  test("an unknown session is a clear not_found", async () => {
    const r = await api<{ error: { code: string; message: string } }>("GET", "/api/sessions/nope/context");
    expect(r.status).toBe(404);
    expect(r.json.error.message).toContain('"nope"');
  });
});
