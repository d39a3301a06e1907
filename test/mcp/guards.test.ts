import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { mcpSafeApi, type ApiClient } from "../../server/mcp/api.ts";
import { allTools, parseToolGroups, toolsFor } from "../../server/mcp/server.ts";
import { aiSessionArgv, freshHome } from "./harness.ts";
import { call } from "./tour.ts";

describe("MCP guards", () => {
  test("nothing over MCP reaches the routes that change tokens, configuration, policies or the server", async () => {
    const sent: string[] = [];
    const api: ApiClient = { request: async (m, p) => (sent.push(`${m} ${p}`), {} as never) };
    const safe = mcpSafeApi(api);
    for (const [m, p] of [["POST", "/api/tokens"], ["DELETE", "/api/tokens/ci"], ["GET", "/api/tokens"], ["PUT", "/api/config"], ["POST", "/api/policies"], ["POST", "/api/server/shutdown"]] as const) {
      await expect(safe.request(m, p)).rejects.toThrow(/cannot change the server's configuration/);
    }
    await safe.request("GET", "/api/sessions");
    expect(sent).toEqual(["GET /api/sessions"]);
  });

  test("tiers: safe has no raw input, kill or restore; standard adds them; every tool has words for the model", () => {
    const names = (tier: "safe" | "standard" | "full") => toolsFor(tier).map((t) => t.name);
    expect(names("safe")).not.toContain("kill_session");
    expect(names("safe")).not.toContain("send_input");
    expect(names("safe")).not.toContain("send_secret");
    expect(names("safe")).toContain("exec");
    expect(names("standard")).toContain("kill_session");
    expect(names("full")).toEqual(allTools.map((t) => t.name));
    for (const t of allTools) {
      expect([t.name, t.description.trim().length > 80]).toEqual([t.name, true]);
      expect([t.name, t.description.length < 900]).toEqual([t.name, true]);
    }
    const readOnly = toolsFor("full", new Set(["read"])).map((t) => t.name);
    expect(readOnly).toContain("read_output");
    expect(readOnly).not.toContain("exec");
  });

  test("tool groups let a client list only what it uses", () => {
    const sessions = toolsFor("standard", undefined, parseToolGroups("sessions")).map((t) => t.name);
    expect(sessions).toContain("exec");
    expect(sessions).not.toContain("register_agent");
    const team = toolsFor("standard", undefined, parseToolGroups("team")).map((t) => t.name);
    expect(team).toContain("claim_task");
    expect(team).not.toContain("exec");
    expect(() => parseToolGroups("sessions,everything")).toThrow(/unknown tool group "everything"/);
  });

  const home = freshHome("ais-mcp-autostart-");
  afterAll(async () => {
    const p = Bun.spawn(aiSessionArgv("kill-server", "--home", home), { env: { ...process.env, AI_SESSION_HOME: home }, stdout: "ignore", stderr: "ignore" });
    await p.exited;
    rmSync(home, { recursive: true, force: true });
  });

  test("ai-session mcp answers the handshake at once, starts the server on the first tool call, and again after it stopped", async () => {
    const [command, ...args] = aiSessionArgv("mcp", "--home", home);
    const client = new Client({ name: "autostart", version: "1" });
    const t0 = performance.now();
    await client.connect(new StdioClientTransport({ command: command!, args: [...args, "--tools", "sessions"], env: { ...(process.env as Record<string, string>), AI_SESSION_HOME: home }, stderr: "pipe" }));
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain("register_agent");
    try {
      const r = await call(client, "list_sessions");
      expect(r.isError).toBeFalsy();
      expect(r.structuredContent.total).toBe(0);
      // the server goes away; the next call brings it back
      const stop = Bun.spawn(aiSessionArgv("kill-server", "--home", home), { env: { ...process.env, AI_SESSION_HOME: home }, stdout: "ignore", stderr: "ignore" });
      await stop.exited;
      const again = await call(client, "create_session", { name: "after-restart" });
      expect(again.isError).toBeFalsy();
      expect(again.structuredContent.name).toBe("after-restart");
    } finally {
      await client.close();
    }
  }, 30_000);
});
