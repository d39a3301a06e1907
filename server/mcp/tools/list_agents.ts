import { z } from "zod";
import { defineTool } from "../tool.ts";
import { AgentRow, agentRow } from "../team-rows.ts";
import description from "./list_agents.txt" with { type: "text" };

const CAP = 50;

export default defineTool({
  name: "list_agents",
  description,
  tier: "safe",
  input: z.object({ offset: z.number().int().min(0).optional() }),
  output: z.strictObject({ agents: z.array(AgentRow), total: z.number(), offset: z.number(), cap: z.number() }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const all = await env.backend.listAgents();
    const offset = args.offset ?? 0;
    const agents = all.slice(offset, offset + CAP).map(agentRow);
    const more = all.length > offset + CAP ? `\n… more: list_agents {offset: ${offset + CAP}}` : "";
    const text = agents.map((a) => `${a.name}\t${a.role}\tinbox ${a.inbox}\ttasks ${a.tasks}`).join("\n");
    return { data: { agents, total: all.length, offset, cap: CAP }, text: (text || "no agents registered") + more };
  },
});
