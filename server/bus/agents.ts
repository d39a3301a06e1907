import { EventEmitter } from "node:events";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { agents as agentsTable } from "../../db/schema/bus.ts";
import { AppError } from "../errors.ts";
import type { RoleBook } from "./roles.ts";

export type Delivery = "idle" | "eager" | "none";

export interface Agent {
  name: string;
  role: string;
  capabilities: string[];
  topics: string[];
  workspace: string | null;
  session: string | null;
  delivery: Delivery;
  registered_at: number;
  last_seen_at: number;
}

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
