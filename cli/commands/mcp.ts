import { defineCommand } from "citty";
import { globalArgs } from "./_shared.ts";
import { VERSION } from "../../server/version.ts";
import { TIERS, type Tier } from "../../server/mcp/tool.ts";

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
    tools: { type: "string", description: "offer only these tool groups: sessions, team (default: sessions)" },
    role: { type: "string", description: "the role the agent registers with on first use when it is not registered (or AI_SESSION_AGENT_ROLE)" },
    session: { type: "string", description: "the session calls that name none work in (default: the agent's name, else \"default\"; or AI_SESSION_MCP_SESSION)" },
  },
  async run({ args }) {
    const tier = (args.tier ?? process.env.AI_SESSION_MCP_TIER ?? "standard") as Tier;
    if (!TIERS.includes(tier)) {
      process.stderr.write(`ai-session mcp: unknown tier "${tier}" (use safe, standard or full)\n`);
      process.exit(2);
    }
    const waitCap = Number(args["wait-cap"] ?? process.env.AI_SESSION_MCP_WAIT ?? 25);
    const agent = (args.agent as string | undefined) ?? process.env.AI_SESSION_AGENT ?? undefined;
    const agentRole = (args.role as string | undefined) ?? process.env.AI_SESSION_AGENT_ROLE ?? undefined;
    const defaultSession = (args.session as string | undefined) ?? process.env.AI_SESSION_MCP_SESSION ?? agent ?? "default";
    const [{ serveMcpStdio }, { parseToolGroups }, { connect }, { clientBackend }, { ensureSession }] = await Promise.all([
      import("../../server/mcp/stdio.ts"),
      import("../../server/mcp/server.ts"),
      import("../client/index.ts"),
      import("../client/mcp-backend.ts"),
      import("../../server/mcp/tool.ts"),
    ]);
    let groups;
    try {
      groups = parseToolGroups((args.tools as string | undefined) ?? process.env.AI_SESSION_MCP_TOOLS);
    } catch (err) {
      process.stderr.write(`ai-session mcp: ${(err as Error).message}\n`);
      process.exit(2);
    }
    // No round trip yet: the first request starts the server when none answers (and again if it stops).
    const backend = clientBackend(await connect({ home: args.home as string | undefined, agent, autostart: true, createHome: true }));
    // Start (or find) the server and make the default session now, while the client is still
    // shaking hands, so the first exec finds a ready shell. Failures here surface on that call.
    void (async () => {
      try {
        await ensureSession(backend, defaultSession);
      } catch (err) {
        const unknownSelf = agent && agentRole && /^no agent named /.test((err as Error).message);
        if (!unknownSelf) return;
        await backend.registerAgent({ name: agent, role: agentRole });
        await ensureSession(backend, defaultSession);
      }
    })().catch(() => {});
    await serveMcpStdio({
      backend,
      version: VERSION,
      tier,
      agent,
      agentRole,
      defaultSession,
      selfSession: process.env.AI_SESSION_SESSION || undefined,
      waitCapS: Number.isFinite(waitCap) && waitCap > 0 ? waitCap : 25,
      groups,
    });
    process.exit(0);
  },
});
