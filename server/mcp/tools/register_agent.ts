import { z } from "zod";
import { agentFor, defineTool } from "../tool.ts";
import { AgentRow, agentRow } from "../team-rows.ts";
import description from "./register_agent.txt" with { type: "text" };

export default defineTool({
  name: "register_agent",
  description,
  tier: "standard",
  input: z.object({
    role: z.string().min(1).max(64),
    name: z.string().min(1).max(64).optional(),
    capabilities: z.array(z.string().max(64)).max(50).optional(),
    topics: z.array(z.string().max(128)).max(50).optional(),
  }),
  output: AgentRow,
  annotations: { destructiveHint: false, idempotentHint: true },
  async run(args, env) {
    const a = await env.backend.registerAgent({ ...args, name: agentFor(env, args.name) });
    return { data: agentRow(a), text: `registered "${a.name}" as ${a.role}` };
  },
});
