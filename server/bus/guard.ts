import { homedir, tmpdir } from "node:os";
import { AppError } from "../errors.ts";
import type { AgentRegistry } from "./agents.ts";
import { checkCommand, checkDirectory, checkSessionAccess, type Denial, type PlaceVars } from "./policy.ts";

/** What the SessionManager asks before anything reaches a shell (see server/session/manager.ts). */
export interface GuardQuestion {
  kind: "create" | "exec" | "send" | "kill" | "read" | "attach";
  agent?: string;
  /** A role to hold the caller to when it acts as no agent (a scoped API token's role). */
  role?: string;
  session?: { name: string; cwd?: string; owner_agent?: string | null; shared?: boolean | null; role?: string | null };
  command?: string;
  cwd?: string;
  text?: string;
  enter?: boolean;
}

export interface DenialEvent extends Denial {
  agent: string | null;
  role: string;
  kind: GuardQuestion["kind"];
  session: string | null;
  command: string | null;
  time: number;
}

/**
 * The policy guard: an agent acting on sessions is held to its role. Without an agent, a caller
 * given a role (a scoped token's) is held to it, and so is a session created with a role; the
 * session's directory then stands for $WORKSPACE. Every
 * refusal is passed to `onDenied` (the audit log) before the error is thrown.
 */
export function policyGuard(registry: AgentRegistry, onDenied: (e: DenialEvent) => void) {
  const home = homedir();
  const tmp = tmpdir();
  return (q: GuardQuestion): void => {
    let agentName: string | null = null;
    let roleName: string | undefined;
    let workspace: string | null = null;
    if (q.agent) {
      const agent = registry.get(q.agent); // unknown agent: not_found with the way out
      registry.touch(agent.name);
      agentName = agent.name;
      roleName = agent.role;
      workspace = agent.workspace;
    } else if (q.role) {
      roleName = registry.roles.get(q.role).name;
      workspace = q.session?.cwd ?? q.cwd ?? null;
    } else if (q.session?.role && registry.roles.has(q.session.role) && (q.kind === "exec" || q.kind === "send")) {
      roleName = q.session.role;
      workspace = q.session.cwd ?? null;
    }
    if (!roleName) return;
    const role = registry.roles.get(roleName);
    const vars: PlaceVars = { workspace, home, tmp };

    const deny = (d: Denial): never => {
      onDenied({
        ...d,
        agent: agentName,
        role: role.name,
        kind: q.kind,
        session: q.session?.name ?? null,
        command: q.command ?? null,
        time: Date.now(),
      });
      throw new AppError("denied", `${d.message} (rule ${d.rule})`, { rule: d.rule, role: role.name });
    };

    if (q.session && agentName) {
      const ownerRole = q.session.owner_agent ? registry.find(q.session.owner_agent)?.role : undefined;
      const d = checkSessionAccess({ name: agentName, role: role.name }, role, q.session, ownerRole);
      if (d) deny(d);
    }
    if (q.kind === "create") {
      const d = checkDirectory(role, q.cwd ?? process.cwd(), vars);
      if (d) deny(d);
      return;
    }
    const cwd = q.cwd ?? q.session?.cwd ?? process.cwd();
    // typed text is checked like a command: Enter may come with it or in a later send
    const command = q.kind === "exec" ? q.command : q.kind === "send" ? (q.command ?? q.text) : undefined;
    if (command) {
      const where = checkDirectory(role, cwd, vars);
      if (where) deny(where);
      const d = checkCommand(role, command, cwd, vars);
      if (d) deny(d);
    }
  };
}
