import { z } from "zod";
import type { Entry } from "../bus/knowledge.ts";
import type { BusMessage } from "../bus/message.ts";
import type { Task } from "../bus/tasks.ts";
import type { AgentView } from "./backend.ts";

/** Team objects as the team tools return them: the fields an agent acts on, nothing more. */
export const AgentRow = z.strictObject({ name: z.string(), role: z.string(), inbox: z.number(), tasks: z.number() });
export const agentRow = (a: AgentView): z.infer<typeof AgentRow> => ({ name: a.name, role: a.role, inbox: a.inbox, tasks: a.tasks });

export const MessageRow = z.strictObject({ seq: z.number(), id: z.string(), type: z.string(), sender: z.string(), payload: z.unknown(), correlation_id: z.string().optional() });
export function messageRow(m: BusMessage): z.infer<typeof MessageRow> {
  return { seq: m.seq, id: m.id, type: m.type, sender: m.sender, payload: m.payload, ...(m.correlation_id ? { correlation_id: m.correlation_id } : {}) };
}

export const TaskRow = z.strictObject({
  id: z.string(),
  title: z.string(),
  status: z.string(),
  priority: z.number(),
  assignee: z.string().nullable(),
  progress: z.number().nullable(),
  result: z.string().nullable(),
});
export function taskRow(t: Task): z.infer<typeof TaskRow> {
  return { id: t.id, title: t.title, status: t.status, priority: t.priority ?? 0, assignee: t.assignee ?? null, progress: t.progress ?? null, result: t.result ?? null };
}
export const taskLine = (t: z.infer<typeof TaskRow>) => `${t.id}\t${t.status}\tp${t.priority}\t${t.assignee ?? "-"}\t${t.title}`;

export const EntryRow = z.strictObject({ key: z.string(), version: z.number(), value: z.unknown(), updated_by: z.string().nullable() });
export const entryRow = (e: Entry): z.infer<typeof EntryRow> => ({ key: e.key, version: e.version, value: e.value, updated_by: e.updated_by ?? null });

/** A payload or value as one bounded line of text. */
export function shown(v: unknown, max = 400): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max)}… (${s.length} characters)` : s;
}
