import { z } from "zod";
import { defineTool } from "../tool.ts";
import { TaskRow, taskLine, taskRow } from "../team-rows.ts";
import description from "./update_task.txt" with { type: "text" };

export default defineTool({
  name: "update_task",
  description,
  tier: "safe",
  input: z.object({
    id: z.string().min(1).max(100),
    percent: z.number().min(0).max(100).optional(),
    note: z.string().max(2_000).optional(),
    done: z.boolean().optional(),
    failed: z.boolean().optional(),
    result: z.string().max(20_000).optional().describe("with done or failed: what came of it"),
  }),
  output: TaskRow,
  annotations: { destructiveHint: false },
  async run(args, env) {
    const t =
      args.done || args.failed
        ? await env.backend.finishTask(args.id, { result: args.result, failed: args.failed })
        : await env.backend.taskProgress(args.id, { percent: args.percent, note: args.note });
    const row = taskRow(t);
    return { data: row, text: taskLine(row) };
  },
});
