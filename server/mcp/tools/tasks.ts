import { z } from "zod";
import { busClient } from "../../../cli/client/bus.ts";
import { defineTool } from "../tool.ts";
import { agentFor } from "./bus.ts";
import addText from "./add_task.txt" with { type: "text" };
import listText from "./list_tasks.txt" with { type: "text" };
import claimText from "./claim_task.txt" with { type: "text" };
import updateText from "./update_task.txt" with { type: "text" };

const TaskShape = z.looseObject({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  assignee: z.string().nullable().optional(),
  priority: z.number().optional(),
  progress: z.number().nullable().optional(),
  result: z.string().nullable().optional(),
});
type TaskShape = z.infer<typeof TaskShape>;
const line = (t: { id: string; status: string; priority?: number; assignee?: string | null; title: string }) => `${t.id}\t${t.status}\tp${t.priority ?? 0}\t${t.assignee ?? "-"}\t${t.title}`;

export const addTask = defineTool({
  name: "add_task",
  title: "Queue a task",
  description: addText,
  tier: "safe",
  input: z.object({
    title: z.string().min(1).max(500),
    description: z.string().max(20_000).optional(),
    role: z.string().max(64).optional().describe("only agents of this role may claim it"),
    capability: z.string().max(64).optional(),
    priority: z.number().int().min(0).max(100).optional().describe("higher goes first"),
    depends_on: z.array(z.string()).max(50).optional().describe("task ids that must be done first"),
  }),
  output: TaskShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const t = await busClient(env.api).addTask(args);
    return { data: t, text: `queued task ${t.id}: ${t.title}` };
  },
});

export const listTasks = defineTool({
  name: "list_tasks",
  title: "List tasks",
  description: listText,
  tier: "safe",
  input: z.object({
    status: z.enum(["queued", "assigned", "running", "done", "failed", "cancelled"]).optional(),
    assignee: z.string().max(64).optional(),
  }),
  output: z.object({ tasks: z.array(TaskShape), total: z.number() }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, env) {
    const all = await busClient(env.api).listTasks(args);
    const tasks = all.slice(0, 100);
    return { data: { tasks, total: all.length }, text: tasks.map(line).join("\n") || "no tasks" };
  },
});

export const claimTask = defineTool({
  name: "claim_task",
  title: "Take the next task",
  description: claimText,
  tier: "safe",
  input: z.object({ agent: z.string().max(64).optional().describe("default: you") }),
  output: z.object({ task: TaskShape.nullable() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const r = await busClient(env.api).claimTask(agentFor(env, args.agent));
    return { data: { task: r.task }, text: r.task ? `claimed ${line(r.task)}${r.task.description ? `\n${r.task.description}` : ""}` : "no task is waiting for you" };
  },
});

export const updateTask = defineTool({
  name: "update_task",
  title: "Report on a task",
  description: updateText,
  tier: "safe",
  input: z.object({
    id: z.string().min(1).max(100),
    percent: z.number().min(0).max(100).optional().describe("progress so far"),
    note: z.string().max(2_000).optional(),
    done: z.boolean().optional().describe("the task is finished"),
    failed: z.boolean().optional().describe("the task is finished and failed"),
    result: z.string().max(20_000).optional().describe("what came of it (with done or failed)"),
  }),
  output: TaskShape,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run(args, env) {
    const bus = busClient(env.api);
    const t =
      args.done || args.failed
        ? await bus.finishTask(args.id, { result: args.result, failed: args.failed })
        : await bus.taskProgress(args.id, { percent: args.percent, note: args.note });
    return { data: t, text: line(t) };
  },
});

export const taskTools = [addTask, listTasks, claimTask, updateTask];
