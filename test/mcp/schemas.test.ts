import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Ajv from "ajv";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { startServer, type RunningServer } from "./harness.ts";
import { call, expectOk, seen, tourEveryTool } from "./tour.ts";

const WAIT_CAP_S = 2;
let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ env: { AI_SESSION_MCP_WAIT: String(WAIT_CAP_S) } });
});
afterAll(async () => {
  await server?.stop();
});

describe("MCP output schemas", () => {
  test("every tool's real results match its listed outputSchema, which names every field (additionalProperties: false)", async () => {
    const url = new URL(`${server.base}/mcp?tools=sessions,team`);
    const client = new Client({ name: "schemas", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(url, { requestInit: { headers: { authorization: `Bearer ${server.token}`, "x-ai-session-agent": "checker" } } }));
    try {
      const { tools } = await client.listTools();
      expectOk(await call(client, "register_agent", { role: "backend" }));
      await tourEveryTool(client, "schemas", WAIT_CAP_S);
      expectOk(await call(client, "create_session", { name: "secret-prompt" }));
      const asked = await call(client, "exec", { session: "secret-prompt", command: 'read -r -s -p "pw: " X; echo "got ${#X}"' });
      expect(asked.structuredContent.status).not.toBe("ok");
      expectOk(await call(client, "send_secret", { session: "secret-prompt", secret: "s3cret" }));
      const done = await call(client, "wait", { session: "secret-prompt", command_id: asked.structuredContent.command_id });
      expect(done.structuredContent.status).toBe("ok");
      expectOk(await call(client, "list_agents"));
      expectOk(await call(client, "send_message", { to: "checker", type: "help_request", payload: { q: "port?" } }));
      expectOk(await call(client, "read_inbox", {}));
      const task = await call(client, "add_task", { title: "check schemas", role: "backend" });
      expectOk(task);
      expectOk(await call(client, "list_tasks", {}));
      expectOk(await call(client, "claim_task", {}));
      expectOk(await call(client, "update_task", { id: task.structuredContent.id, done: true, result: "ok" }));
      expectOk(await call(client, "share_knowledge", { key: "api/port", value: 8080 }));
      expectOk(await call(client, "get_knowledge", {}));
      expectOk(await call(client, "record_decision", { what: "port", choice: "8080" }));

      const ajv = new Ajv({ strict: false, allErrors: true });
      const missing: string[] = [];
      for (const t of tools) {
        const results = seen.get(t.name);
        if (!results?.length) {
          missing.push(t.name);
          continue;
        }
        const validate = ajv.compile(t.outputSchema as object);
        for (const r of results) {
          const ok = validate(r);
          expect([t.name, ok ? "ok" : ajv.errorsText(validate.errors)]).toEqual([t.name, "ok"]);
        }
      }
      expect(missing).toEqual([]);
    } finally {
      await client.close();
    }
  }, 90_000);
});
