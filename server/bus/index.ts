import { EventEmitter } from "node:events";
import type { Db } from "../../db/client.ts";
import type { SessionManager } from "../session/manager.ts";
import { recordAudit } from "../audit/log.ts";
import { AgentRegistry } from "./agents.ts";
import { StatusBoard, type SessionPort } from "./agent-status.ts";
import { Bus } from "./bus.ts";
import { InboxDelivery } from "./delivery.ts";
import { defaultWorkDir, policyGuard, sandboxStandings, type DenialEvent, type GuardQuestion } from "./guard.ts";
import { KnowledgeStore } from "./knowledge.ts";
import { RoleBook } from "../roles/roles.ts";
import { BusStore, DEFAULT_STORE_OPTIONS } from "./store.ts";
import { busLimits, busWriterThread } from "./limits.ts";
import { TaskQueue } from "./tasks.ts";
import type { BusTransport } from "./transport.ts";

export { Bus } from "./bus.ts";
export type { BusMessage, PublishInput, MessageType } from "./message.ts";
export type { Agent } from "./agents.ts";
export type { Task } from "./tasks.ts";
export type { DenialEvent } from "./guard.ts";

/** The SessionManager (server/session/manager.ts): guards, output events, typing into sessions. */
export type SessionsLike = Pick<SessionManager, "events" | "list" | "get" | "has" | "byId" | "addGuard" | "check" | "setDefaultDir" | "setSandboxStandings">;

export interface BusServiceOptions {
  db: Db;
  home: string;
  rolesFile?: string;
  sessions?: SessionsLike;
  /** Default: AI_SESSION_BUS_INBOX, else 10,000 (limits.ts). */
  inboxCapacity?: number;
  tasks?: { defaultLeaseMs: number; aliveMs: number; sweepMs: number };
  quietMs?: number;
  /** Wraps the bus transport (a cluster's bridge, server/cluster); none on one machine. */
  wrapTransport?: (local: BusTransport, agents: AgentRegistry) => BusTransport;
}

export interface BusService {
  roles: RoleBook;
  agents: AgentRegistry;
  bus: Bus;
  tasks: TaskQueue;
  knowledge: KnowledgeStore;
  status: StatusBoard | null;
  guard: (q: GuardQuestion) => void;
  /** "denied" (DenialEvent) for every policy refusal; each is also written to the audit log. */
  denials: EventEmitter;
  /**
   * "event" with one small object per change, for live views (the dashboard's /api/events):
   * {type: "agent:registered"|"agent:updated"|"agent:removed", agent}, {type: "task:changed", task, status, assignee},
   * {type: "bus:message", seq, message_type, sender, to, topic, broadcast}, {type: "agent:status", session_id, status, source},
   * {type: "policy:denied", agent, rule, session}, {type: "decision:recorded", id, agent} (emitted by the trace route).
   */
  activity: EventEmitter;
  close(): void;
}

/** Builds the coordination layer and, given the SessionManager, registers the policy guard on it. */
export function createBusService(o: BusServiceOptions): BusService {
  const roles = new RoleBook(o.home, o.rolesFile);
  const agents = new AgentRegistry(o.db, roles);
  const bus = new Bus(agents, new BusStore(o.db.$client, { ...DEFAULT_STORE_OPTIONS, thread: busWriterThread() }), {
    inboxCapacity: o.inboxCapacity ?? busLimits().inbox,
    wrapTransport: o.wrapTransport && ((local) => o.wrapTransport!(local, agents)),
  });
  const tasks = new TaskQueue(o.db, agents, bus, o.tasks);
  const knowledge = new KnowledgeStore(o.db, agents, bus);
  const denials = new EventEmitter();
  const guard = policyGuard(agents, (e: DenialEvent) => {
    recordAudit(o.db, {
      time: e.time,
      actor: { kind: e.agent ? "agent" : "session-role", name: e.agent ?? e.role },
      agent: e.agent,
      action: `policy.${e.kind}`,
      target: e.session,
      outcome: "denied",
      detail: { rule: e.rule, role: e.role, command: e.command, message: e.message },
    });
    denials.emit("denied", e);
  });

  const activity = new EventEmitter();
  activity.setMaxListeners(0);
  const say = (e: Record<string, unknown>) => activity.listenerCount("event") && activity.emit("event", e);
  for (const kind of ["registered", "updated", "removed"]) agents.events.on(kind, (a: { name: string }) => say({ type: `agent:${kind}`, agent: a.name }));
  tasks.events.on("changed", (t: { id: string; status: string; assignee: string | null }) => say({ type: "task:changed", task: t.id, status: t.status, assignee: t.assignee }));
  bus.subscribeAll((m) => {
    if (activity.listenerCount("event")) say({ type: "bus:message", seq: m.seq, message_type: m.type, sender: m.sender, to: m.to ?? null, topic: m.topic ?? null, broadcast: !!m.broadcast });
  });
  denials.on("denied", (e: DenialEvent) => say({ type: "policy:denied", agent: e.agent, rule: e.rule, session: e.session }));

  let status: StatusBoard | null = null;
  if (o.sessions) {
    const sessions = o.sessions;
    sessions.addGuard((a) => guard(a));
    sessions.setDefaultDir(defaultWorkDir(agents));
    // a roles file outside the data directory is kept out of the sandbox's reach too: a role
    // could otherwise rewrite its own rules
    sessions.setSandboxStandings((q) => ({ standings: sandboxStandings(agents, q), hidden: roles.file ? [roles.file] : [] }));
    const nameOf = (id: string) => sessions.byId(id)?.name;
    const port: SessionPort = {
      onOutput: (fn) => void sessions.events.on("output", (id, bytes) => fn(id, bytes)),
      onEnded: (fn) => void sessions.events.on("session:ended", (info) => fn(info.id)),
      onCommandEnd: (fn) => {
        // typed commands raise no command events: watch the shell's busy flag, which its marks set
        // before the output that follows them is announced
        const wasBusy = new Map<string, boolean>();
        sessions.events.on("output", (id) => {
          const s = sessions.byId(id);
          if (!s) return;
          const busy = s.commands.busy;
          if (wasBusy.get(id) && !busy) fn(id);
          wasBusy.set(id, busy);
        });
        sessions.events.on("session:ended", (info) => void wasBusy.delete(info.id));
      },
      reply: (id, text) => {
        const name = nameOf(id);
        if (!name) return;
        try {
          const s = sessions.get(name);
          // a terminal's answer goes in raw, never as typed (pasted) text
          s.writeRaw(text);
        } catch {
          // the session ended meanwhile
        }
      },
    };
    status = new StatusBoard(port, { quietMs: o.quietMs ?? 700 });
    status.on("change", (st: { session_id: string; status: string; source: string }) => say({ type: "agent:status", session_id: st.session_id, status: st.status, source: st.source }));
    new InboxDelivery(bus, agents, status, {
      sessionId: (name) => (sessions.has(name) ? sessions.get(name).id : undefined),
      shellAtPrompt: (name) => {
        const s = sessions.has(name) ? sessions.get(name) : undefined;
        // bash and zsh mark each command they run: not busy means the shell itself reads the keys
        return !!s && (s.kind === "bash" || s.kind === "zsh") && !s.commands.busy;
      },
      check: (name, sender, recipient, text) => {
        const from = agents.find(sender);
        const q: GuardQuestion = { kind: "send", agent: from?.name, session: sessions.get(name).info(), command: text, delivery: { recipient } };
        // through the SessionManager, so every guard on it is asked (the policy guard reads `delivery`)
        sessions.check(q as Parameters<SessionsLike["check"]>[0]);
      },
      paste: async (name, text, bracketed) => {
        const s = sessions.get(name);
        if (bracketed) s.writeRaw(`\x1b[200~${text}\x1b[201~`);
        else await s.send({ text });
      },
      enter: async (name) => void (await sessions.get(name).send({ keys: ["Enter"] })),
    });
  }

  return {
    roles, agents, bus, tasks, knowledge, status, guard, denials, activity,
    close() {
      tasks.stop();
      status?.stop();
      bus.close();
    },
  };
}
