import { afterAll, describe, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { countTokens } from "../../server/tokens/tokens.ts";
import { allTools, listedTool, parseToolGroups, toolsFor } from "../../server/mcp/server.ts";
import { aiSessionArgv, freshHome } from "./harness.ts";
import { call, textOf } from "./tour.ts";

describe("MCP guards", () => {
  test("tiers: safe has no raw input, kill or restore; standard adds them; every tool has words for the model", () => {
    const names = (tier: "safe" | "standard" | "full") => toolsFor(tier).map((t) => t.name);
    expect(names("safe")).not.toContain("kill_session");
    expect(names("safe")).not.toContain("send_input");
    expect(names("safe")).not.toContain("send_secret");
    expect(names("safe")).toContain("exec");
    expect(names("standard")).toContain("kill_session");
    expect(toolsFor("full", undefined, ["sessions", "team"]).map((t) => t.name)).toEqual(allTools.map((t) => t.name));
    for (const t of allTools) {
      expect([t.name, t.description.trim().length > 40]).toEqual([t.name, true]);
      expect([t.name, t.description.length < 900]).toEqual([t.name, true]);
    }
    const readOnly = toolsFor("full", new Set(["read"])).map((t) => t.name);
    expect(readOnly).toContain("read_output");
    expect(readOnly).not.toContain("exec");
  });

  test("the standard tier's tools/list costs under 3,000 tokens; each tool's words sit in its own .txt of at most 150 words", () => {
    const cost = (tools: ReturnType<typeof toolsFor>) => countTokens(JSON.stringify({ jsonrpc: "2.0", id: 1, result: { tools: tools.map(listedTool) } }));
    expect(cost(toolsFor("standard"))).toBeLessThan(3_000);
    // a named agent also gets register_agent, the one call that makes it known
    expect(toolsFor("standard", undefined, undefined, "claude").map((t) => t.name)).toContain("register_agent");
    const dir = join(import.meta.dir, "../../server/mcp/tools");
    const files = readdirSync(dir);
    for (const t of allTools) {
      expect(files).toContain(`${t.name}.ts`);
      const words = readFileSync(join(dir, `${t.name}.txt`), "utf8").trim().split(/\s+/).length;
      expect([t.name, words <= 150]).toEqual([t.name, true]);
    }
  });

  test("every tool's words show a call by example, and each example is arguments the named tool accepts", () => {
    const byName = new Map(allTools.map((t) => [t.name, t]));
    for (const t of allTools) {
      // `{"…": …}` objects, each for the tool named just before it (`wait {"command_id": 12}`) or else for this tool
      const examples = [...t.description.matchAll(/(?:(\w+) )?(\{"[^{}]*(?:\[[^\]]*\][^{}]*)*\})/g)];
      expect([t.name, examples.length > 0]).toEqual([t.name, true]);
      for (const [, named, json] of examples) {
        const target = named && byName.has(named) ? byName.get(named)! : t;
        const args = JSON.parse(json!);
        const parsed = target.input.strict().safeParse(args);
        expect([t.name, json, parsed.success]).toEqual([t.name, json, true]);
      }
    }
  });

  test("listed output schemas forbid fields they do not name", () => {
    const open: string[] = [];
    const walk = (s: any, where: string) => {
      if (!s || typeof s !== "object") return;
      if (s.type === "object" && s.properties && s.additionalProperties !== false) open.push(where);
      for (const [k, v] of Object.entries(s)) walk(v, `${where}.${k}`);
    };
    for (const t of allTools) walk(listedTool(t).outputSchema, t.name);
    expect(open).toEqual([]);
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
    const p = Bun.spawn(aiSessionArgv("kill-server", "--home", home), { env: { ...process.env, AI_SESSION_HOME: home, AI_SESSION_PORT: "0" }, stdout: "ignore", stderr: "ignore" });
    await p.exited;
    rmSync(home, { recursive: true, force: true });
  });

  test("ai-session mcp answers the handshake at once, starts the server and a default session at spawn, and again after it stopped", async () => {
    const [command, ...args] = aiSessionArgv("mcp", "--home", home);
    const client = new Client({ name: "autostart", version: "1" });
    const t0 = performance.now();
    await client.connect(new StdioClientTransport({ command: command!, args: [...args, "--tools", "sessions"], env: { ...(process.env as Record<string, string>), AI_SESSION_HOME: home, AI_SESSION_PORT: "0" }, stderr: "pipe" }));
    expect(performance.now() - t0).toBeLessThan(5_000);
    expect((await client.listTools()).tools.map((t) => t.name)).not.toContain("register_agent");
    try {
      const first = await call(client, "exec", { command: "echo first-call" });
      expect(first.structuredContent?.status).toBe("ok");
      expect(textOf(first)).toContain("first-call");
      const r = await call(client, "list_sessions");
      expect(r.isError).toBeFalsy();
      // the server was started at spawn, and the session calls without one use was made with it
      expect(r.structuredContent.sessions.map((s: { name: string }) => s.name)).toEqual(["default"]);
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
