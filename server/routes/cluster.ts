import { Hono, type Context } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import { AppError } from "../errors.ts";
import { NodeViewSchema, TRAFFIC_LIMIT, type ClusterPort } from "../cluster-port.ts";
import { allow } from "./access.ts";
import { documentRoute } from "./openapi.ts";
import { jsonBody, queryOf } from "./validate.ts";
import { BusMessageSchema } from "../bus/message.ts";
import { actingAgent, addSchema, claimSchema, doneSchema } from "./tasks.ts";


/** `after=alpha:12,beta:40`: the last seq read of each node. */
const trafficQuery = z.object({
  after: z
    .string()
    .regex(/^([A-Za-z0-9_-]+:\d+)(,[A-Za-z0-9_-]+:\d+)*$/, "after is NODE:SEQ, comma-separated (alpha:12,beta:40)")
    .transform((s) => Object.fromEntries(s.split(",").map((p) => [p.slice(0, p.lastIndexOf(":")), Number(p.slice(p.lastIndexOf(":") + 1))])))
    .optional(),
  limit: z.coerce.number().int().positive().max(TRAFFIC_LIMIT).optional(),
});

function clusterOf(rt: Runtime): ClusterPort {
  if (!rt.cluster) throw new AppError("not_found", "this server is in no cluster (start it with ai-session serve --cluster nats://HOST:PORT --node NAME)");
  return rt.cluster;
}

/** A list gathered from every node that is up; the nodes that did not answer are named in a header. */
function gathered(c: Context<AppEnv>, rows: unknown[], unreachable: string[]) {
  if (unreachable.length) c.header("x-ai-session-unreachable", unreachable.join(","));
  return c.json(rows);
}

/** The cluster over HTTP: its nodes, and the sessions of every node. */
export function clusterRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();

  documentRoute({ method: "get", path: "/api/nodes", summary: "Every node of the cluster, up or down, from its heartbeats", scope: "read", response: z.array(NodeViewSchema), tags: ["cluster"] });
  app.get("/nodes", allow({ scope: "read" }), (c) => c.json(clusterOf(rt).nodes()));

  documentRoute({ method: "get", path: "/api/cluster/sessions", summary: "The sessions of every node that is up, each with its node", scope: "read", tags: ["cluster"] });
  app.get("/cluster/sessions", allow({ scope: "read", across: "filtered" }), async (c) => {
    const { sessions, unreachable } = await clusterOf(rt).sessionsEverywhere(c.get("caller"));
    return gathered(c, sessions, unreachable);
  });
  documentRoute({ method: "get", path: "/api/cluster/bus/messages", summary: "The bus messages of every node that is up, oldest first, each once with the node that keeps it (?after=NODE:SEQ,…: that node's next messages after SEQ)", scope: "read", query: trafficQuery, response: z.array(BusMessageSchema.extend({ node: z.string() })), tags: ["cluster"] });
  app.get("/cluster/bus/messages", allow({ scope: "read" }), async (c) => {
    const q = queryOf(c, trafficQuery);
    const { messages, unreachable } = await clusterOf(rt).trafficEverywhere(c.get("caller"), q);
    return gathered(c, messages, unreachable);
  });
  documentRoute({ method: "get", path: "/api/cluster/agents", summary: "The agents registered on every node that is up, each with its node", scope: "read", tags: ["cluster"] });
  app.get("/cluster/agents", allow({ scope: "read" }), async (c) => {
    const { agents, unreachable } = await clusterOf(rt).agentsEverywhere(c.get("caller"));
    return gathered(c, agents, unreachable);
  });
  // The cluster's one task queue (server/cluster/tasks.ts), as GET/POST /api/tasks answer it on a node in a cluster;
  // kept for `task ... --cluster` and other callers of these paths.
  const tags = ["cluster"];
  const board = () => clusterOf(rt).tasks;
  documentRoute({ method: "post", path: "/api/cluster/tasks", summary: "Add a task to the cluster's queue (as POST /api/tasks on a node in a cluster)", scope: "exec", body: addSchema, status: 201, tags });
  app.post("/cluster/tasks", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, addSchema);
    return c.json(await board().add({ ...body, created_by: c.get("caller").agent ?? undefined }), 201);
  });
  documentRoute({ method: "get", path: "/api/cluster/tasks", summary: "The cluster's tasks, highest priority first", scope: "read", tags });
  app.get("/cluster/tasks", allow({ scope: "read" }), async (c) => c.json(await board().list()));
  documentRoute({ method: "post", path: "/api/cluster/tasks/claim", summary: "Take the best cluster task this node's agent may do (null when none); exactly one claim wins a task", scope: "exec", body: claimSchema, tags });
  app.post("/cluster/tasks/claim", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, claimSchema);
    const name = actingAgent(c.get("caller"), body.agent);
    if (!name) throw new AppError("invalid", "say which agent claims (--agent NAME)");
    return c.json({ task: await board().claim(name) });
  });
  documentRoute({ method: "post", path: "/api/cluster/tasks/{id}/done", summary: "Finish a cluster task (its holder only)", scope: "exec", body: doneSchema, tags });
  app.post("/cluster/tasks/:id/done", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, doneSchema);
    return c.json(await board().finish(c.req.param("id"), c.get("caller").agent ?? undefined, body));
  });
  return app;
}
