import { z } from "zod";
import { defineTool } from "../tool.ts";
import { TaskRow, taskLine, taskRow } from "../team-rows.ts";
import description from "./list_tasks.txt" with { type: "text" };

const CAP = 20;

export default defineTool({
  name: "list_tasks",
  description,
  tier: "safe",
  input: z.object({
    status: z.enum(["queued", "assigned", "running", "done", "failed", "cancelled"]).optional(),
    assignee: z.string().max(64).optional(),
    offset: z.number().int().min(0).optional(),
  }),
  output: z.strictObject({ tasks: z.array(TaskRow), total: z.number(), offset: z.number(), cap: z.number() }),
  annotations: { readOnlyHint: true },
  async run(args, env) {
    const all = await env.backend.listTasks({ status: args.status, assignee: args.assignee });
    const offset = args.offset ?? 0;
    const tasks = all.slice(offset, offset + CAP).map(taskRow);
    const more = all.length > offset + CAP ? `\n… more: list_tasks {offset: ${offset + CAP}}` : "";
    return { data: { tasks, total: all.length, offset, cap: CAP }, text: (tasks.map(taskLine).join("\n") || "no tasks") + more };
  },
});
