import { recordAudit, requireAuditWritable, type AuditOutcome } from "../audit/log.ts";
import { checkRegistration } from "../bus/agents.ts";
import { parseScope } from "../bus/knowledge.ts";
import type { PublishInput } from "../bus/message.ts";
import { countOrEstimate } from "../work/background-tokens.ts";
import type { SessionContexts } from "../context/session-context.ts";
import { AppError, toAppError } from "../errors.ts";
import { snapshotSession } from "../persist/snapshot.ts";
import { redactText } from "../security/redact.ts";
import { requireScope, type Caller, type Scope } from "../security/auth.ts";
import { requireSessionVisible, visibleSessions } from "../access/sessions.ts";
import type { Runtime } from "../runtime.ts";
import { agentView, checkInboxAccess, registrarOf, senderOf } from "../access/callers.ts";
import * as ops from "../session/operations.ts";
import { knowledgeOf, onNode, remoteWaitMs, tasksOf } from "../cluster-port.ts";
import { analysisOf, contextOf, createAnywhere, restoreAnywhere, sessionDetails } from "../anywhere.ts";
import { recordDecision, time } from "../trace/index.ts";
import type { McpBackend } from "./backend.ts";

/**
 * The MCP backend inside the server: the domain functions themselves, called under the caller's
 * own scopes, session limits and role policy (the same checks the REST routes make), and audited
 * like the REST requests that do the same.
 */
export function domainBackend(rt: Runtime, caller: Caller, contexts: SessionContexts): McpBackend {
  const need = (scope: Scope, session?: string) => {
    requireScope(caller, scope);
    // the one ownership check the REST routes make (server/access/sessions.ts)
    if (session !== undefined) requireSessionVisible(rt, caller, session);
  };
  const agent = caller.agent ?? undefined;

  /** Runs a state-changing action and writes its audit entry, whatever the outcome. */
  async function audited<T>(action: string, target: string | null, detail: Record<string, unknown> | null, fn: () => T | Promise<T>, note?: (r: T) => Record<string, unknown>): Promise<T> {
    let outcome: AuditOutcome = "ok";
    let extra: Record<string, unknown> = {};
    const actor = { kind: caller.kind, name: caller.name };
    requireAuditWritable(rt.db, { actor, agent: caller.agent ?? null, action, target, outcome });
    try {
      const r = await fn();
      if (note) extra = note(r);
      return r;
    } catch (err) {
      const e = toAppError(err);
      outcome = e.code === "denied" || e.code === "unauthorized" ? "denied" : "error";
      extra = { error: e.message };
      throw err;
    } finally {
      const d = { ...(detail ?? {}), ...extra };
      recordAudit(rt.db, { actor, agent: caller.agent ?? null, action, target, outcome, detail: Object.keys(d).length ? d : null });
    }
  }

  return {
    async createSession(o) {
      need("exec", o.name);
      if (o.name === undefined && "sessions" in caller) throw new AppError("denied", `the token "${caller.name}" is limited to some sessions: name the session to create`);
      return audited("create", o.name ?? null, o.cwd ? { cwd: o.cwd } : null, () => createAnywhere(rt, caller, o), (s) => ({ name: s.name }));
    },
    async listSessions() {
      need("read");
      return visibleSessions(rt, caller).map((s) => s.info());
    },
    async getSession(name) {
      need("read", name);
      return sessionDetails(rt, caller, name);
    },
    async killSession(name) {
      need("exec", name);
      return audited("kill", name, null, () => onNode(rt.cluster, caller, name, "kill", {}, (s) => ops.killSession(rt, caller, s)));
    },
    async exec(name, command, o) {
      need("exec", name);
      const body = { command, timeout_ms: o.timeoutMs, mode: o.mode, expand_hint: o.expandHint };
      return audited(
        "exec",
        name,
        { command: redactText(command).text },
        // NAME@NODE: that node runs it through the same execCommand, under its own checks
        () => onNode(rt.cluster, caller, name, "exec", body, (s) => ops.execCommand(rt, caller, s, body), remoteWaitMs(o.timeoutMs)),
        (r) => ({ exit_code: r.exit_code, status: r.status }),
      );
    },
    async wait(name, o) {
      need("read", name);
      const body = { command_id: o.commandId, pattern: o.pattern, timeout_ms: o.timeoutMs, mode: o.mode, expand_hint: o.expandHint };
      return onNode(rt.cluster, caller, name, "wait", body, (s) => ops.waitFor(rt, caller, s, body), remoteWaitMs(o.timeoutMs));
    },
    async send(name, input) {
      need("exec", name);
      const detail = input.secret ? { secret: true } : { chars: input.text?.length ?? 0, keys: input.keys ?? null };
      return audited("send", name, detail, () => onNode(rt.cluster, caller, name, "send", { ...input }, (s) => ops.sendInput(rt, caller, s, input)));
    },
    async read(name, o) {
      need("read", name);
      return onNode(rt.cluster, caller, name, "read", { ...o }, (s) => ops.readOutput(rt, caller, s, o));
    },
    async screen(name) {
      need("read", name);
      return onNode(rt.cluster, caller, name, "screen", {}, (s) => ops.screenOf(rt, caller, s));
    },
    async commandLines(name, id, from, to, raw) {
      need("read", name);
      return onNode(rt.cluster, caller, name, "lines", { id, from, to, raw }, (s) => ops.commandLines(rt, caller, s, id, { from, to }, raw));
    },
    async analysis(name, commandId) {
      need("read", name);
      return analysisOf(rt, caller, contexts, name, commandId);
    },
    async history(name) {
      need("read", name);
      return onNode(rt.cluster, caller, name, "history", {}, (s) => ops.historyOf(rt, caller, s));
    },
    async context(name, o) {
      need("read", name);
      return contextOf(rt, caller, contexts, name, o);
    },
    async snapshot(name) {
      need("exec", name);
      return audited("snapshot", name, null, () => onNode(rt.cluster, caller, name, "snapshot", {}, (s) => snapshotSession(rt, s)));
    },
    async restore(name, newName) {
      need("exec", name);
      if (newName !== undefined) need("exec", newName);
      return audited("restore", newName ?? name, null, () => restoreAnywhere(rt, caller, name, newName));
    },
    async countTokens(texts) {
      need("read");
      const { counts } = await countOrEstimate(texts);
      return { counts: counts.map((c) => c.tokens), ...(counts.some((c) => c.estimated) ? { estimated: true } : {}) };
    },

    async registerAgent(a) {
      need("exec");
      const who = registrarOf(caller);
      checkRegistration(rt.bus.agents, who, a);
      if (a.session) requireSessionVisible(rt, caller, a.session);
      if (a.session && !who.admin) {
        if (rt.sessions.has(a.session)) {
          rt.sessions.check({ kind: "attach", agent: rt.bus.agents.find(a.name) ? a.name : undefined, role: who.role, session: rt.sessions.get(a.session).info() });
        }
      }
      return audited("agents.create", a.name, null, () => agentView(rt, rt.bus.agents.register(a)));
    },
    async listAgents() {
      need("read");
      return rt.bus.agents.list().map((a) => agentView(rt, a));
    },
    async getAgent(name) {
      need("read");
      return agentView(rt, rt.bus.agents.get(name));
    },
    async publish(m) {
      need("exec");
      const sender = senderOf(rt, caller);
      return audited("bus.messages", m.to ?? m.topic ?? null, { type: m.type ?? "custom" }, () =>
        time("bus.publish", () => rt.bus.bus.publish({ ...(m as Omit<PublishInput, "sender">), sender }), { agent: sender }),
      );
    },
    async inbox(name, o) {
      need("read");
      checkInboxAccess(caller, name);
      return time("bus.inbox", () => rt.bus.bus.readInbox(name, { limit: o.limit }), { agent: name });
    },
    async ack(name, seqs) {
      need("exec");
      checkInboxAccess(caller, name);
      return { acked: rt.bus.bus.ack(name, { seqs }), waiting: rt.bus.bus.inboxSize(name) };
    },
    async addTask(t) {
      need("exec");
      return audited("tasks.create", t.title, null, () => time("task.add", () => tasksOf(rt).add({ ...t, created_by: agent })));
    },
    async listTasks(q) {
      need("read");
      return tasksOf(rt).list(q);
    },
    async claimTask(who) {
      need("exec");
      if (agent && who !== agent) throw new AppError("denied", `agent "${agent}" cannot act for agent "${who}"`);
      const name = who;
      return audited("tasks.claim", name, null, async () => ({ task: await time("task.claim", () => tasksOf(rt).claim(name), { agent: name }) }));
    },
    async taskProgress(id, p) {
      need("exec");
      return audited("tasks.progress", id, null, () => tasksOf(rt).progress(id, agent, p));
    },
    async finishTask(id, r) {
      need("exec");
      return audited("tasks.done", id, r.failed ? { failed: true } : null, () => time("task.done", () => tasksOf(rt).finish(id, agent, r)));
    },
    async knowledgeSet(key, value, o) {
      need("exec");
      const scope = o.scope !== undefined ? parseScope(o.scope) : undefined;
      return audited("knowledge.update", key, null, () => knowledgeOf(rt).set(key, value, { agent, scope, expectedVersion: o.expected_version }));
    },
    async knowledgeGet(key) {
      need("read");
      return knowledgeOf(rt).get(key, agent);
    },
    async knowledgeList(prefix) {
      need("read");
      return knowledgeOf(rt).list(agent, prefix);
    },
    async decide(d) {
      need("exec");
      return audited("trace.decisions", d.session ?? null, null, () => {
        const r = recordDecision(rt.db, { ...d, agent: caller.agent ?? null });
        rt.bus.activity.emit("event", { type: "decision:recorded", id: r.id, agent: r.agent, session: r.session });
        return r;
      });
    },
  };
}
