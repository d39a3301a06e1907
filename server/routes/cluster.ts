import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../app.ts";
import type { Runtime } from "../runtime.ts";
import { AppError } from "../errors.ts";
import { sessionVisibility } from "../security/access.ts";
import type { ClusterPort } from "../cluster/port.ts";
import { allow } from "./access.ts";
import { documentRoute } from "./openapi.ts";

const NodeView = z.object({
  name: z.string(), state: z.enum(["up", "down"]), version: z.string(), sessions: z.number(), agents: z.number(),
  agent_names: z.array(z.string()), started_at: z.string(), last_heartbeat: z.string(), self: z.boolean(),
});

function clusterOf(rt: Runtime): ClusterPort {
  if (!rt.cluster) throw new AppError("not_found", "this server is in no cluster (start it with ai-session serve --cluster nats://HOST:PORT --node NAME)");
  return rt.cluster;
}

/** The cluster over HTTP: its nodes, and the sessions of every node. */
export function clusterRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();

  documentRoute({ method: "get", path: "/api/nodes", summary: "Every node of the cluster, up or down, from its heartbeats", scope: "read", response: z.array(NodeView), tags: ["cluster"] });
  app.get("/nodes", allow({ scope: "read" }), (c) => c.json(clusterOf(rt).nodes()));

  documentRoute({ method: "get", path: "/api/cluster/sessions", summary: "The sessions of every node that is up, each with its node", scope: "read", tags: ["cluster"] });
  app.get("/cluster/sessions", allow({ scope: "read", across: "filtered" }), async (c) => {
    const cluster = clusterOf(rt);
    const caller = c.get("caller");
    const self = cluster.status().node;
    const visible = sessionVisibility(rt, caller);
    const rows: unknown[] = rt.sessions.list().filter((s) => visible(s.name)).map((s) => ({ ...s.info(), node: self }));
    const others = cluster.nodes().filter((n) => !n.self && n.state === "up");
    const answers = await Promise.allSettled(others.map((n) => cluster.call(n.name, "sessions", caller, {}, 10_000)));
    const unreachable: string[] = [];
    answers.forEach((a, i) => {
      if (a.status === "fulfilled") rows.push(...(a.value as unknown[]));
      else unreachable.push(others[i]!.name);
    });
    if (unreachable.length) c.header("x-ai-session-unreachable", unreachable.join(","));
    return c.json(rows);
  });
  return app;
}
