import type { AgentRegistry } from "../bus/agents.ts";
import type { BusTransport } from "../bus/transport.ts";
import type { Runtime } from "../runtime.ts";
import type { Caller } from "../security/auth.ts";
import { ClusterTransport } from "./bridge.ts";
import { shownUrl, type ClusterConfig } from "./config.ts";
import { connectCluster, connectedFlag, names } from "./connection.ts";
import { Membership } from "./membership.ts";
import type { ClusterPort, NodeMessage, NodeSession, RemoteOp } from "../cluster-port.ts";
import { callNode, nodeAgents, nodeSessions, nodeTraffic, serveCalls } from "./remote.ts";
import { KvKnowledge } from "./knowledge.ts";
import { openTerminal } from "./terminal.ts";
import { KvTaskBoard } from "./tasks.ts";
import { keptSentence, moveLocalTasks } from "./task-join.ts";
import { AppError } from "../errors.ts";
import { viewerOf } from "../access/callers.ts";

/** A cluster being joined: connected first, then wired to the bus and the runtime once they exist. */
export interface ClusterJoin {
  /** Wraps the bus's local transport (given to createBusService). */
  wrapTransport(local: BusTransport, agents: AgentRegistry): BusTransport;
  /** Starts heartbeats, the bus stream and the request subject; gives the port rt.cluster holds. */
  start(rt: Runtime): Promise<ClusterPort>;
}

/**
 * Joins the cluster (server/main.ts imports this module only when --cluster is given, so one
 * machine never loads NATS). Sessions stay on their node; the bus, membership and remote calls go
 * through NATS.
 */
export async function joinCluster(cfg: ClusterConfig): Promise<ClusterJoin> {
  const nc = await connectCluster(cfg);
  const n = names(cfg.name, cfg.replicas);
  const connected = connectedFlag(nc);
  let membership: Membership | undefined;
  let transport: ClusterTransport | undefined;
  return {
    wrapTransport(local, agents) {
      transport = new ClusterTransport(local, agents, nc, n, cfg.node, (agent) => membership?.nodeOfAgent(agent));
      return transport;
    },
    async start(rt) {
      membership = await Membership.join(nc, n, cfg.node, () => ({
        version: rt.version,
        sessions: rt.sessions.list().length,
        agent_names: rt.bus.agents.list().map((a) => a.name),
        started_at: rt.startedAt,
      }));
      await transport?.start((input) => rt.bus.bus.publish(input));
      const tasks = await KvTaskBoard.open(nc, n.tasksBucket, n.replicas, {
        name: cfg.node,
        agents: rt.bus.agents,
        alive: () => rt.bus.tasks.alive(),
        publish: (m) => rt.bus.bus.publish(m),
        knows: (agent) => rt.bus.agents.find(agent) !== undefined || membership?.nodeOfAgent(agent) !== undefined,
        defaultLeaseMs: rt.bus.tasks.opts.defaultLeaseMs,
        sweepMs: rt.bus.tasks.opts.sweepMs,
        keepFinishedMs: cfg.taskKeepMs,
        nodeDown: (node) => membership?.isDown(node) === true,
      });
      const log = (line: string) => console.error(line);
      let notMoved: string[] = [];
      try {
        const { kept } = await moveLocalTasks(rt.bus.tasks, tasks, { name: cfg.node, agents: rt.bus.agents, publish: (m) => rt.bus.bus.publish(m), log });
        notMoved = [...kept].map(([id, why]) => keptSentence(cfg.node, id, why));
      } catch (err) {
        log(`could not move the tasks queued on node ${cfg.node} before it joined into the cluster's queue (tried again at the next start): ${(err as Error).message}`);
      }
      const knowledge = await KvKnowledge.open(nc, n.knowledgeBucket, n.replicas, rt.bus.agents, rt.bus.bus, (agent) => membership?.nodeOfAgent(agent));
      const isCopy = (id: string) => transport?.isCopy(id) ?? false;
      const calls = serveCalls(nc, n, cfg.node, rt, isCopy);
      const m = membership;
      /** Asks every other node that is up, at once; what they answer (lists, joined) and which did not. */
      const everyOtherNode = async <T,>(caller: Caller, op: RemoteOp, args: (node: string) => Record<string, unknown>) => {
        const others = m.nodes().filter((node) => !node.self && node.state === "up");
        const answers = await Promise.allSettled(others.map((node) => callNode(nc, n, cfg.node, node.name, op, caller, args(node.name), 10_000)));
        const rows: T[] = [];
        const unreachable: string[] = [];
        answers.forEach((a, i) => {
          if (a.status === "fulfilled") rows.push(...(a.value as T[]));
          else unreachable.push(others[i]!.name);
        });
        return { rows, unreachable };
      };
      const port: ClusterPort = {
        status: () => ({ name: cfg.name, node: cfg.node, url: shownUrl(cfg.url), connected: connected(), tasks_not_moved: notMoved }),
        nodes: () => m.nodes(),
        tasks,
        knowledge,
        call(node: string, op: RemoteOp, caller: Caller, args: Record<string, unknown>, timeoutMs: number) {
          if (!m.has(node)) throw new AppError("not_found", `no node named "${node}" in cluster "${cfg.name}" (ai-session nodes lists them)`);
          return callNode(nc, n, cfg.node, node, op, caller, args, timeoutMs);
        },
        terminal(node, session, caller, to) {
          const up = () => m.nodes().some((x) => x.name === node && x.state === "up");
          if (!m.has(node)) {
            to.text(JSON.stringify({ type: "error", code: "not_found", message: `no node named "${node}" in cluster "${cfg.name}" (ai-session nodes lists them)` }));
            to.close(4000, "not_found");
            return { input() {}, close() {} };
          }
          return openTerminal(nc, n, (id) => callNode(nc, n, cfg.node, node, "attach", caller, { session, id }, 10_000), node, up, to);
        },
        async sessionsEverywhere(caller) {
          const { rows, unreachable } = await everyOtherNode<NodeSession>(caller, "sessions", () => ({}));
          return { sessions: [...nodeSessions(rt, caller, cfg.node), ...rows], unreachable };
        },
        async agentsEverywhere(caller) {
          const { rows, unreachable } = await everyOtherNode<ReturnType<typeof nodeAgents>[number]>(caller, "agents", () => ({}));
          return { agents: [...nodeAgents(rt, cfg.node), ...rows], unreachable };
        },
        async trafficEverywhere(caller, q) {
          const args = (node: string) => ({ after: q.after?.[node], limit: q.limit });
          // the caller's agent is registered here: the other nodes are told its topics
          const topics = viewerOf(rt, caller)?.topics;
          const { rows, unreachable } = await everyOtherNode<NodeMessage>(caller, "traffic", (node) => ({ ...args(node), topics }));
          const messages = [...nodeTraffic(rt, caller, cfg.node, args(cfg.node), isCopy), ...rows];
          messages.sort((a, b) => a.time - b.time || a.node.localeCompare(b.node) || a.seq - b.seq);
          return { messages, unreachable };
        },
        async close() {
          calls.unsubscribe();
          tasks.stop();
          transport?.stop();
          await m.leave();
          await nc.drain().catch(() => {});
        },
      };
      return port;
    },
  };
}
