import { defineCommand } from "citty";
import { globalArgs, runCommand, write } from "./_shared.ts";
import type { Task, TaskStatus } from "../../server/bus/tasks.ts";

async function api(args: { home?: string; agent?: string }) {
  const [{ connect }, { busClient }] = await Promise.all([import("../client/index.ts"), import("../client/bus.ts")]);
  return busClient(await connect({ home: args.home, agent: args.agent, autostart: true }));
}

/** The cluster's one queue (serve --cluster): the same verbs, through /api/cluster/tasks. */
async function cluster<T>(args: { home?: string; agent?: string }, method: string, path: string, body?: unknown): Promise<T> {
  const { connect } = await import("../client/index.ts");
  return (await connect({ home: args.home, agent: args.agent, autostart: true })).request<T>(method, `/api/cluster/tasks${path}`, body);
}
const clusterFlag = { cluster: { type: "boolean", description: "the cluster's queue (the default on a node in a cluster; an error on a node in none)" } } as const;

function line(t: Task): string {
  const needs = [t.role ? `role ${t.role}` : "", t.capability ? `cap ${t.capability}` : "", t.depends_on?.length ? `after ${t.depends_on.join(",")}` : ""].filter(Boolean).join(", ");
  return [t.id, t.status, t.assignee ?? "-", `p${t.priority}`, t.title, needs, t.progress != null && t.status !== "done" ? `${t.progress}%` : ""].join("\t").trimEnd();
}

const print = (json: boolean, value: unknown, text: string) => write(`${json ? JSON.stringify(value) : text}\n`);

const add = defineCommand({
  meta: { name: "add", description: "Add a task: it goes to the least-loaded eligible agent, or waits to be claimed" },
  args: {
    ...globalArgs,
    title: { type: "positional", required: true, description: "what is to be done" },
    role: { type: "string", description: "only agents of this role may take it" },
    capability: { type: "string", description: "only agents with this capability may take it" },
    priority: { type: "string", default: "0", description: "higher goes first" },
    depends: { type: "string", description: "comma-separated task ids that must be done first" },
    lease: { type: "string", description: "seconds the holder keeps it without progress (default 60)" },
    description: { type: "string", description: "details" },
    ...clusterFlag,
  },
  run: ({ args }) =>
    runCommand(async () => {
      const bus = args.cluster ? undefined : await api(args as never);
      const add = (input: Parameters<NonNullable<typeof bus>["addTask"]>[0]) => (bus ? bus.addTask(input) : cluster<Task>(args as never, "POST", "", input));
      const t = await add({
        title: String(args.title),
        role: args.role ? String(args.role) : undefined,
        capability: args.capability ? String(args.capability) : undefined,
        priority: Number(args.priority),
        depends_on: args.depends ? String(args.depends).split(",").map((s) => s.trim()).filter(Boolean) : undefined,
        lease_ms: args.lease ? Math.round(Number(args.lease) * 1000) : undefined,
        description: args.description ? String(args.description) : undefined,
      });
      print(!!args.json, t, t.assignee ? `${t.id} (assigned to ${t.assignee})` : `${t.id} (queued)`);
    }),
});

const list = defineCommand({
  meta: { name: "list", description: "Tasks, highest priority first" },
  args: { ...globalArgs, status: { type: "string", description: "queued, assigned, running, done, failed" }, assignee: { type: "string", description: "only this agent's" }, ...clusterFlag },
  run: ({ args }) =>
    runCommand(async () => {
      const ts = args.cluster ? await cluster<Task[]>(args as never, "GET", "") : await (await api(args as never)).listTasks({ status: args.status as TaskStatus | undefined, assignee: args.assignee ? String(args.assignee) : undefined });
      print(!!args.json, ts, ts.length ? ts.map(line).join("\n") : "no tasks");
    }),
});

const claim = defineCommand({
  meta: { name: "claim", description: "Take the next task for an agent (one assigned to it, else the best it may do)" },
  args: { ...globalArgs, ...clusterFlag },
  run: ({ args }) =>
    runCommand(async () => {
      const agent = args.agent ? String(args.agent) : undefined;
      const { task } = args.cluster ? await cluster<{ task: Task | null }>(args as never, "POST", "/claim", { agent }) : await (await api(args as never)).claimTask(agent);
      print(!!args.json, task, task ? `${task.id}\t${task.title}` : "no task to claim");
    }),
});

const done = defineCommand({
  meta: { name: "done", description: "Finish a task with its result (--failed when it could not be done)" },
  args: {
    ...globalArgs,
    id: { type: "positional", required: true, description: "the task id" },
    result: { type: "string", description: "what came of it" },
    failed: { type: "boolean", description: "mark it failed" },
    ...clusterFlag,
  },
  run: ({ args }) =>
    runCommand(async () => {
      const r = { result: args.result ? String(args.result) : undefined, failed: !!args.failed };
      const t = args.cluster ? await cluster<Task>(args as never, "POST", `/${encodeURIComponent(String(args.id))}/done`, r) : await (await api(args as never)).finishTask(String(args.id), r);
      print(!!args.json, t, `${t.id} ${t.status}`);
    }),
});

const progress = defineCommand({
  meta: { name: "progress", description: "Report progress on a task (renews its lease)" },
  args: {
    ...globalArgs,
    id: { type: "positional", required: true, description: "the task id" },
    percent: { type: "string", description: "0-100" },
    note: { type: "string", description: "what is happening" },
  },
  run: ({ args }) =>
    runCommand(async () => {
      const t = await (await api(args as never)).taskProgress(String(args.id), { percent: args.percent ? Number(args.percent) : undefined, note: args.note ? String(args.note) : undefined });
      print(!!args.json, t, `${t.id} ${t.progress ?? 0}%`);
    }),
});

export default defineCommand({
  meta: {
    name: "task",
    description: "The shared task queue: add, list, claim, progress, done. On a server in a cluster (serve --cluster) it is the cluster's one queue: every node's agents share it, each task held by one agent at a time",
  },
  subCommands: { add, list, claim, progress, done },
});
