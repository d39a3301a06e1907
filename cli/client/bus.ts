// Typed client methods for the coordination routes (server/routes/{agents,bus,tasks,knowledge,trace}.ts).
import type { AgentView } from "../../server/bus/agents.ts";
import type { SessionStatus } from "../../server/bus/agent-status.ts";
import type { Entry } from "../../server/bus/knowledge.ts";
import type { BusMessage, MessageType } from "../../server/bus/message.ts";
import type { Role } from "../../server/roles/roles.ts";
import type { Task, TaskStatus } from "../../server/bus/tasks.ts";
import type { InboxAnswer } from "../../server/bus/transport.ts";
import type { Decision, Span, Summary, TokenMetrics } from "../../server/trace/index.ts";

export interface Requester {
  request<T>(method: string, path: string, body?: unknown): Promise<T>;
}

export type { AgentView };
export interface Destination {
  to?: string;
  topic?: string;
  broadcast?: boolean;
}
export interface Metrics {
  latency: Array<{ op: string } & Summary>;
  tokens: TokenMetrics;
  bus: { published: number; seq: number; inboxes: number; waiting: number; dropped: number; pending_writes: number };
}

const enc = encodeURIComponent;

function query(q: Record<string, string | number | boolean | undefined>): string {
  const parts = Object.entries(q)
    .filter(([, v]) => v !== undefined && v !== "")
    .map(([k, v]) => `${enc(k)}=${enc(String(v))}`);
  return parts.length ? `?${parts.join("&")}` : "";
}

export function busClient(c: Requester) {
  return {
    registerAgent: (a: { name: string; role: string; capabilities?: string[]; topics?: string[]; workspace?: string; session?: string; delivery?: "idle" | "eager" | "none" }) =>
      c.request<AgentView>("POST", "/api/agents", a),
    listAgents: () => c.request<AgentView[]>("GET", "/api/agents"),
    getAgent: (name: string) => c.request<AgentView>("GET", `/api/agents/${enc(name)}`),
    removeAgent: (name: string) => c.request<{ removed: string }>("DELETE", `/api/agents/${enc(name)}`),
    heartbeat: (name: string) => c.request<{ agent: string; leases_renewed: number }>("POST", `/api/agents/${enc(name)}/heartbeat`),
    roles: () => c.request<{ roles: Role[]; file: string | null; error: string | null }>("GET", "/api/roles"),
    reloadRoles: () => c.request<{ roles: Role[]; file: string | null; error: string | null }>("POST", "/api/policies/reload"),
    agentStatus: () => c.request<Array<SessionStatus & { session: string }>>("GET", "/api/agent-status"),

    send: (m: Destination & { type?: MessageType; payload: unknown; correlation_id?: string }) => c.request<BusMessage>("POST", "/api/bus/messages", m),
    request: (m: Destination & { type?: MessageType; payload: unknown }, timeoutMs: number) =>
      c.request<BusMessage>("POST", "/api/bus/request", { message: m, timeout_ms: timeoutMs }),
    /** What waits for an agent; with ack, what was returned is acknowledged (`waiting` is then what is left). */
    inbox: async (agent: string, o: { ack?: boolean; after?: number; limit?: number } = {}) => {
      const r = await c.request<InboxAnswer>("GET", `/api/bus/inbox/${enc(agent)}${query({ after: o.after, limit: o.limit })}`);
      if (o.ack && r.messages.length) {
        const a = await c.request<{ acked: number; waiting: number }>("POST", `/api/bus/inbox/${enc(agent)}/ack`, { seqs: r.messages.map((m) => m.seq) });
        r.waiting = a.waiting;
      }
      return r;
    },
    ack: (agent: string, o: { seqs?: number[]; up_to?: number }) => c.request<{ acked: number; waiting: number }>("POST", `/api/bus/inbox/${enc(agent)}/ack`, o),
    history: (q: { agent?: string; topic?: string; type?: string; after?: number; limit?: number } = {}) =>
      c.request<BusMessage[]>("GET", `/api/bus/messages${query(q)}`),

    addTask: (t: { title: string; description?: string; role?: string; capability?: string; priority?: number; depends_on?: string[]; lease_ms?: number }) =>
      c.request<Task>("POST", "/api/tasks", t),
    listTasks: (q: { status?: TaskStatus; assignee?: string } = {}) => c.request<Task[]>("GET", `/api/tasks${query(q)}`),
    getTask: (id: string) => c.request<Task>("GET", `/api/tasks/${enc(id)}`),
    claimTask: (agent?: string) => c.request<{ task: Task | null }>("POST", "/api/tasks/claim", agent ? { agent } : {}),
    taskProgress: (id: string, p: { percent?: number; note?: string }) => c.request<Task>("POST", `/api/tasks/${enc(id)}/progress`, p),
    finishTask: (id: string, r: { result?: string; failed?: boolean }) => c.request<Task>("POST", `/api/tasks/${enc(id)}/done`, r),

    knowledgeList: (prefix?: string) => c.request<Entry[]>("GET", `/api/knowledge${query({ prefix })}`),
    knowledgeGet: (key: string) => c.request<Entry>("GET", `/api/knowledge/${key.split("/").map(enc).join("/")}`),
    knowledgeHistory: (key: string) => c.request<Entry[]>("GET", `/api/knowledge/history/${key.split("/").map(enc).join("/")}`),
    knowledgeSet: (key: string, value: unknown, o: { expected_version?: number; scope?: string } = {}) =>
      c.request<Entry>("PUT", `/api/knowledge/${key.split("/").map(enc).join("/")}`, { value, ...o }),
    knowledgeDelete: (key: string, expected?: number) =>
      c.request<Entry>("DELETE", `/api/knowledge/${key.split("/").map(enc).join("/")}${query({ expected_version: expected })}`),

    decide: (d: { what: string; options?: string[]; choice: string; reasoning?: string; session?: string }) => c.request<Decision>("POST", "/api/trace/decisions", d),
    trace: (q: { session?: string; agent?: string; op?: string; limit?: number } = {}) =>
      c.request<{ decisions: Decision[]; spans: Span[] }>("GET", `/api/trace${query(q)}`),
    otel: (q: { session?: string; agent?: string; limit?: number } = {}) => c.request<unknown>("GET", `/api/trace/otel${query(q)}`),
    metrics: (session?: string) => c.request<Metrics>("GET", `/api/metrics${query({ session })}`),
  };
}

export type BusClient = ReturnType<typeof busClient>;

export interface BusStreamQuery {
  agent?: string;
  topics?: string[];
  all?: boolean;
  after?: number;
  queue?: number;
}

const streamPath = (q: BusStreamQuery, token?: string) =>
  `/api/bus/stream${query({ agent: q.agent, topics: q.topics?.join(","), all: q.all ? 1 : undefined, after: q.after, queue: q.queue, token })}`;

/**
 * Where the bus WebSocket lives for a data directory's server: over its Unix socket where the
 * runtime's WebSocket takes `ws+unix://` (platform.unixWebSocket), else over its loopback TCP port
 * with the token in the query, as the dashboard and attach connect.
 */
export function busStreamUrl(where: { socket: string } | { port: number; token: string }, q: BusStreamQuery): string {
  if ("socket" in where) return `ws+unix://${where.socket}:${streamPath(q)}`;
  return `ws://127.0.0.1:${where.port}${streamPath(q, where.token)}`;
}
