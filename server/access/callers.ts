// What every adapter (REST routes, MCP tools) asks about its caller before it calls the domain:
// shared here so that neither adapter imports the other.
import type { Agent, AgentView, Registrar } from "../bus/agents.ts";
import type { Viewer } from "../bus/bus.ts";
import { AppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { isAdmin, type Caller } from "../security/auth.ts";

/** An agent as the API shows it: its registration, its inbox and the status of the session it runs in. */
export function agentView(rt: Runtime, a: Agent): AgentView {
  const sessionId = a.session ? safeSessionId(rt, a.session) : undefined;
  return {
    ...a,
    inbox: rt.bus.bus.inboxSize(a.name),
    tasks: rt.bus.tasks.load(a.name),
    status: sessionId && rt.bus.status ? rt.bus.status.get(sessionId) : null,
  };
}

function safeSessionId(rt: Runtime, name: string): string | undefined {
  try {
    return rt.sessions.get(name).info().id;
  } catch {
    return undefined;
  }
}

/** The caller as the agent registry judges it (server/bus/agents.ts checkRegistration). */
export function registrarOf(caller: Caller): Registrar {
  return { name: caller.name, agent: caller.agent, role: caller.role, admin: isAdmin(caller) };
}

/** Who a message is from: the agent the caller acts as (it must be registered), else the caller's name. */
export function senderOf(rt: Runtime, caller: Caller): string {
  if (caller.agent) {
    const name = rt.bus.agents.get(caller.agent).name;
    rt.bus.agents.touch(name);
    return name;
  }
  return caller.name;
}

/** A caller may read only the inbox of the agent it acts as; the owner (and an admin token) any. */
export function checkInboxAccess(caller: Caller, agent: string): void {
  if (isAdmin(caller) || caller.agent === agent) return;
  throw new AppError(
    "denied",
    caller.agent ? `agent "${caller.agent}" cannot read the inbox of "${agent}"` : `the token "${caller.name}" can read the inbox of "${agent}" only acting as that agent (X-AI-Session-Agent: ${agent})`,
  );
}

/**
 * What a caller may see of the bus traffic: everything for the owner and admin tokens; for anyone
 * else (an agent, a scoped token) its own messages, broadcasts and its topics' messages.
 */
export function viewerOf(rt: Runtime, caller: Caller, extraTopics: string[] = []): Viewer | undefined {
  if (isAdmin(caller)) return undefined;
  const agent = caller.agent ? rt.bus.agents.find(caller.agent) : undefined;
  return { name: caller.agent ?? caller.name, topics: [...(agent?.topics ?? []), ...extraTopics] };
}

