import { EventEmitter } from "node:events";
import { z } from "zod";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.ts";
import { tasks as tasksTable } from "../../db/schema/bus.ts";
import { AppError } from "../errors.ts";
import type { Agent, AgentRegistry } from "./agents.ts";
import type { Bus } from "./bus.ts";

export const TaskStatusSchema = z.enum(["queued", "assigned", "running", "done", "failed", "cancelled"]);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

/** A task of the queue, as every task route and tool answers it. */
export const TaskSchema = z.strictObject({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  role: z.string().nullable().describe("only agents of this role may take it"),
  capability: z.string().nullable().describe("only agents with this capability may take it"),
  priority: z.number(),
  depends_on: z.array(z.string()).describe("tasks that must be done first"),
  status: TaskStatusSchema,
  assignee: z.string().nullable(),
  lease_ms: z.number(),
  lease_expires_at: z.number().nullable(),
  attempts: z.number(),
  progress: z.number().nullable().describe("percent"),
  progress_note: z.string().nullable(),
  result: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
});
export type Task = z.infer<typeof TaskSchema>;

export interface AddTaskInput {
  title: string;
  description?: string;
  role?: string;
  capability?: string;
  priority?: number;
  depends_on?: string[];
  lease_ms?: number;
  created_by?: string;
}

type Row = typeof tasksTable.$inferSelect;

function toTask(r: Row): Task {
  return {
    id: r.id, title: r.title, description: r.description, role: r.role, capability: r.capability, priority: r.priority,
    depends_on: r.dependsOn, status: r.status, assignee: r.assignee, lease_ms: r.leaseMs, lease_expires_at: r.leaseExpiresAt,
    attempts: r.attempts, progress: r.progress, progress_note: r.progressNote, result: r.result, created_by: r.createdBy,
    created_at: r.createdAt, updated_at: r.updatedAt,
  };
}

/** Statuses of a task still to do (queued, or held by an agent). */
export const OPEN_STATUSES: TaskStatus[] = ["queued", "assigned", "running"];

const ACTIVE: TaskStatus[] = ["assigned", "running"];

/**
 * The task queue. A new task goes at once to the least-loaded eligible agent that is alive (seen
 * within `aliveMs`), as a task_assignment message in its inbox; with none, it waits in the queue
 * for `claim`. A holder keeps a task by renewing its lease (claim, progress, heartbeat); a lease
 * that lapses puts the task back in the queue and it is handed to another agent.
 */
export class TaskQueue {
  /** "changed" (Task) after every change of a task: added, assigned, claimed, progress, finished, requeued. */
  readonly events = new EventEmitter();
  private timer: ReturnType<typeof setInterval> | null = null;
  private counter: number;
  /** Agent whose lease on a task lapsed: passed over for that task while someone else can take it. */
  private lapsedBy = new Map<string, string>();

  constructor(
    private db: Db,
    private agents: AgentRegistry,
    private bus: Bus,
    readonly opts: { defaultLeaseMs: number; aliveMs: number; sweepMs: number } = { defaultLeaseMs: 60_000, aliveMs: 120_000, sweepMs: 1000 },
  ) {
    const r = db.select({ n: sql<number>`count(*)` }).from(tasksTable).get();
    this.counter = r?.n ?? 0;
    agents.events.on("registered", () => this.dispatch());
    if (opts.sweepMs > 0) {
      this.timer = setInterval(() => this.sweep(), opts.sweepMs);
      this.timer.unref?.();
    }
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  add(input: AddTaskInput): Task {
    if (!input.title.trim()) throw new AppError("invalid", "a task needs a title");
    if (input.role) this.agents.roles.get(input.role);
    for (const dep of input.depends_on ?? []) this.get(dep);
    const now = Date.now();
    const id = `task-${++this.counter}`;
    this.db
      .insert(tasksTable)
      .values({
        id, title: input.title, description: input.description ?? null, role: input.role ?? null, capability: input.capability ?? null,
        priority: input.priority ?? 0, dependsOn: input.depends_on ?? [], status: "queued", leaseMs: input.lease_ms ?? this.opts.defaultLeaseMs,
        createdBy: input.created_by ?? null, createdAt: now, updatedAt: now,
      })
      .run();
    this.dispatch();
    const task = this.get(id);
    if (task.status === "queued") this.events.emit("changed", task);
    return task;
  }

  get(id: string): Task {
    const r = this.db.select().from(tasksTable).where(eq(tasksTable.id, id)).get();
    if (!r) throw new AppError("not_found", `no task with id "${id}" (ai-session task list shows them)`);
    return toTask(r);
  }

  list(q: { status?: TaskStatus; assignee?: string } = {}): Task[] {
    const where = and(q.status ? eq(tasksTable.status, q.status) : undefined, q.assignee ? eq(tasksTable.assignee, q.assignee) : undefined);
    return this.db.select().from(tasksTable).where(where).all().map(toTask).sort(byPriority);
  }

  eligible(agent: Agent, t: Task): boolean {
    return (!t.role || agent.role === t.role) && (!t.capability || agent.capabilities.includes(t.capability));
  }

  private ready(t: Task, done: Set<string>): boolean {
    return t.depends_on.every((d) => done.has(d));
  }

  load(agent: string): number {
    const r = this.db
      .select({ n: sql<number>`count(*)` })
      .from(tasksTable)
      .where(and(eq(tasksTable.assignee, agent), inArray(tasksTable.status, ACTIVE)))
      .get();
    return r?.n ?? 0;
  }

  private doneIds(): Set<string> {
    return new Set(this.db.select({ id: tasksTable.id }).from(tasksTable).where(eq(tasksTable.status, "done")).all().map((r) => r.id));
  }

  /** Active tasks per assignee, in one query (agents with none are absent). */
  private loads(): Map<string, number> {
    const rows = this.db
      .select({ agent: tasksTable.assignee, n: sql<number>`count(*)` })
      .from(tasksTable)
      .where(inArray(tasksTable.status, ACTIVE))
      .groupBy(tasksTable.assignee)
      .all();
    return new Map(rows.filter((r) => r.agent !== null).map((r) => [r.agent!, r.n]));
  }

  /** The agents of this node a task may be handed to: seen within `aliveMs`, or connected to the bus. */
  alive(now = Date.now()): Agent[] {
    return this.agents.list().filter((a) => now - a.last_seen_at <= this.opts.aliveMs || this.bus.isConnected(a.name));
  }

  /**
   * Hands every ready queued task to the least-loaded eligible live agent. Runs every sweep and at
   * every registration: with nothing queued it costs one query, whatever the number of agents.
   */
  dispatch(): void {
    const queued = this.list({ status: "queued" });
    if (queued.length === 0) return;
    const alive = this.alive();
    if (alive.length === 0) return;
    const done = this.doneIds();
    const active = this.loads();
    const loads = new Map(alive.map((a) => [a.name, active.get(a.name) ?? 0]));
    for (const t of queued) {
      if (!this.ready(t, done)) continue;
      const lapsed = this.lapsedBy.get(t.id);
      let candidates = alive.filter((a) => this.eligible(a, t));
      if (candidates.length > 1 && lapsed) candidates = candidates.filter((a) => a.name !== lapsed);
      if (candidates.length === 0) continue;
      const pick = candidates.reduce((best, a) => (loads.get(a.name)! < loads.get(best.name)! ? a : best));
      loads.set(pick.name, loads.get(pick.name)! + 1);
      this.assign(t, pick.name, "assigned");
    }
  }

  private assign(t: Task, agent: string, status: "assigned" | "running"): Task {
    const now = Date.now();
    this.db
      .update(tasksTable)
      .set({ status, assignee: agent, leaseExpiresAt: now + t.lease_ms, updatedAt: now })
      .where(eq(tasksTable.id, t.id))
      .run();
    this.lapsedBy.delete(t.id);
    const task = this.get(t.id);
    this.events.emit("changed", task);
    if (status === "assigned") this.bus.publish({ type: "task_assignment", sender: "tasks", to: agent, payload: task });
    return task;
  }

  /** The agent takes work: a task already assigned to it, else the best ready queued task it may do. */
  claim(agentName: string): Task | null {
    const agent = this.agents.get(agentName);
    this.agents.touch(agentName);
    const mine = this.list({ assignee: agentName }).find((t) => t.status === "assigned");
    if (mine) return this.assign(mine, agentName, "running");
    const done = this.doneIds();
    const next = this.list({ status: "queued" }).find((t) => this.ready(t, done) && this.eligible(agent, t));
    return next ? this.assign(next, agentName, "running") : null;
  }

  private held(id: string, agent: string | undefined): Task {
    const t = this.get(id);
    if (agent && t.assignee !== agent) {
      throw new AppError("conflict", `task ${id} is ${t.assignee ? `held by agent "${t.assignee}"` : t.status}, not by "${agent}" (claim it first: ai-session task claim --agent ${agent})`);
    }
    return t;
  }

  /** Records progress and renews the lease. */
  progress(id: string, agent: string | undefined, p: { percent?: number; note?: string }): Task {
    const t = this.held(id, agent);
    if (!ACTIVE.includes(t.status)) throw new AppError("conflict", `task ${id} is ${t.status}; progress is for a task in hand`);
    const now = Date.now();
    this.db
      .update(tasksTable)
      .set({ status: "running", progress: p.percent ?? t.progress, progressNote: p.note ?? t.progress_note, leaseExpiresAt: now + t.lease_ms, updatedAt: now })
      .where(eq(tasksTable.id, id))
      .run();
    const task = this.get(id);
    this.events.emit("changed", task);
    this.bus.publish({ type: "progress", sender: t.assignee ?? "tasks", topic: "tasks", payload: { task: id, percent: task.progress, note: task.progress_note } });
    return task;
  }

  /** Renews the leases of everything the agent holds. */
  heartbeat(agent: string): number {
    this.agents.get(agent);
    this.agents.touch(agent);
    const now = Date.now();
    let n = 0;
    for (const t of this.list({ assignee: agent })) {
      if (!ACTIVE.includes(t.status)) continue;
      this.db.update(tasksTable).set({ leaseExpiresAt: now + t.lease_ms }).where(eq(tasksTable.id, t.id)).run();
      n++;
    }
    return n;
  }

  /** Every task of this node's queue and, for those moved into a cluster, the cluster task each became. */
  movedTo(): Map<string, string> {
    const rows = this.db.select({ id: tasksTable.id, to: tasksTable.movedTo }).from(tasksTable).where(sql`${tasksTable.movedTo} is not null`).all();
    return new Map(rows.map((r) => [r.id, r.to!]));
  }

  /**
   * Marks a task still open here as moved into a cluster's queue as `to`: cancelled here, its result
   * saying where it went, so this queue neither hands it out nor moves it again. False when it was
   * not open any more (finished or moved meanwhile).
   */
  markMoved(id: string, to: string, result: string): boolean {
    const r = this.db.select().from(tasksTable).where(eq(tasksTable.id, id)).get();
    if (!r || r.movedTo !== null || !OPEN_STATUSES.includes(r.status)) return false;
    this.db
      .update(tasksTable)
      .set({ status: "cancelled", movedTo: to, result, leaseExpiresAt: null, updatedAt: Date.now() })
      .where(eq(tasksTable.id, id))
      .run();
    this.lapsedBy.delete(id);
    this.events.emit("changed", this.get(id));
    return true;
  }

  /** Finishes a task (done, or failed) with its result; dependents become ready. */
  finish(id: string, agent: string | undefined, r: { result?: string; failed?: boolean }): Task {
    const t = this.held(id, agent);
    if (t.status === "done" || t.status === "failed" || t.status === "cancelled") {
      throw new AppError("conflict", `task ${id} is already ${t.status}`);
    }
    const status = r.failed ? "failed" : "done";
    this.db
      .update(tasksTable)
      .set({ status, result: r.result ?? null, leaseExpiresAt: null, progress: r.failed ? t.progress : 100, updatedAt: Date.now() })
      .where(eq(tasksTable.id, id))
      .run();
    const task = this.get(id);
    this.events.emit("changed", task);
    const sender = t.assignee ?? agent ?? "tasks";
    this.bus.publish({ type: "completion", sender, topic: "tasks", payload: task });
    if (t.created_by && this.agents.find(t.created_by) && t.created_by !== sender) {
      this.bus.publish({ type: "completion", sender, to: t.created_by, correlation_id: id, payload: task });
    }
    this.dispatch();
    return task;
  }

  /** Returns tasks whose lease lapsed to the queue, then hands them out again. */
  sweep(now = Date.now()): string[] {
    const lapsed = this.db
      .select()
      .from(tasksTable)
      .where(and(inArray(tasksTable.status, ACTIVE), sql`${tasksTable.leaseExpiresAt} < ${now}`))
      .all();
    for (const r of lapsed) {
      if (r.assignee) this.lapsedBy.set(r.id, r.assignee);
      this.db
        .update(tasksTable)
        .set({ status: "queued", assignee: null, leaseExpiresAt: null, attempts: r.attempts + 1, updatedAt: now })
        .where(eq(tasksTable.id, r.id))
        .run();
      this.bus.publish({ type: "status_update", sender: "tasks", topic: "tasks", payload: { task: r.id, event: "lease_lapsed", agent: r.assignee } });
      this.events.emit("changed", this.get(r.id));
    }
    this.dispatch();
    return lapsed.map((r) => r.id);
  }
}

function byPriority(a: Task, b: Task): number {
  return b.priority - a.priority || a.created_at - b.created_at || a.id.localeCompare(b.id, undefined, { numeric: true });
}
