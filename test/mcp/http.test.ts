import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as ClientV1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as HttpV1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { api, startServer, type RunningServer } from "./harness.ts";
import { call, expectOk, textOf, tourEveryTool } from "./tour.ts";

const WAIT_CAP_S = 2;
let server: RunningServer;

beforeAll(async () => {
  server = await startServer({ env: { AI_SESSION_MCP_WAIT: String(WAIT_CAP_S) } });
});
afterAll(async () => {
  await server?.stop();
});

const auth = (token: string) => ({ requestInit: { headers: { authorization: `Bearer ${token}` } } });
const mcpUrl = (q = "") => new URL(`${server.base}/mcp${q}`);

describe("MCP over Streamable HTTP (/mcp)", () => {
  test("the v2 client on the stateless 2026-07-28 revision calls every tool", async () => {
    const client = new Client({ name: "http-v2", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), auth(server.token)));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      await tourEveryTool(client, "http-v2-modern", WAIT_CAP_S);
    } finally {
      await client.close();
    }
  }, 60_000);

  test("the v2 client negotiating automatically lands on the modern revision", async () => {
    const client = new Client({ name: "http-auto", version: "1" }, { versionNegotiation: { mode: "auto" } });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), auth(server.token)));
    try {
      expect(client.getNegotiatedProtocolVersion()).toBe("2026-07-28");
      const r = await call(client, "list_sessions");
      expect(r.structuredContent.total).toBeNumber();
    } finally {
      await client.close();
    }
  });

  test("the v1 SDK client (2025 revisions, stateless fallback) calls every tool", async () => {
    const client = new ClientV1({ name: "http-v1", version: "1" });
    await client.connect(new HttpV1(mcpUrl(), auth(server.token)));
    try {
      await tourEveryTool(client as never, "http-v1", WAIT_CAP_S);
    } finally {
      await client.close();
    }
  }, 60_000);

  test("no token, a wrong token, a foreign Origin or Host are refused", async () => {
    const init = { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "x", version: "1" } } };
    const post = (headers: Record<string, string>) =>
      fetch(`${server.base}/mcp`, {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
        body: JSON.stringify(init),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ authorization: "Bearer ais_wrong" })).status).toBe(401);
    expect((await post({ authorization: `Bearer ${server.token}`, origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ authorization: `Bearer ${server.token}`, host: "evil.example" })).status).toBe(403);
    const sandboxed = await post({ authorization: `Bearer ${server.token}`, origin: "null" });
    expect(sandboxed.status).toBe(403);
    expect(((await sandboxed.json()) as { error: { message: string } }).error.message.length).toBeGreaterThan(5);
    const good = await post({ authorization: `Bearer ${server.token}`, origin: `http://127.0.0.1:${server.port}` });
    expect(good.status).toBe(200);
  });

  test("a read-only token sees only tools that read, and cannot act through MCP", async () => {
    const created = await api(server)("POST", "/api/tokens", { name: "mcp-reader", scopes: ["read"] });
    expect(created.status).toBe(201);
    const client = new Client({ name: "reader", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), auth(created.json.token)));
    try {
      const names = (await client.listTools()).tools.map((t) => t.name);
      expect(names).toContain("list_sessions");
      expect(names).toContain("read_output");
      expect(names).not.toContain("exec");
      expect(names).not.toContain("create_session");
      expect(names).not.toContain("kill_session");
      const r = await call(client, "list_sessions");
      expect(r.isError).toBeFalsy();
    } finally {
      await client.close();
    }
  });

  test("the tier comes from the URL, and full needs the owner", async () => {
    const safe = new Client({ name: "safe", version: "1" });
    await safe.connect(new StreamableHTTPClientTransport(mcpUrl("?tier=safe"), auth(server.token)));
    const names = (await safe.listTools()).tools.map((t) => t.name);
    expect(names).not.toContain("kill_session");
    expect(names).not.toContain("send_input");
    await safe.close();

    const t = await api(server)("POST", "/api/tokens", { name: "mcp-exec", scopes: ["read", "exec"] });
    const res = await fetch(`${server.base}/mcp?tier=full`, {
      method: "POST",
      headers: { authorization: `Bearer ${t.json.token}`, "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(res.status).toBe(403);
  });

  test("a huge output stays one bounded page per call, and read_output pages through all of it", async () => {
    const client = new Client({ name: "pager", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), auth(server.token)));
    try {
      await call(client, "create_session", { name: "pager" });
      const mark = await call(client, "read_output", { session: "pager" });
      const big = await call(client, "exec", { session: "pager", command: "seq 1 20000 | sed 's/$/ some words to make the line longer/'", mode: "raw" });
      // one page of text, and no second copy of it in structuredContent
      expect(JSON.stringify(big).length).toBeLessThan(20_000);
      expect(big.structuredContent.output).toBeUndefined();
      expect(textOf(big)).toMatch(/read_output \{command_id: \d+, lines: "1-200"\}/);

      let since = mark.structuredContent.offset as number;
      let pages = 0;
      let last = "";
      for (; pages < 400; pages++) {
        const page = await call(client, "read_output", { session: "pager", since });
        expect(JSON.stringify(page).length).toBeLessThan(20_000);
        last = textOf(page) || last;
        since = page.structuredContent.offset;
        if (!page.structuredContent.has_more) break;
      }
      expect(pages).toBeGreaterThan(5);
      expect(last).toContain("20000 some words");

      // by lines of the command: a page of at most 200, and the call for the rest
      const byLines = await call(client, "read_output", { session: "pager", command_id: big.structuredContent.command_id, lines: "100-1000" });
      expect(byLines.structuredContent).toMatchObject({ from: 100, to: 299, has_more: true });
      expect(byLines.structuredContent.next).toBe(`read_output {command_id: ${big.structuredContent.command_id}, lines: "300-1000"}`);

      const res = await client.listResources();
      expect(res.resources.map((r) => r.uri)).toContain("session://pager/output");
      const screen = await client.readResource({ uri: "session://pager/screen" });
      expect((screen.contents[0] as { text: string }).text.length).toBeGreaterThan(0);
      await call(client, "kill_session", { session: "pager" });
    } finally {
      await client.close();
    }
  }, 60_000);

  test("a long exec streams progress notifications over HTTP, then its result", async () => {
    const client = new Client({ name: "progress", version: "1" }, { versionNegotiation: { mode: { pin: "2026-07-28" } } });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), auth(server.token)));
    try {
      await call(client, "create_session", { name: "slow" });
      const seen: Array<{ progress: number; total?: number; message?: string }> = [];
      // progress comes every cap/4 = 0.5 s: a 1.2 s command reports twice and still ends well inside the
      // 2 s cap, with room for a loaded machine to be slow typing it
      const r = await client.callTool({ name: "exec", arguments: { session: "slow", command: "sleep 1.2; echo slow-done" } }, { onprogress: (p) => seen.push(p) });
      expect((r.structuredContent as { status: string }).status).toBe("ok");
      expect(JSON.stringify(r.content)).toContain("slow-done");
      expect(seen.length).toBeGreaterThanOrEqual(2);
      expect(seen[0]!.total).toBe(WAIT_CAP_S);
      expect(seen[1]!.progress).toBeGreaterThan(seen[0]!.progress);
      await call(client, "kill_session", { session: "slow" });
    } finally {
      await client.close();
    }
  }, 30_000);

  test("send_secret answers a password prompt and the secret is stored nowhere", async () => {
    const secret = "hunter2-correct-horse-battery";
    const client = new Client({ name: "secret", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(mcpUrl(), auth(server.token)));
    try {
      await call(client, "create_session", { name: "pw" });
      const asked = await call(client, "exec", { session: "pw", command: 'read -r -s -p "Password: " PW; echo; echo "length ${#PW}"' });
      expectOk(asked);
      expect(["waiting_for_input", "running"]).toContain(asked.structuredContent.status);
      const sent = await call(client, "send_secret", { session: "pw", secret });
      expect(sent.structuredContent.sent).toBe(true);
      expect(textOf(sent)).not.toContain(secret);
      const done = await call(client, "wait", { session: "pw", command_id: asked.structuredContent.command_id, timeout_seconds: WAIT_CAP_S });
      expect(textOf(done)).toContain(`length ${secret.length}`);
      const raw = await call(client, "read_output", { session: "pw", since: 0, raw: true });
      expect(textOf(raw)).not.toContain(secret);
      await call(client, "kill_session", { session: "pw" });
    } finally {
      await client.close();
    }
    const { readdirSync, readFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    for (const f of readdirSync(server.home)) {
      if (!/\.(db|db-wal|log)$/.test(f) && f !== "state.db-wal") continue;
      expect([f, readFileSync(join(server.home, f)).includes(secret)]).toEqual([f, false]);
    }
  }, 30_000);
});
