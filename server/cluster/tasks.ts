import type { NatsConnection } from "@nats-io/transport-node";
import { Kvm, type KV } from "@nats-io/kv";
import { AppError } from "../errors.ts";
import type { ClusterTask, ClusterTasks } from "../cluster-port.ts";
import { lostRace, settled } from "./connection.ts";

const DEFAULT_LEASE_MS = 60_000;
const TRIES = 50;


/**
 * The cluster's task queue in a KV bucket, one key per task. A claim is a compare-and-set on the
 * task's revision: of several agents (on any nodes) racing for one task, one write wins and the
 * others see the conflict and move on, so a task is never held twice. A holder whose lease lapses
 * loses the task to the next claim. Finishing is a compare-and-set too, by the holder only.
 */
export class KvTaskBoard implements ClusterTasks {
  private constructor(private kv: KV, private node: string) {}

  static async open(nc: NatsConnection, bucket: string, replicas: number, node: string): Promise<KvTaskBoard> {
    return new KvTaskBoard(await settled(() => new Kvm(nc).create(bucket, { history: 1, replicas })), node);
  }

  private async read(id: string): Promise<{ task: ClusterTask; revision: number } | null> {
    const e = await this.kv.get(id);
    if (e?.operation !== "PUT") return null;
    return { task: e.json<ClusterTask>(), revision: e.revision };
  }

  async add(input: Parameters<ClusterTasks["add"]>[0]): Promise<ClusterTask> {
    if (!input.title.trim()) throw new AppError("invalid", "a task needs a title");
    const now = Date.now();
    const task: ClusterTask = {
      id: `ct-${now.toString(36)}-${crypto.randomUUID().slice(0, 8)}`, title: input.title, description: input.description ?? null,
      role: input.role ?? null, priority: input.priority ?? 0, status: "queued", assignee: null, node: null,
      lease_ms: input.lease_ms ?? DEFAULT_LEASE_MS, lease_expires_at: null, attempts: 0, result: null,
      created_by: input.created_by ?? null, created_at: now, updated_at: now,
    };
    await this.kv.create(task.id, JSON.stringify(task));
    return task;
  }

  private async all(): Promise<Array<{ task: ClusterTask; revision: number }>> {
    const keys: string[] = [];
    for await (const k of await this.kv.keys()) keys.push(k);
    const rows = await Promise.all(keys.map((k) => this.read(k)));
    return rows.filter((r): r is { task: ClusterTask; revision: number } => r !== null)
      .sort((a, b) => b.task.priority - a.task.priority || a.task.created_at - b.task.created_at);
  }

  async list(): Promise<ClusterTask[]> {
    return (await this.all()).map((r) => r.task);
  }

  async claim(agent: { name: string; role: string }): Promise<ClusterTask | null> {
    for (let i = 0; i < TRIES; i++) {
      const now = Date.now();
      const open = (await this.all()).filter(({ task: t }) =>
        (t.role === null || t.role === agent.role) &&
        (t.status === "queued" || (t.status === "assigned" && (t.assignee === agent.name || (t.lease_expires_at ?? 0) < now))),
      );
      const mine = open.find((r) => r.task.status === "assigned" && r.task.assignee === agent.name);
      if (mine) return mine.task;
      if (!open.length) return null;
      let raced = false;
      for (const { task, revision } of open) {
        const taken: ClusterTask = { ...task, status: "assigned", assignee: agent.name, node: this.node, lease_expires_at: now + task.lease_ms, attempts: task.attempts + 1, updated_at: now };
        try {
          await this.kv.update(task.id, JSON.stringify(taken), revision);
          return taken;
        } catch (err) {
          if (!lostRace(err)) throw err;
          raced = true; // another claim won this one: try the next
        }
      }
      if (!raced) return null;
    }
    throw new AppError("conflict", `no task could be claimed after ${TRIES} tries: too many claims at once (try again)`);
  }

  async finish(id: string, agent: string | undefined, r: { result?: string; failed?: boolean }): Promise<ClusterTask> {
    const got = await this.read(id);
    if (!got) throw new AppError("not_found", `no cluster task named "${id}" (ai-session task list --cluster)`);
    const { task, revision } = got;
    if (task.status !== "assigned") throw new AppError("conflict", `task ${id} is ${task.status}, not held by anyone`);
    if (agent !== undefined && task.assignee !== agent) throw new AppError("denied", `task ${id} is held by agent "${task.assignee}", not "${agent}"`);
    const now = Date.now();
    const done: ClusterTask = { ...task, status: r.failed ? "failed" : "done", result: r.result ?? null, lease_expires_at: null, updated_at: now };
    try {
      await this.kv.update(id, JSON.stringify(done), revision);
    } catch (err) {
      if (lostRace(err)) throw new AppError("conflict", `task ${id} changed meanwhile (its lease may have lapsed and another agent claimed it)`);
      throw err;
    }
    return done;
  }
}
