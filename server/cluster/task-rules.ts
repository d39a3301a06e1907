import { AppError } from "../errors.ts";
import type { Agent } from "../bus/agents.ts";
import type { ClusterTask } from "../cluster-port.ts";

/** A task as read from the bucket, with the revision a compare-and-set of it names. */
export type Row = { task: ClusterTask; revision: number };

const active = (t: ClusterTask) => t.status === "assigned" || t.status === "running";

/** Whether a node is known to be down (membership: no heartbeat for DOWN_AFTER_MS, or it left). */
export type NodeDown = (node: string) => boolean;

/** Held by an agent of a node that is down: nobody there will finish it. */
export const holderDown = (t: ClusterTask, down?: NodeDown) => active(t) && t.node !== null && down?.(t.node) === true;

/**
 * Held, but its holder let the lease run out, or the holder's node is down (it crashed or left):
 * the task is open again, without waiting out the lease of a node that is gone.
 */
export const lapsed = (t: ClusterTask, now: number, down?: NodeDown) => active(t) && ((t.lease_expires_at ?? 0) < now || holderDown(t, down));

/** Waiting for an agent: queued, or held with a lapsed lease. */
export const isOpen = (t: ClusterTask, now: number, down?: NodeDown) => t.status === "queued" || lapsed(t, now, down);

/** Every task it depends on is done. */
export const isReady = (t: ClusterTask, done: Set<string>) => t.depends_on.every((d) => done.has(d));

/** The agent's role and capabilities let it take the task (as TaskQueue.eligible). */
export const eligible = (a: Pick<Agent, "role" | "capabilities">, t: ClusterTask) =>
  (!t.role || a.role === t.role) && (!t.capability || a.capabilities.includes(t.capability));

/** Of the agents that could take a lapsed task, its last holder only when nobody else can. */
export function passOver<A extends { name: string }>(candidates: A[], t: ClusterTask, now: number, down?: NodeDown): A[] {
  if (candidates.length < 2 || !lapsed(t, now, down)) return candidates;
  return candidates.filter((a) => a.name !== t.assignee);
}

/** Refuses a change by an agent that does not hold the task (the local queue's sentence). */
export function held(t: ClusterTask, agent: string | undefined): void {
  if (agent && t.assignee !== agent) {
    throw new AppError("conflict", `task ${t.id} is ${t.assignee ? `held by agent "${t.assignee}"` : t.status}, not by "${agent}" (claim it first: ai-session task claim --agent ${agent})`);
  }
}

export const byPriority = (a: ClusterTask, b: ClusterTask) => b.priority - a.priority || a.created_at - b.created_at || a.id.localeCompare(b.id);
