/**
 * Shapes of the agents, bus, tasks and trace routes (issue 5), read loosely: field names are taken
 * from the domain (server/bus/message.ts, server/bus/agents.ts, db/schema/bus.ts and trace.ts).
 */
export interface Agent {
  name: string;
  role: string;
  capabilities?: string[];
  topics?: string[];
  session?: string | null;
  status?: string | null;
  load?: number;
  last_seen_at?: number;
  registered_at?: number;
}

export interface BusMessage {
  id: string;
  seq: number;
  type: string;
  sender: string;
  to?: string | null;
  topic?: string | null;
  broadcast?: boolean;
  correlation_id?: string | null;
  payload: unknown;
  time: number;
}

export interface Task {
  id: string;
  title: string;
  role?: string | null;
  capability?: string | null;
  priority?: number;
  status: string;
  assignee?: string | null;
  progress?: number | null;
  result?: string | null;
  created_at?: number;
  updated_at?: number;
}

export interface Decision {
  id: number | string;
  agent?: string | null;
  session?: string | null;
  what: string;
  options?: string[];
  choice: string;
  reasoning?: string | null;
  created_at?: number | string;
  time?: number | string;
}

export interface OpLatency {
  op: string;
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max?: number;
  /** Histogram counts, when the server sends them (bucket upper bounds in `bounds`). */
  buckets?: number[];
  bounds?: number[];
}

/** Lists arrive bare or wrapped (`{agents:[…]}`); take whichever. */
export function listOf<T>(data: unknown, key: string): T[] {
  if (Array.isArray(data)) return data as T[];
  const inner = (data as Record<string, unknown> | undefined)?.[key];
  return Array.isArray(inner) ? (inner as T[]) : [];
}

/** Where a message went, in a few words. */
export function destination(m: BusMessage): string {
  if (m.to) return m.to;
  if (m.topic) return `#${m.topic}`;
  return "everyone";
}

export function payloadText(p: unknown): string {
  if (typeof p === "string") return p;
  try {
    return JSON.stringify(p);
  } catch {
    return String(p);
  }
}
