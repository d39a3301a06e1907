import type { z } from "zod";
import { AgentViewSchema, type AgentView } from "../bus/agents.ts";
import { EntrySchema, type Entry } from "../bus/knowledge.ts";
import { BusMessageSchema, type BusMessage } from "../bus/message.ts";
import { TaskSchema, type Task } from "../bus/tasks.ts";

/** Team objects as the team tools return them: the fields an agent acts on, nothing more, picked from the bus's own schemas. */
export const AgentRow = AgentViewSchema.pick({ name: true, role: true, inbox: true, tasks: true }).strict();
export const agentRow = (a: AgentView): z.infer<typeof AgentRow> => ({ name: a.name, role: a.role, inbox: a.inbox, tasks: a.tasks });

export const MessageRow = BusMessageSchema.pick({ seq: true, id: true, type: true, sender: true, payload: true, correlation_id: true }).strict();
export function messageRow(m: BusMessage): z.infer<typeof MessageRow> {
  return { seq: m.seq, id: m.id, type: m.type, sender: m.sender, payload: m.payload, ...(m.correlation_id ? { correlation_id: m.correlation_id } : {}) };
}

export const TaskRow = TaskSchema.pick({ id: true, title: true, status: true, priority: true, assignee: true, progress: true, result: true }).strict();
export function taskRow(t: Task): z.infer<typeof TaskRow> {
  return { id: t.id, title: t.title, status: t.status, priority: t.priority, assignee: t.assignee, progress: t.progress, result: t.result };
}
export const taskLine = (t: z.infer<typeof TaskRow>) => `${t.id}\t${t.status}\tp${t.priority}\t${t.assignee ?? "-"}\t${t.title}`;

export const EntryRow = EntrySchema.pick({ key: true, version: true, value: true, updated_by: true }).strict();
export const entryRow = (e: Entry): z.infer<typeof EntryRow> => ({ key: e.key, version: e.version, value: e.value, updated_by: e.updated_by });
/** A payload or value as one bounded line of text. */
export function shown(v: unknown, max = 400): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}
