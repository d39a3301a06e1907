import { Tracer, type Attrs } from "./spans.ts";

export { Tracer, type Span, type Attrs } from "./spans.ts";
export { Histogram, type Summary } from "./histogram.ts";
export { recordDecision, listDecisions, type Decision, type DecisionInput } from "./decisions.ts";
export { tokenMetrics, type TokenMetrics } from "./tokens.ts";
export { toOtel } from "./otel.ts";

/** The server's one tracer: any module may time its operations with `time(op, fn, attrs)`. */
export const tracer = new Tracer();

export function time<T>(op: string, fn: () => T, attrs?: Attrs): T {
  return tracer.time(op, fn, attrs);
}
