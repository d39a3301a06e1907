import { z } from "zod";
import { agentFor, defineTool } from "../tool.ts";
import { TaskRow, taskLine, taskRow } from "../team-rows.ts";
import description from "./claim_task.txt" with { type: "text" };

export default defineTool({
  name: "claim_task",
  description,
  tier: "safe",
  input: z.object({ agent: z.string().max(64).optional().describe("default: you") }),
  output: z.strictObject({ task: TaskRow.nullable(), description: z.string().optional() }),
  annotations: { destructiveHint: false },
  async run(args, env) {
    const { task } = await env.backend.claimTask(agentFor(env, args.agent));
    if (!task) return { data: { task: null }, text: "no task is waiting for you" };
    const row = taskRow(task);
    return { data: { task: row, ...(task.description ? { description: task.description } : {}) }, text: `claimed ${taskLine(row)}${task.description ? `\n${task.description}` : ""}` };
  },
});
