import { homedir, tmpdir } from "node:os";
import { AppError } from "../errors.ts";
import type { AgentRegistry } from "./agents.ts";
import { existsSync } from "node:fs";
import { allowedDirs, checkCommand, checkDirectory, checkSessionAccess, isInside, type Denial, type PlaceVars } from "../roles/policy.ts";
import type { Role } from "../roles/roles.ts";

/** What the SessionManager asks before anything reaches a shell (see server/session/manager.ts). */
export interface GuardQuestion {
  kind: "create" | "exec" | "send" | "kill" | "read" | "attach";
  agent?: string;
  /**
   * A role to hold the caller to (a scoped API token's). With an agent as well, both apply: the
   * stricter wins. A token's role has no workspace of its own, so $WORKSPACE rules grant nothing.
   */
  role?: string;
  session?: {
    name: string;
    cwd?: string;
    owner_agent?: string | null;
    shared?: boolean | null;
    role?: string | null;
    /** A sandboxed session: its commands may write in its private TMPDIR, not the machine's. */
    sandbox?: { kind: string; tmpdir?: string };
  };
  command?: string;
  cwd?: string;
  /** A new session's private TMPDIR, when the kernel sandbox will hold it: the role's $TMPDIR. */
  tmp?: string;
  text?: string;
  enter?: boolean;
  /** Keys typed at the shell's prompt that change its line unseen (history, completion, cursor moves). */
  opaqueKeys?: string[];
  /**
   * A bus message typed into an agent's session (server/bus/delivery.ts): `agent` is the sender,
   * whose role judges the text; the session itself must be usable by the recipient, who invited
   * messages into it by registering it.
   */
  delivery?: { recipient: string };
}

export interface DenialEvent extends Denial {
  agent: string | null;
  role: string;
  kind: GuardQuestion["kind"];
  session: string | null;
  command: string | null;
  time: number;
}

interface Standing {
  agent: string | null;
  role: Role;
  workspace: string | null;
}

/**
 * Whom a new session's shell is held to by its kernel sandbox (server/sandbox): the creating
 * agent's role with its workspace, and the session's own role when it is another (a token's, with
 * no workspace; or one given at creation without an agent, with the session's directory standing
 * for $WORKSPACE, as the policy judges later commands in it). Empty for a plain session.
 */
export function sandboxStandings(registry: AgentRegistry, q: { agent?: string; role?: string; cwd: string }): Array<{ role: Role; workspace: string | null }> {
  const out: Array<{ role: Role; workspace: string | null }> = [];
  const agent = q.agent ? registry.find(q.agent) : undefined;
  if (agent) out.push({ role: registry.roles.get(agent.role), workspace: agent.workspace });
  if (q.role && q.role !== agent?.role && registry.roles.has(q.role)) {
    out.push({ role: registry.roles.get(q.role), workspace: agent ? null : q.cwd });
  }
  return out;
}

/**
 * The policy guard: an agent acting on sessions is held to its role. A caller given a role (a
 * scoped token's) is held to it too, with no workspace (only the role's fixed directories: the
 * session's directory is the caller's choice, so it cannot stand for $WORKSPACE); with an agent as
 * well, both roles apply. A session created with a role holds callers without one to it, its
 * directory standing for $WORKSPACE. Every refusal is passed to `onDenied` (the audit log) before
 * the error is thrown.
 */
export function policyGuard(registry: AgentRegistry, onDenied: (e: DenialEvent) => void) {
  const home = homedir();
  const tmp = tmpdir();

  function judge(q: GuardQuestion, who: Standing): void {
    const { role } = who;
    const vars: PlaceVars = { workspace: who.workspace, home, tmp };
    const deny = (d: Denial): never => {
      onDenied({
        ...d,
        agent: who.agent,
        role: role.name,
        kind: q.kind,
        session: q.session?.name ?? null,
        command: q.command ?? q.text ?? null,
        time: Date.now(),
      });
      throw new AppError("denied", `${d.message} (rule ${d.rule})`);
    };

    if (q.session && who.agent && !q.delivery) {
      const ownerRole = q.session.owner_agent ? registry.find(q.session.owner_agent)?.role : undefined;
      const d = checkSessionAccess({ name: who.agent, role: role.name }, role, q.session, ownerRole);
      if (d) deny(d);
    }
    // a place is the role's if it is under either reading of $TMPDIR: the machine's, or the
    // private one of a sandboxed session (then only the kernel knows what may change there)
    const placeDenial = (dir: string, own?: string) => {
      const d = checkDirectory(role, dir, vars);
      return d && own ? checkDirectory(role, dir, { ...vars, tmp: own }) : d;
    };
    if (q.kind === "create") {
      const d = placeDenial(q.cwd ?? process.cwd(), q.tmp);
      if (d) deny(d);
      return;
    }
    if (q.kind === "send" && q.opaqueKeys?.length) {
      deny({
        rule: "send:keys",
        message: `role "${role.name}" refuses ${q.opaqueKeys.join(", ")} at the shell's prompt: it changes the command line in ways the policy cannot check (type the whole command as text)`,
      });
    }
    const cwd = q.cwd ?? q.session?.cwd ?? process.cwd();
    // typed text is checked like a command: Enter may come with it or in a later send
    const command = q.kind === "exec" ? q.command : q.kind === "send" ? (q.command ?? q.text) : undefined;
    if (command) {
      // judged against where the kernel sandbox lets the command write: its own TMPDIR, not /tmp
      const tmpdir = q.session?.sandbox?.tmpdir;
      const here = tmpdir ? { ...vars, tmp: tmpdir } : vars;
      // a delivered message is typed where the recipient works, not where the sender does
      if (!q.delivery) {
        const where = placeDenial(cwd, tmpdir);
        if (where) deny(where);
      }
      const d = checkCommand(role, command, cwd, here);
      if (d) deny(d);
    }
  }

  return (q: GuardQuestion): void => {
    if (q.delivery && q.session) {
      // the recipient must be allowed to use the session its messages are typed into
      const recipient = registry.get(q.delivery.recipient);
      const role = registry.roles.get(recipient.role);
      const ownerRole = q.session.owner_agent ? registry.find(q.session.owner_agent)?.role : undefined;
      const d = checkSessionAccess({ name: recipient.name, role: role.name }, role, q.session, ownerRole);
      if (d) {
        const e = { ...d, agent: recipient.name, role: role.name, kind: q.kind, session: q.session.name, command: null, time: Date.now() };
        onDenied(e);
        throw new AppError("denied", `${d.message} (rule ${d.rule})`);
      }
    }
    const standings: Standing[] = [];
    if (q.agent) {
      const agent = registry.get(q.agent); // unknown agent: not_found with the way out
      registry.touch(agent.name);
      standings.push({ agent: agent.name, role: registry.roles.get(agent.role), workspace: agent.workspace });
      if (q.role && q.role !== agent.role) standings.push({ agent: agent.name, role: registry.roles.get(q.role), workspace: null });
    } else if (q.role) {
      standings.push({ agent: null, role: registry.roles.get(q.role), workspace: null });
    } else if (q.session?.role && registry.roles.has(q.session.role) && (q.kind === "exec" || q.kind === "send")) {
      standings.push({ agent: null, role: registry.roles.get(q.session.role), workspace: q.session.cwd ?? null });
    }
    for (const who of standings) judge(q, who);
  };
}

/**
 * Where a session starts when its creator names no directory. $HOME when every role that holds the
 * caller allows it; otherwise the agent's workspace, or else the first allowed directory that
 * exists, so a role-bound agent never has to guess a place it may work in. Undefined: no opinion.
 * `who.tmp` is the session's private $TMPDIR under the sandbox (the manager makes it if picked).
 */
export function defaultWorkDir(registry: AgentRegistry, home = homedir(), machineTmp = tmpdir()) {
  return (who: { agent?: string; role?: string; tmp?: string }): string | undefined => {
    const tmp = who.tmp ?? machineTmp;
    const held: Array<{ role: Role; workspace: string | null }> = [];
    const agent = who.agent ? registry.find(who.agent) : undefined;
    if (agent && registry.roles.has(agent.role)) held.push({ role: registry.roles.get(agent.role), workspace: agent.workspace });
    if (who.role && who.role !== agent?.role && registry.roles.has(who.role)) held.push({ role: registry.roles.get(who.role), workspace: null });
    if (!held.length) return undefined;
    const dirsOf = held.map((h) => allowedDirs(h.role, { workspace: h.workspace, home, tmp }));
    const fitsAll = (d: string) => dirsOf.every((dirs) => isInside(d, dirs));
    if (fitsAll(home)) return undefined;
    const candidates = [agent?.workspace, ...dirsOf.flat()].filter((d): d is string => !!d);
    return candidates.find((d) => fitsAll(d) && (d === who.tmp || existsSync(d)));
  };
}
