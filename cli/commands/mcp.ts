import { defineCommand } from "citty";
import { globalArgs } from "./_shared.ts";
import { VERSION } from "../../server/version.ts";
import type { ApiClient } from "../../server/mcp/api.ts";
import { TIERS, type Tier } from "../../server/mcp/tool.ts";

/**
 * Connects on the first tool call, so the handshake never waits for (or fails on) the server start;
 * when the server has gone away since (kill-server, a reboot), the next call starts it again.
 */
function lazyApi(open: () => Promise<ApiClient>): ApiClient {
  let client: Promise<ApiClient> | undefined;
  const get = () =>
    (client ??= open().catch((err) => {
      client = undefined;
      throw err;
    }));
  return {
    async request<T>(method: string, path: string, body?: unknown): Promise<T> {
      try {
        return await (await get()).request<T>(method, path, body);
      } catch (err) {
        if ((err as { code?: string }).code !== "unavailable") throw err;
        client = undefined;
        return (await get()).request<T>(method, path, body);
      }
    },
  };
}

export default defineCommand({
  meta: {
    name: "mcp",
    description: "Serve MCP on stdio (for Claude Code, Cursor and other agents), forwarding to the shared server",
  },
  args: {
    ...globalArgs,
    tier: {
      type: "string",
      description: "which tools to offer: safe (no raw input, no kill), standard, full (may kill other agents' sessions)",
    },
    "wait-cap": { type: "string", description: "longest one tool call waits, in seconds (default 25)" },
    tools: { type: "string", description: "offer only these tool groups: sessions, team (default both)" },
  },
  async run({ args }) {
    const tier = (args.tier ?? process.env.AI_SESSION_MCP_TIER ?? "standard") as Tier;
    if (!TIERS.includes(tier)) {
      process.stderr.write(`ai-session mcp: unknown tier "${tier}" (use safe, standard or full)\n`);
      process.exit(2);
    }
    const waitCap = Number(args["wait-cap"] ?? process.env.AI_SESSION_MCP_WAIT ?? 25);
    const agent = (args.agent as string | undefined) ?? process.env.AI_SESSION_AGENT ?? undefined;
    const { serveMcpStdio } = await import("../../server/mcp/stdio.ts");
    const { parseToolGroups } = await import("../../server/mcp/server.ts");
    let groups;
    try {
      groups = parseToolGroups((args.tools as string | undefined) ?? process.env.AI_SESSION_MCP_TOOLS);
    } catch (err) {
      process.stderr.write(`ai-session mcp: ${(err as Error).message}\n`);
      process.exit(2);
    }
    const api = lazyApi(async () => {
      const { connect } = await import("../client/index.ts");
      return connect({ home: args.home as string | undefined, agent, autostart: true });
    });
    await serveMcpStdio({
      api,
      version: VERSION,
      tier,
      agent,
      selfSession: process.env.AI_SESSION_SESSION || undefined,
      waitCapS: Number.isFinite(waitCap) && waitCap > 0 ? waitCap : 25,
      groups,
    });
    process.exit(0);
  },
});
