import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { AppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { AgentViewSchema, checkRegistration, checkRemoval, DeliverySchema } from "../bus/agents.ts";
import { requireSessionAccess } from "../security/tokens.ts";
import { visibleSessions } from "../access/sessions.ts";
import { documentRoute } from "./openapi.ts";
import { jsonBody } from "./validate.ts";
import { allow } from "./access.ts";
import { tasksOf } from "../cluster-port.ts";
import { agentView, registrarOf } from "../access/callers.ts";

const registerSchema = z
  .object({
    name: z.string().min(1).max(64),
    role: z.string().min(1),
    capabilities: z.array(z.string().min(1).max(64)).max(64).optional(),
    topics: z.array(z.string().min(1).max(128)).max(256).optional(),
    workspace: z.string().min(1).nullable().optional(),
    session: z.string().min(1).nullable().optional(),
    delivery: DeliverySchema.optional(),
  })
  .strict();

/** Agents and roles: register, list, look up, heartbeat, remove; the roles and their policies. */
export function agentRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const { agents } = rt.bus;

  documentRoute({ method: "post", path: "/api/agents", summary: "Register an agent (or update its registration)", scope: "exec", body: registerSchema, response: AgentViewSchema, status: 201, tags: ["agents"] });
  app.post("/agents", allow({ scope: "exec", session: { body: "session" } }), async (c) => {
    const body = await jsonBody(c, registerSchema);
    const caller = c.get("caller");
    const who = registrarOf(caller);
    checkRegistration(agents, who, body);
    if (body.session && !who.admin) {
      // the session an agent says it runs in must be one the caller may use
      requireSessionAccess(caller, body.session);
      if (rt.sessions.has?.(body.session)) {
        rt.sessions.check({ kind: "attach", agent: agents.find(body.name) ? body.name : undefined, role: who.role, session: rt.sessions.get(body.session).info() });
      }
    }
    return c.json(agentView(rt, agents.register(body)), 201);
  });

  documentRoute({ method: "get", path: "/api/agents", summary: "List registered agents with inbox size, load and session status", scope: "read", response: z.array(AgentViewSchema), tags: ["agents"] });
  app.get("/agents", allow({ scope: "read" }), (c) => c.json(agents.list().map((a) => agentView(rt, a))));

  documentRoute({ method: "get", path: "/api/agents/{name}", summary: "One registered agent with its inbox size, load and session status", scope: "read", response: AgentViewSchema, tags: ["agents"] });
  app.get("/agents/:name", allow({ scope: "read" }), (c) => c.json(agentView(rt, agents.get(c.req.param("name")))));

  documentRoute({ method: "post", path: "/api/agents/{name}/heartbeat", summary: "Mark the agent alive and renew its task leases", scope: "exec", tags: ["agents"] });
  app.post("/agents/:name/heartbeat", allow({ scope: "exec" }), async (c) => {
    const name = c.req.param("name");
    const caller = c.get("caller");
    if (caller.agent && caller.agent !== name) throw new AppError("denied", `agent "${caller.agent}" cannot send a heartbeat for "${name}"`);
    return c.json({ agent: name, leases_renewed: await tasksOf(rt).heartbeat(name) });
  });

  app.delete("/agents/:name", allow({ scope: "exec" }), (c) => {
    const name = c.req.param("name");
    checkRemoval(registrarOf(c.get("caller")), name);
    agents.remove(name);
    return c.json({ removed: name });
  });

  documentRoute({ method: "get", path: "/api/roles", summary: "Roles and their policies (built in, and from roles.json)", scope: "read", tags: ["agents"] });
  app.get("/roles", allow({ scope: "read" }), (c) => c.json({ roles: agents.roles.list(), file: agents.roles.loadedFrom, error: agents.roles.loadError }));

  documentRoute({ method: "post", path: "/api/policies/reload", summary: "Read the roles file again after an edit (admin)", scope: "admin", tags: ["agents"] });
  app.post("/policies/reload", allow({ scope: "admin" }), async (c) => {
    await jsonBody(c, z.object({}).strict()); // nothing to send; anything sent is a mistake
    agents.roles.reload();
    return c.json({ roles: agents.roles.list(), file: agents.roles.loadedFrom, error: agents.roles.loadError });
  });

  documentRoute({ method: "get", path: "/api/agent-status", summary: "What each session's occupant is doing (idle, working, blocked, done, error) and the source", scope: "read", tags: ["agents"] });
  app.get("/agent-status", allow({ scope: "read", across: "filtered" }), (c) => {
    const statuses = rt.bus.status?.all() ?? [];
    const names = new Map(visibleSessions(rt, c.get("caller")).map((s) => [s.id, s.name]));
    return c.json(statuses.filter((s) => names.has(s.session_id)).map((s) => ({ session: names.get(s.session_id), ...s })));
  });

  return app;
}
