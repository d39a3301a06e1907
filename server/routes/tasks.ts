import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { AppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import type { Caller } from "../security/auth.ts";
import { time } from "../trace/index.ts";
import { documentRoute } from "./openapi.ts";
import { jsonBody, queryOf } from "./validate.ts";
import { allow } from "./access.ts";
import { TaskSchema, TaskStatusSchema } from "../bus/tasks.ts";
import { tasksOf } from "../cluster-port.ts";

export const addSchema = z
  .object({
    title: z.string().min(1).max(500),
    description: z.string().max(20_000).optional(),
    role: z.string().min(1).optional(),
    capability: z.string().min(1).optional(),
    priority: z.number().int().min(-1000).max(1000).optional(),
    depends_on: z.array(z.string().min(1)).max(100).optional(),
    lease_ms: z.number().int().min(10).max(86_400_000).optional(),
  })
  .strict();

const listQuery = z.object({
  status: TaskStatusSchema.optional(),
  assignee: z.string().optional(),
});
export const claimSchema = z.object({ agent: z.string().min(1).optional() }).strict();
const progressSchema = z.object({ percent: z.number().min(0).max(100).optional(), note: z.string().max(2000).optional() }).strict();
/** What a claim answers: the task taken, or null when there is none to take. */
export const ClaimAnswerSchema = z.strictObject({ task: TaskSchema.nullable() });
export const doneSchema = z.object({ result: z.string().max(100_000).optional(), failed: z.boolean().optional() }).strict();

/** The agent a task call is made for: the caller's agent, or the one named (owner only). */
export function actingAgent(caller: Caller, named: string | undefined): string | undefined {
  if (caller.agent && named && named !== caller.agent) throw new AppError("denied", `agent "${caller.agent}" cannot act for agent "${named}"`);
  return caller.agent ?? named;
}

/** The task queue over HTTP: the cluster's one queue once the server joined a cluster, else this machine's. */
export function taskRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const tasks = () => tasksOf(rt); // rt.cluster is set once the server has joined

  documentRoute({ method: "post", path: "/api/tasks", summary: "Add a task; it goes to the least-loaded eligible live agent, or waits in the queue", scope: "exec", body: addSchema, response: TaskSchema, status: 201, tags: ["tasks"] });
  app.post("/tasks", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, addSchema);
    return c.json(await time("task.add", () => tasks().add({ ...body, created_by: c.get("caller").agent ?? undefined })), 201);
  });

  documentRoute({ method: "get", path: "/api/tasks", summary: "Tasks, highest priority first", scope: "read", query: listQuery, response: z.array(TaskSchema), tags: ["tasks"] });
  app.get("/tasks", allow({ scope: "read" }), async (c) => c.json(await tasks().list(queryOf(c, listQuery))));

  documentRoute({ method: "get", path: "/api/tasks/{id}", summary: "One task", scope: "read", response: TaskSchema, tags: ["tasks"] });
  app.get("/tasks/:id", allow({ scope: "read" }), async (c) => c.json(await tasks().get(c.req.param("id"))));

  documentRoute({ method: "post", path: "/api/tasks/claim", summary: "Take work for an agent: a task assigned to it, else the best ready one it may do (null when none)", scope: "exec", body: claimSchema, response: ClaimAnswerSchema, tags: ["tasks"] });
  app.post("/tasks/claim", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, claimSchema);
    const agent = actingAgent(c.get("caller"), body.agent);
    if (!agent) throw new AppError("invalid", "say which agent claims (--agent NAME)");
    return c.json({ task: await time("task.claim", () => tasks().claim(agent), { agent }) });
  });

  documentRoute({ method: "post", path: "/api/tasks/{id}/progress", summary: "Record progress and renew the lease", scope: "exec", body: progressSchema, response: TaskSchema, tags: ["tasks"] });
  app.post("/tasks/:id/progress", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, progressSchema);
    return c.json(await tasks().progress(c.req.param("id"), c.get("caller").agent ?? undefined, body));
  });

  documentRoute({ method: "post", path: "/api/tasks/{id}/done", summary: "Finish a task with its result (failed: true to fail it)", scope: "exec", body: doneSchema, response: TaskSchema, tags: ["tasks"] });
  app.post("/tasks/:id/done", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, doneSchema);
    return c.json(await time("task.done", () => tasks().finish(c.req.param("id"), c.get("caller").agent ?? undefined, body)));
  });

  return app;
}
