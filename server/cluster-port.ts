import { z } from "zod";
import type { Caller } from "./security/auth.ts";
import type { SessionInfo } from "./session/session.ts";
import type { Entry, KnowledgeStore, WriteOptions } from "./bus/knowledge.ts";
import type { BusMessage } from "./bus/message.ts";
import type { AgentView } from "./bus/agents.ts";
import type { AddTaskInput, Task, TaskStatus } from "./bus/tasks.ts";

/** One node as the cluster knows it (from its heartbeats). */
export const NodeViewSchema = z.object({
  name: z.string(),
  state: z.enum(["up", "down"]),
  version: z.string(),
  sessions: z.number(),
  agents: z.number(),
  agent_names: z.array(z.string()),
  started_at: z.string(),
  last_heartbeat: z.string(),
  self: z.boolean().describe("this server's own entry"),
});
export type NodeView = z.infer<typeof NodeViewSchema>;

/** A bus message as the cluster's traffic shows it: with the node that keeps it (`seq` is that node's). */
export type NodeMessage = BusMessage & { node: string };

/** The most messages one node gives for one read of the cluster's traffic. */
export const TRAFFIC_LIMIT = 2000;

/** What the cluster's traffic is read after: the last seq seen of each node, and how many at most. */
export interface TrafficQuery {
  after?: Record<string, number>;
  limit?: number;
}

/** A session as `list --all-nodes` shows it: with the node it runs on. */
export type NodeSession = SessionInfo & { node: string };

/** What `status --json` says of the cluster. */
export interface ClusterStatus {
  name: string;
  node: string;
  url: string;
  connected: boolean;
  /** Tasks of this node's own queue that could not move into the cluster's when it joined: one sentence each. */
  tasks_not_moved: string[];
}

/** The operations a node answers for another node's caller (remote.ts). */
export type RemoteOp =
  | "exec" | "wait" | "send" | "read" | "screen" | "kill" | "resize" | "history" | "snapshot" | "context" | "analysis" | "conversation" | "converse" | "summarize"
  | "info" | "command" | "lines" | "sessions" | "traffic" | "agents" | "part" | "attach" | "create" | "restore";

/**
 * The cluster as the rest of the server sees it (rt.cluster): no NATS types, so routes and the
 * domain stay free of it. Implemented by server/cluster/index.ts, loaded only with --cluster.
 */
export interface ClusterPort {
  status(): ClusterStatus;
  nodes(): NodeView[];
  /** The one task queue of the cluster. */
  tasks: TaskBoard;
  /** The cluster's shared knowledge, which replaces each node's own once it joins. */
  knowledge: KnowledgeBoard;
  /** Sends a request to a node on behalf of a caller; resolves to its answer or throws its AppError. */
  call(node: string, op: RemoteOp, caller: Caller, args: Record<string, unknown>, timeoutMs: number): Promise<unknown>;
  /** Opens the live terminal of a session on another node for a viewer here (output to `to`, input through the link). */
  terminal(node: string, session: string, caller: Caller, to: TerminalSink): TerminalLink;
  /** The sessions the caller may see on every node that is up, and the nodes that did not answer. */
  sessionsEverywhere(caller: Caller): Promise<{ sessions: NodeSession[]; unreachable: string[] }>;
  /**
   * The bus messages of every node that is up that the caller may see, oldest first: each once, from
   * the node that keeps it (a direct message: its recipient's; a topic message or broadcast: its sender's).
   */
  trafficEverywhere(caller: Caller, q: TrafficQuery): Promise<{ messages: NodeMessage[]; unreachable: string[] }>;
  /** The agents registered on every node that is up (as GET /api/agents shows them), each with its node. */
  agentsEverywhere(caller: Caller): Promise<{ agents: Array<AgentView & { node: string }>; unreachable: string[] }>;
  close(): Promise<void>;
}

/** Where a remote terminal's frames go: the viewer's WebSocket. */
export interface TerminalSink {
  text(json: string): void;
  bytes(data: Uint8Array): void;
  close(code: number, reason: string): void;
}

/** A viewer's side of a remote terminal: its frames ({type:"input"|"resize"}, as on the WebSocket) go to the session's node. */
export interface TerminalLink {
  input(frame: string): void;
  close(): void;
}

/** `dev@build-2` → {session: "dev", node: "build-2"}; a plain name has no node. */
export function splitAddress(name: string): { session: string; node?: string } {
  const at = name.lastIndexOf("@");
  if (at <= 0) return { session: name };
  return { session: name.slice(0, at), node: name.slice(at + 1) };
}

/**
 * Where a session name points: another node (with --cluster and NAME@NODE), or this one. Without a
 * cluster a name is taken as it is, as on one machine.
 */
export function sessionTarget(cluster: ClusterPort | undefined, name: string): { session: string; node?: string } {
  if (!cluster) return { session: name };
  const { session, node } = splitAddress(name);
  if (node === undefined || node === cluster.status().node) return { session };
  return { session, node };
}

/** A task of the cluster-wide queue (server/cluster/tasks.ts): a local task's fields, and the node of its holder. */
export type ClusterTask = Task & { node: string | null };

/**
 * The task queue as routes and tools use it: this node's own (TaskQueue, SQLite) or the cluster's
 * one queue (server/cluster/tasks.ts, a KV bucket), with the same verbs and the same answers.
 */
export interface TaskBoard {
  add(input: AddTaskInput): Awaitable<Task>;
  get(id: string): Awaitable<Task>;
  list(q?: { status?: TaskStatus; assignee?: string }): Awaitable<Task[]>;
  /** The agent (registered on this node) takes work: a task handed to it, else the best ready one it may do. */
  claim(agent: string): Awaitable<Task | null>;
  progress(id: string, agent: string | undefined, p: { percent?: number; note?: string }): Awaitable<Task>;
  /** Renews the leases of what the agent holds; how many. */
  heartbeat(agent: string): Awaitable<number>;
  finish(id: string, agent: string | undefined, r: { result?: string; failed?: boolean }): Awaitable<Task>;
}

/** The tasks a caller of this server shares: the cluster's one queue once the server joined one, else this machine's. */
export function tasksOf(rt: { bus: { tasks: TaskBoard }; cluster?: ClusterPort }): TaskBoard {
  return rt.cluster?.tasks ?? rt.bus.tasks;
}

/**
 * Runs a session operation where the session lives: here (`local`), or as a request to its node
 * when the name is NAME@NODE of another node. The answer has the same shape either way.
 */
/** How long a call to another node may take: the command's own bound, and 15 s for the trip. */
export const remoteWaitMs = (timeoutMs = 600_000) => Math.min(timeoutMs, 86_400_000) + 15_000;

export async function onNode<T>(
  cluster: ClusterPort | undefined,
  caller: Caller,
  name: string,
  op: RemoteOp,
  args: Record<string, unknown>,
  local: (session: string) => T | Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const to = sessionTarget(cluster, name);
  if (!to.node) return local(to.session);
  return (await cluster!.call(to.node, op, caller, { ...args, session: to.session }, timeoutMs)) as T;
}

type Awaitable<T> = T | Promise<T>;

/** Shared knowledge as routes and tools use it: each node's own (KnowledgeStore) or the cluster's (server/cluster/knowledge.ts). */
export interface KnowledgeBoard {
  get(key: string, agent?: string): Awaitable<Entry>;
  list(agent?: string, prefix?: string): Awaitable<Entry[]>;
  history(key: string, agent?: string): Awaitable<Entry[]>;
  set(key: string, value: unknown, opts?: WriteOptions): Awaitable<Entry>;
  delete(key: string, opts?: { agent?: string; expectedVersion?: number }): Awaitable<Entry>;
}

/** The knowledge a caller of this server shares: the cluster's once the server joined one, else this machine's. */
export function knowledgeOf(rt: { bus: { knowledge: KnowledgeStore }; cluster?: ClusterPort }): KnowledgeBoard {
  return rt.cluster?.knowledge ?? rt.bus.knowledge;
}
