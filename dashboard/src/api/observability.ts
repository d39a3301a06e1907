/**
 * Shapes of the agents, bus, tasks and trace routes (issue 5), read loosely: field names are taken
 * from the domain (server/bus/message.ts, server/bus/agents.ts, db/schema/bus.ts and trace.ts).
 */
export interface Agent {
  name: string;
  role: string;
  /** In a cluster: the node it is registered on. */
  node?: string;
  capabilities?: string[];
  topics?: string[];
  session?: string | null;
  /** What the agent's session occupant is doing (server/bus/agent-status.ts), when it runs in a session. */
  status?: string | { status: string; source?: string; kind?: string; message?: string } | null;
  /** Tasks it holds now. */
  tasks?: number;
  load?: number;
  inbox?: number;
  last_seen_at?: number;
  registered_at?: number;
}

export function agentStatusText(a: Agent): { status: string; title: string } | undefined {
  const s = a.status;
  if (!s) return undefined;
  if (typeof s === "string") return { status: s, title: s };
  const detail = [s.kind, s.message, s.source ? `from ${s.source}` : ""].filter(Boolean).join(" · ");
  return { status: s.status, title: detail };
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
  /** In a cluster's traffic: the node that keeps it (its seq is that node's). */
  node?: string;
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
  errors?: number;
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

/** Latency rows as the server sends them (`p50_ms` … from server/trace/histogram.ts, or `p50` …). */
export function normalizeLatency(rows: Array<Record<string, unknown>>): OpLatency[] {
  const n = (r: Record<string, unknown>, k: string) => Number(r[`${k}_ms`] ?? r[k] ?? 0);
  return rows.map((r) => ({
    op: String(r.op ?? r.name ?? "?"),
    count: Number(r.count ?? 0),
    p50: n(r, "p50"),
    p95: n(r, "p95"),
    p99: n(r, "p99"),
    max: r.max_ms != null || r.max != null ? n(r, "max") : undefined,
    errors: r.errors != null ? Number(r.errors) : undefined,
    buckets: Array.isArray(r.buckets) ? (r.buckets as number[]) : undefined,
    bounds: Array.isArray(r.bounds) ? (r.bounds as number[]) : undefined,
  }));
}

/** One timed server operation (server/trace/spans.ts). */
export interface Span {
  op: string;
  start: number;
  duration_ms: number;
  ok: boolean;
  error?: string;
  attrs?: Record<string, string | number | boolean | null | undefined>;
}
