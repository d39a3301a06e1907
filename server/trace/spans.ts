import { Histogram, type Summary } from "./histogram.ts";

export type Attrs = Record<string, string | number | boolean | null | undefined>;

export interface Span {
  op: string;
  start: number;
  duration_ms: number;
  ok: boolean;
  error?: string;
  attrs?: Attrs;
}

/**
 * Spans for server operations: every timed call lands in its operation's histogram (p50/p95/p99)
 * and in a ring of recent spans (for `ai-session trace` and the dashboard). Wrap a call with
 * `time("exec", () => session.exec(...), { session: name, agent })`; sync and async both work.
 */
export class Tracer {
  private histograms = new Map<string, Histogram>();
  private ring: Span[] = [];
  private next = 0;
  private listeners: Array<(s: Span) => void> = [];

  constructor(readonly capacity = 5000) {}

  record(op: string, durationMs: number, attrs?: Attrs, error?: unknown, start = Date.now() - durationMs): Span {
    let h = this.histograms.get(op);
    if (!h) this.histograms.set(op, (h = new Histogram()));
    h.record(durationMs, error !== undefined);
    const span: Span = { op, start, duration_ms: Math.round(durationMs * 1000) / 1000, ok: error === undefined };
    if (error !== undefined) span.error = error instanceof Error ? error.message : String(error);
    if (attrs) span.attrs = attrs;
    if (this.ring.length < this.capacity) this.ring.push(span);
    else this.ring[this.next] = span;
    this.next = (this.next + 1) % this.capacity;
    for (const l of this.listeners) l(span);
    return span;
  }

  time<T>(op: string, fn: () => T, attrs?: Attrs): T {
    const start = Date.now();
    const t0 = performance.now();
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.record(op, performance.now() - t0, attrs, err, start);
      throw err;
    }
    if (result instanceof Promise) {
      return result.then(
        (v) => (this.record(op, performance.now() - t0, attrs, undefined, start), v),
        (err) => {
          this.record(op, performance.now() - t0, attrs, err ?? "rejected", start);
          throw err;
        },
      ) as T;
    }
    this.record(op, performance.now() - t0, attrs, undefined, start);
    return result;
  }

  onSpan(l: (s: Span) => void): () => void {
    this.listeners.push(l);
    return () => (this.listeners = this.listeners.filter((x) => x !== l));
  }

  /** Latency per operation, slowest p99 first. */
  latency(): Array<{ op: string } & Summary> {
    return [...this.histograms].map(([op, h]) => ({ op, ...h.summary() })).sort((a, b) => b.p99_ms - a.p99_ms);
  }

  /** Recent spans, oldest first, filtered by operation or by an attribute (session, agent). */
  spans(q: { op?: string; session?: string; agent?: string; since?: number; limit?: number } = {}): Span[] {
    const ordered = this.ring.length < this.capacity ? this.ring : [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    const out = ordered.filter(
      (s) =>
        (!q.op || s.op === q.op) &&
        (!q.session || s.attrs?.session === q.session) &&
        (!q.agent || s.attrs?.agent === q.agent) &&
        (!q.since || s.start >= q.since),
    );
    return q.limit ? out.slice(-q.limit) : out;
  }

  reset(): void {
    this.histograms.clear();
    this.ring = [];
    this.next = 0;
  }
}
