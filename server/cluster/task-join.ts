import { createHash } from "node:crypto";
import type { AgentRegistry } from "../bus/agents.ts";
import type { PublishInput } from "../bus/message.ts";
import { OPEN_STATUSES, type Task } from "../bus/tasks.ts";
import type { ClusterTask } from "../cluster-port.ts";

/** What moving needs of the node's own queue (TaskQueue). */
export interface LocalQueue {
  list(): Task[];
  movedTo(): Map<string, string>;
  markMoved(id: string, to: string, result: string): boolean;
}

/** What moving needs of the cluster's queue (KvTaskBoard). */
export interface ClusterQueue {
  adopt(task: ClusterTask): Promise<"created" | "exists">;
  dispatch(): Promise<void>;
}

export interface JoinNode {
  name: string;
  agents: AgentRegistry;
  publish(m: PublishInput): unknown;
  log(line: string): void;
}

export interface MoveReport {
  /** Local id → cluster id, of the tasks moved by this call. */
  moved: Map<string, string>;
  /** Local id → why it stays in this node's own queue. */
  kept: Map<string, string>;
}

/**
 * The cluster id a local task gets when its node joins: the same for the same task of the same
 * node at every try, so a move cut short (a crash between the bucket's write and SQLite's) and
 * tried again at the next start finds its task there (a create of an existing key fails) instead
 * of making a second one. The local id and creation time both go in: a queue made afresh numbers
 * its tasks from task-1 again.
 */
export function clusterIdOf(node: string, t: Pick<Task, "id" | "created_at">): string {
  const h = createHash("sha256").update(`${node}\0${t.id}\0${t.created_at}`).digest("hex").slice(0, 12);
  return `ct-${t.created_at.toString(36)}-${h}`;
}

/** What the log and `status` say of a task that stays in its node's own queue. */
export const keptSentence = (node: string, id: string, why: string) => `task ${id} stays in node ${node}'s own queue and is not shown in the cluster's: ${why}`;

/** Why a task cannot be a cluster task as it is (bad data), or null. */
function badData(t: Task, agents: AgentRegistry): string | null {
  if (typeof t.title !== "string" || !t.title.trim()) return "it has no title";
  if (!Number.isFinite(t.priority)) return `its priority (${t.priority}) is not a number`;
  if (!Number.isFinite(t.lease_ms) || t.lease_ms <= 0) return `its lease (${t.lease_ms} ms) is not a positive number`;
  if (!Array.isArray(t.depends_on) || t.depends_on.some((d) => typeof d !== "string")) return "its dependencies are not a list of task ids";
  if (t.role) {
    try {
      agents.roles.get(t.role);
    } catch {
      return `its role "${t.role}" is not a role this node knows`;
    }
  }
  return null;
}

/**
 * Moves the tasks still open in this node's own queue (queued, or held by one of its agents) into
 * the cluster's queue, once: each becomes a cluster task (clusterIdOf) with its title, role,
 * capability, priority, lease, attempts, progress and creator, and dependencies on other local
 * tasks name their cluster ids (a dependency on a local task that is done is met and dropped). A
 * task held by an agent registered on this node stays held by it, with a fresh lease; one whose
 * holder is unknown here is queued again. Dependencies go in before their dependents. A moved task
 * is cancelled in SQLite with a result naming its cluster id (and the mapping kept), so it is moved
 * once. A task that cannot be moved (bad data, a dependency that failed or is missing) stays in the
 * local queue and is told in one sentence in the log and a status_update. Finished tasks stay as
 * they are, in the local history.
 */
export async function moveLocalTasks(local: LocalQueue, cluster: ClusterQueue, node: JoinNode): Promise<MoveReport> {
  const all = local.list();
  const byId = new Map(all.map((t) => [t.id, t]));
  const already = local.movedTo();
  const open = all.filter((t) => OPEN_STATUSES.includes(t.status) && !already.has(t.id));
  const report: MoveReport = { moved: new Map(), kept: new Map() };
  if (!open.length) return report;

  const reasons = new Map<string, string>();
  for (const t of open) {
    const bad = badData(t, node.agents);
    if (bad) reasons.set(t.id, bad);
  }
  const openIds = new Set(open.map((t) => t.id));
  // a task moves only with every open task it depends on: drop those that cannot until none is left
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of open) {
      if (reasons.has(t.id)) continue;
      for (const d of t.depends_on) {
        const dep = byId.get(d);
        let why: string | null = null;
        if (!dep) why = `it depends on ${d}, which is not in this node's queue`;
        else if (already.has(d) || dep.status === "done") continue;
        else if (!openIds.has(d)) why = `it depends on ${d}, which ${dep.status === "failed" ? "failed" : "was cancelled"}`;
        else if (reasons.has(d)) why = `it depends on ${d}, which stays here too`;
        if (why) {
          reasons.set(t.id, why);
          changed = true;
          break;
        }
      }
    }
  }

  // dependencies first; what is left over depends on itself through others
  const order: Task[] = [];
  const placed = new Set<string>();
  const pending = open.filter((t) => !reasons.has(t.id));
  for (let progress = true; progress; ) {
    progress = false;
    for (const t of pending) {
      if (placed.has(t.id)) continue;
      if (t.depends_on.every((d) => !openIds.has(d) || placed.has(d))) {
        order.push(t);
        placed.add(t.id);
        progress = true;
      }
    }
  }
  for (const t of pending) if (!placed.has(t.id)) reasons.set(t.id, "its dependencies form a cycle");

  const idOf = (localId: string) => already.get(localId) ?? clusterIdOf(node.name, byId.get(localId)!);
  for (const t of order) {
    const now = Date.now();
    const holder = t.status !== "queued" && t.assignee && node.agents.find(t.assignee) ? t.assignee : null;
    const task: ClusterTask = {
      ...t,
      id: clusterIdOf(node.name, t),
      depends_on: t.depends_on.filter((d) => already.has(d) || byId.get(d)!.status !== "done").map(idOf),
      status: holder ? t.status : "queued",
      assignee: holder,
      node: holder ? node.name : null,
      lease_expires_at: holder ? now + t.lease_ms : null,
      result: null,
      updated_at: now,
    };
    await cluster.adopt(task); // "exists": an earlier try wrote it; SQLite is marked now
    if (!local.markMoved(t.id, task.id, `moved into the cluster's queue as ${task.id} when node ${node.name} joined`)) continue;
    report.moved.set(t.id, task.id);
    node.publish({ type: "status_update", sender: "tasks", topic: "tasks", payload: { task: task.id, event: "moved_into_cluster", from: t.id, node: node.name } });
  }
  if (report.moved.size) {
    const list = [...report.moved].map(([from, to]) => `${from} -> ${to}`).join(", ");
    node.log(`moved ${report.moved.size} task(s) queued on node ${node.name} before it joined into the cluster's queue: ${list}`);
  }
  for (const [id, why] of reasons) {
    report.kept.set(id, why);
    node.log(keptSentence(node.name, id, why));
    node.publish({ type: "status_update", sender: "tasks", topic: "tasks", payload: { task: id, event: "not_moved_into_cluster", node: node.name, reason: why } });
  }
  if (report.moved.size) await cluster.dispatch();
  return report;
}
