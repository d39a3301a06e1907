import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm, type KV } from "@nats-io/kv";
import { AppError } from "../errors.ts";
import type { Agent, AgentRegistry } from "../bus/agents.ts";
import type { PublishInput } from "../bus/message.ts";
import type { AddTaskInput, Task, TaskStatus } from "../bus/tasks.ts";
import type { ClusterTask, TaskBoard } from "../cluster-port.ts";
import { lostRace, settled } from "./connection.ts";
import { TaskMirror } from "./task-mirror.ts";
import { byPriority, eligible, held, holderDown, isOpen, isReady, lapsed, type NodeDown, passOver, type Row } from "./task-rules.ts";

const TRIES = 50;

/** What the board needs of the node it runs on. */
export interface TaskBoardNode {
  name: string;
  agents: AgentRegistry;
  /** This node's agents a task may be pushed to (TaskQueue.alive). */
  alive(): Agent[];
  publish(m: PublishInput): unknown;
  /** Whether an agent is registered on some node (a completion goes to a task's creator only then). */
  knows(agent: string): boolean;
  defaultLeaseMs: number;
  /** How often this node hands out queued and lapsed tasks to its live agents (0: only on add, finish and registration). */
  sweepMs: number;
  /** How long a finished task (done, failed, cancelled) stays in the bucket after its last change. */
  keepFinishedMs: number;
  /** Whether another node is down: a task its agents hold is open again at once (else at its lease's end). */
  nodeDown?: NodeDown;
}

const finished = (t: ClusterTask) => t.status === "done" || t.status === "failed" || t.status === "cancelled";

/** A task written by an earlier version (role and priority only) read with today's fields. */
const normalized = (t: Partial<ClusterTask>): ClusterTask =>
  ({ capability: null, depends_on: [], progress: null, progress_note: null, ...t }) as ClusterTask;

/**
 * The cluster's one task queue in a KV bucket, one key per task, with the local queue's verbs:
 * roles, capabilities, dependencies, priorities, leases, progress. Every change is a
 * compare-and-set on the task's revision, so of several claims or pushes (on any nodes) racing for
 * one task one write wins and a task is never held twice. Each node pushes ready tasks to its own
 * least-loaded live agent (a task_assignment in its inbox) on add, finish, registration and every
 * sweep; a lapsed lease makes the task open again, to another agent when there is one.
 * What the board reads it reads from a mirror of the bucket kept by a watch (task-mirror.ts), not
 * from the bucket; a finished task is deleted keepFinishedMs after its last change (a
 * compare-and-set too), unless a task not yet finished depends on it.
 */
export class KvTaskBoard implements TaskBoard {
  private timer: ReturnType<typeof setInterval> | null = null;
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;

  private readonly onRegistered = () => void this.dispatch();
  /** Another node that is down (this node never is, to itself). */
  private readonly down: NodeDown = (node) => node !== this.node.name && this.node.nodeDown?.(node) === true;

  private constructor(private kv: KV, private mirror: TaskMirror, private node: TaskBoardNode) {
    node.agents.events.on("registered", this.onRegistered);
    if (node.sweepMs > 0) {
      this.timer = setInterval(() => {
        void this.dispatch();
        void this.expire().catch(() => {}); // a NATS hiccup: the next sweep tries again
      }, node.sweepMs);
      this.timer.unref?.();
    }
  }

  static async open(nc: NatsConnection, bucket: string, replicas: number, node: TaskBoardNode): Promise<KvTaskBoard> {
    const kv = await settled(() => new Kvm(nc).create(bucket, { history: 1, replicas }));
    const mirror = await TaskMirror.open(nc, kv, (e) => normalized(e.json<ClusterTask>()));
    return new KvTaskBoard(kv, mirror, node);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.node.agents.events.off("registered", this.onRegistered);
    this.mirror.close();
  }

  private async read(id: string): Promise<Row | null> {
    const e = await this.kv.get(id);
    if (e?.operation !== "PUT") return null;
    return { task: normalized(e.json<ClusterTask>()), revision: e.revision };
  }

  private async row(id: string): Promise<Row> {
    const r = await this.read(id);
    if (!r) throw new AppError("not_found", `no task with id "${id}" (ai-session task list shows them)`);
    return r;
  }

  /** Every task, by priority, from the mirror. */
  private async all(): Promise<Row[]> {
    return this.mirror.values().sort((a, b) => byPriority(a.task, b.task));
  }

  /** Writes the task's next state if nobody changed it since it was read; false when another write won (its key is read again). */
  private async write(r: Row, next: ClusterTask): Promise<boolean> {
    try {
      this.mirror.put({ task: next, revision: await this.kv.update(next.id, JSON.stringify(next), r.revision) });
      return true;
    } catch (err) {
      if (!lostRace(err)) throw err;
      await this.mirror.refresh(next.id);
      return false;
    }
  }

  /** Deletes finished tasks kept past keepFinishedMs that no unfinished task depends on. */
  private async expire(now = Date.now()): Promise<void> {
    const rows = this.mirror.values();
    const needed = new Set(rows.filter((r) => !finished(r.task)).flatMap((r) => r.task.depends_on));
    const due = rows.filter((r) => finished(r.task) && r.task.updated_at + this.node.keepFinishedMs < now && !needed.has(r.task.id));
    await Promise.all(due.map(async (r) => {
      try {
        await this.kv.delete(r.task.id, { previousSeq: r.revision });
      } catch (err) {
        if (!lostRace(err)) throw err; // changed meanwhile, or another node deleted it first
      }
      await this.mirror.refresh(r.task.id);
    }));
  }

  /** The task handed to `agent` (pushed: assigned; claimed: running), counted as one more attempt. */
  private async take(r: Row, agent: string, status: "assigned" | "running", now: number): Promise<ClusterTask | null> {
    const t = r.task;
    const next: ClusterTask = { ...t, status, assignee: agent, node: this.node.name, lease_expires_at: now + t.lease_ms, attempts: t.attempts + 1, updated_at: now };
    if (!(await this.write(r, next))) return null;
    if (lapsed(t, now, this.down)) {
      const nodeDown = holderDown(t, this.down) ? { node_down: t.node } : {};
      this.node.publish({ type: "status_update", sender: "tasks", topic: "tasks", payload: { task: t.id, event: "lease_lapsed", agent: t.assignee, ...nodeDown } });
    }
    if (status === "assigned") this.node.publish({ type: "task_assignment", sender: "tasks", to: agent, payload: next });
    return next;
  }

  async add(input: AddTaskInput): Promise<Task> {
    if (!input.title.trim()) throw new AppError("invalid", "a task needs a title");
    if (input.role) this.node.agents.roles.get(input.role);
    for (const dep of input.depends_on ?? []) await this.row(dep);
    const now = Date.now();
    const task: ClusterTask = {
      id: `ct-${now.toString(36)}-${crypto.randomUUID().slice(0, 8)}`, title: input.title, description: input.description ?? null,
      role: input.role ?? null, capability: input.capability ?? null, priority: input.priority ?? 0, depends_on: input.depends_on ?? [],
      status: "queued", assignee: null, node: null, lease_ms: input.lease_ms ?? this.node.defaultLeaseMs, lease_expires_at: null,
      attempts: 0, progress: null, progress_note: null, result: null, created_by: input.created_by ?? null, created_at: now, updated_at: now,
    };
    this.mirror.put({ task, revision: await this.kv.create(task.id, JSON.stringify(task)) });
    await this.dispatch();
    return (await this.row(task.id)).task;
  }

  /**
   * Puts a task made elsewhere (a node's own queue, moved in when it joined) under its id, only if
   * the key holds no task yet: "exists" when it does (an earlier try of the same move got there).
   */
  async adopt(task: ClusterTask): Promise<"created" | "exists"> {
    try {
      this.mirror.put({ task, revision: await this.kv.create(task.id, JSON.stringify(task)) });
      return "created";
    } catch (err) {
      if (!lostRace(err)) throw err;
      await this.mirror.refresh(task.id);
      return "exists";
    }
  }

  async get(id: string): Promise<Task> {
    return (await this.row(id)).task;
  }

  async list(q: { status?: TaskStatus; assignee?: string } = {}): Promise<Task[]> {
    return (await this.all()).map((r) => r.task).filter((t) => (!q.status || t.status === q.status) && (!q.assignee || t.assignee === q.assignee));
  }

  async claim(name: string): Promise<Task | null> {
    const agent = this.node.agents.get(name); // registered on this node: its role and capabilities decide
    this.node.agents.touch(name);
    for (let i = 0; i < TRIES; i++) {
      const now = Date.now();
      const rows = await this.all();
      const mine = rows.find((r) => r.task.status === "assigned" && r.task.assignee === name && !lapsed(r.task, now, this.down));
      if (mine) {
        const next: ClusterTask = { ...mine.task, status: "running", lease_expires_at: now + mine.task.lease_ms, updated_at: now };
        if (await this.write(mine, next)) return next;
        continue;
      }
      const done = new Set(rows.filter((r) => r.task.status === "done").map((r) => r.task.id));
      const open = rows.filter((r) => isOpen(r.task, now, this.down) && isReady(r.task, done) && eligible(agent, r.task));
      if (!open.length) return null;
      for (const r of open) {
        const taken = await this.take(r, name, "running", now);
        if (taken) return taken;
      }
      // every open task went to another claim meanwhile: read again
    }
    throw new AppError("conflict", `no task could be claimed after ${TRIES} tries: too many claims at once (try again)`);
  }

  /** Reads, checks and writes a task until the write wins (or the check refuses). */
  private async change(id: string, next: (t: ClusterTask, now: number) => ClusterTask, lost: string): Promise<ClusterTask> {
    for (let i = 0; i < TRIES; i++) {
      const r = await this.row(id);
      const t = next(r.task, Date.now());
      if (await this.write(r, t)) return t;
    }
    throw new AppError("conflict", lost);
  }

  async progress(id: string, agent: string | undefined, p: { percent?: number; note?: string }): Promise<Task> {
    const task = await this.change(id, (t, now) => {
      held(t, agent);
      if (t.status !== "assigned" && t.status !== "running") throw new AppError("conflict", `task ${id} is ${t.status}; progress is for a task in hand`);
      return { ...t, status: "running", progress: p.percent ?? t.progress, progress_note: p.note ?? t.progress_note, lease_expires_at: now + t.lease_ms, updated_at: now };
    }, `task ${id} changed meanwhile too often (try again)`);
    this.node.publish({ type: "progress", sender: task.assignee ?? "tasks", topic: "tasks", payload: { task: id, percent: task.progress, note: task.progress_note } });
    return task;
  }

  async heartbeat(name: string): Promise<number> {
    this.node.agents.get(name);
    this.node.agents.touch(name);
    const now = Date.now();
    const mine = (await this.all()).filter((r) => r.task.assignee === name && (r.task.status === "assigned" || r.task.status === "running"));
    const renewed = await Promise.all(mine.map((r) => this.write(r, { ...r.task, lease_expires_at: now + r.task.lease_ms })));
    return renewed.filter(Boolean).length;
  }

  async finish(id: string, agent: string | undefined, r: { result?: string; failed?: boolean }): Promise<Task> {
    let before: ClusterTask | undefined;
    const task = await this.change(id, (t, now) => {
      held(t, agent);
      if (t.status === "done" || t.status === "failed" || t.status === "cancelled") throw new AppError("conflict", `task ${id} is already ${t.status}`);
      before = t;
      return { ...t, status: r.failed ? "failed" : "done", result: r.result ?? null, lease_expires_at: null, progress: r.failed ? t.progress : 100, updated_at: now };
    }, `task ${id} changed meanwhile (its lease may have lapsed and another agent claimed it)`);
    const sender = before?.assignee ?? agent ?? "tasks";
    this.node.publish({ type: "completion", sender, topic: "tasks", payload: task });
    if (task.created_by && task.created_by !== sender && this.node.knows(task.created_by)) {
      this.node.publish({ type: "completion", sender, to: task.created_by, correlation_id: id, payload: task });
    }
    await this.dispatch();
    return task;
  }

  /** Runs a dispatch after the one under way; calls that come while one waits share it. */
  dispatch(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.running.then(() => {
      this.queued = null;
      return this.dispatchOnce();
    }).catch(() => {}); // a NATS hiccup: the next sweep tries again
    this.queued = next;
    this.running = next;
    return next;
  }

  /** Hands every open ready task to the least-loaded eligible live agent of this node. */
  private async dispatchOnce(): Promise<void> {
    const alive = this.node.alive();
    if (!alive.length) return;
    const now = Date.now();
    const rows = await this.all();
    const done = new Set(rows.filter((r) => r.task.status === "done").map((r) => r.task.id));
    const loads = new Map(alive.map((a) => [a.name, 0]));
    for (const { task: t } of rows) {
      if ((t.status === "assigned" || t.status === "running") && !lapsed(t, now, this.down) && t.assignee && loads.has(t.assignee)) loads.set(t.assignee, loads.get(t.assignee)! + 1);
    }
    for (const r of rows) {
      if (!isOpen(r.task, now, this.down) || !isReady(r.task, done)) continue;
      const candidates = passOver(alive.filter((a) => eligible(a, r.task)), r.task, now, this.down);
      if (!candidates.length) continue;
      const pick = candidates.reduce((best, a) => (loads.get(a.name)! < loads.get(best.name)! ? a : best));
      if (await this.take(r, pick.name, "assigned", now)) loads.set(pick.name, loads.get(pick.name)! + 1);
    }
  }
}
