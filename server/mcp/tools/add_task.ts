import { z } from "zod";
import { defineTool } from "../tool.ts";
import { TaskRow, taskRow } from "../team-rows.ts";
import description from "./add_task.txt" with { type: "text" };

export default defineTool({
  name: "add_task",
  description,
  tier: "safe",
  input: z.object({
    title: z.string().min(1).max(500),
    description: z.string().max(20_000).optional(),
    role: z.string().max(64).optional().describe("only agents of this role may claim it"),
    capability: z.string().max(64).optional(),
    priority: z.number().int().min(0).max(100).optional().describe("higher goes first"),
    depends_on: z.array(z.string()).max(50).optional().describe("task ids to finish first"),
  }),
  output: TaskRow,
  annotations: { destructiveHint: false },
  async run(args, env) {
    const t = await env.backend.addTask(args);
    return { data: taskRow(t), text: `queued task ${t.id}: ${t.title}` };
  },
});
