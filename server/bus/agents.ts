import { EventEmitter } from "node:events";
import { z } from "zod";
import { resolve } from "node:path";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { agents as agentsTable } from "../../db/schema/bus.ts";
import { AppError } from "../errors.ts";
import type { RoleBook } from "../roles/roles.ts";
import { AgentStatusSchema } from "./agent-status.ts";

/** How messages reach an agent's session: typed in when it is idle, at once, or never (it reads its inbox). */
export const DeliverySchema = z.enum(["idle", "eager", "none"]);
export type Delivery = z.infer<typeof DeliverySchema>;

/** A registered agent. */
export const AgentSchema = z.strictObject({
  name: z.string(),
  role: z.string(),
  capabilities: z.array(z.string()),
  topics: z.array(z.string()),
  workspace: z.string().nullable(),
  session: z.string().nullable().describe("the session it runs in, where messages are delivered"),
  delivery: DeliverySchema,
  registered_at: z.number(),
  last_seen_at: z.number(),
});
export type Agent = z.infer<typeof AgentSchema>;

/** An agent as the API shows it: its registration, its inbox, its task load and what its session's program does. */
export const AgentViewSchema = AgentSchema.extend({
  inbox: z.number().describe("messages waiting in its inbox"),
  tasks: z.number().describe("tasks it holds"),
  status: AgentStatusSchema.nullable(),
});
export type AgentView = z.infer<typeof AgentViewSchema>;

export interface RegisterInput {
  name: string;
  role: string;
  capabilities?: string[];
  topics?: string[];
  workspace?: string | null;
  session?: string | null;
  delivery?: Delivery;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function checkAgentName(name: string): void {
  if (!NAME.test(name)) {
    throw new AppError("invalid", `"${name}" is not a valid agent name (letters, digits, . _ -, at most 64, starting with a letter or digit)`);
  }
}

/** Who asks to change a registration: the agent it acts as, the role it is held to, whether it is an admin. */
export interface Registrar {
  /** Token or owner name, for messages. */
  name: string;
  agent?: string;
  role?: string;
  /** The admin scope, acting as no agent and held to no role (the owner, an admin token). */
  admin: boolean;
}

function inside(path: string, dir: string): boolean {
  const p = resolve(path);
  const d = resolve(dir);
  return d === "/" || p === d || p.startsWith(`${d}/`);
}

/**
 * Who may register or update which agent. An admin may do anything. A caller acting as an agent
 * may register or update only itself: never another role, never a wider workspace. A caller held to
 * a role (a scoped token's) may register only new agents of that role, without a workspace (its
 * own has none). Changing another existing agent needs an admin.
 */
export function checkRegistration(registry: AgentRegistry, who: Registrar, input: RegisterInput): void {
  if (who.admin) return;
  const deny = (why: string): never => {
    throw new AppError("denied", `${why} (the owner, or an admin token acting as no agent, can)`);
  };
  if (who.agent && input.name !== who.agent) deny(`agent "${who.agent}" may register or update only itself, not "${input.name}"`);
  const prev = registry.find(input.name);
  const actor = who.agent ? `agent "${who.agent}"` : `the token "${who.name}"`;
  if (prev) {
    if (!who.agent) deny(`${actor} cannot change the registration of agent "${prev.name}"`);
    if (input.role !== prev.role) deny(`${actor} cannot change its role from "${prev.role}" to "${input.role}"`);
    if (input.workspace !== undefined && input.workspace !== null && input.workspace !== prev.workspace) {
      if (!prev.workspace || !inside(input.workspace, prev.workspace)) {
        deny(`${actor} cannot widen its workspace from ${prev.workspace ? `"${prev.workspace}"` : "none"} to "${input.workspace}"`);
      }
    }
    return;
  }
  if (who.role) {
    if (input.role !== who.role) deny(`${actor} is bound to the role "${who.role}" and cannot register an agent of the role "${input.role}"`);
    if (input.workspace) deny(`${actor} is bound to the role "${who.role}", which has no workspace, and cannot give one to "${input.name}"`);
  }
}

/** Only an admin removes agents (an agent cannot remove itself to register again under another role). */
export function checkRemoval(who: Registrar, name: string): void {
  if (who.admin) return;
  const actor = who.agent ? `agent "${who.agent}"` : `the token "${who.name}"`;
  throw new AppError("denied", `${actor} cannot remove agent "${name}" (the owner, or an admin token acting as no agent, can)`);
}

/** Who is registered. Held in memory, written through to SQLite, loaded at start. */
export class AgentRegistry {
  readonly events = new EventEmitter();
  private byName = new Map<string, Agent>();

  constructor(
    private db: Db | null,
    readonly roles: RoleBook,
  ) {
    if (db) {
      for (const r of db.select().from(agentsTable).all()) {
        this.byName.set(r.name, {
          name: r.name,
          role: r.role,
          capabilities: r.capabilities,
          topics: r.topics,
          workspace: r.workspace,
          session: r.session,
          delivery: r.delivery,
          registered_at: r.registeredAt,
          last_seen_at: r.lastSeenAt,
        });
      }
    }
  }

  /** Registers an agent, or updates it when the name is already registered. */
  register(input: RegisterInput): Agent {
    checkAgentName(input.name);
    this.roles.get(input.role); // throws, naming the known roles
    const now = Date.now();
    const prev = this.byName.get(input.name);
    const agent: Agent = {
      name: input.name,
      role: input.role,
      capabilities: [...new Set(input.capabilities ?? prev?.capabilities ?? [])],
      topics: [...new Set(input.topics ?? prev?.topics ?? [])],
      workspace: input.workspace !== undefined ? input.workspace : (prev?.workspace ?? null),
      session: input.session !== undefined ? input.session : (prev?.session ?? null),
      delivery: input.delivery ?? prev?.delivery ?? "idle",
      registered_at: prev?.registered_at ?? now,
      last_seen_at: now,
    };
    this.byName.set(agent.name, agent);
    this.save(agent);
    this.events.emit(prev ? "updated" : "registered", agent);
    return agent;
  }

  private save(a: Agent): void {
    if (!this.db) return;
    const row = {
      name: a.name,
      role: a.role,
      capabilities: a.capabilities,
      topics: a.topics,
      workspace: a.workspace,
      session: a.session,
      delivery: a.delivery,
      registeredAt: a.registered_at,
      lastSeenAt: a.last_seen_at,
    };
    this.db.insert(agentsTable).values(row).onConflictDoUpdate({ target: agentsTable.name, set: row }).run();
  }

  find(name: string): Agent | undefined {
    return this.byName.get(name);
  }

  get(name: string): Agent {
    const a = this.byName.get(name);
    if (!a) throw new AppError("not_found", `no agent named "${name}" (register it: ai-session agent register ${name} --role ROLE)`);
    return a;
  }

  /** Every agent, unsorted (the fast form for delivery loops). */
  values(): IterableIterator<Agent> {
    return this.byName.values();
  }

  list(): Agent[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Marks the agent as alive now (kept in memory; written with the next change). */
  touch(name: string): void {
    const a = this.byName.get(name);
    if (a) a.last_seen_at = Date.now();
  }

  /** Subscribes (or unsubscribes) an agent's inbox to a topic. */
  setTopics(name: string, topics: string[]): Agent {
    const a = this.get(name);
    a.topics = [...new Set(topics)];
    this.save(a);
    this.events.emit("updated", a);
    return a;
  }

  remove(name: string): void {
    const a = this.get(name);
    this.byName.delete(name);
    this.db?.delete(agentsTable).where(eq(agentsTable.name, name)).run();
    this.events.emit("removed", a);
  }
}
