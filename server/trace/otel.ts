import { createHash } from "node:crypto";
import type { Span } from "./spans.ts";

function hex(seed: string, bytes: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, bytes * 2);
}

function attr(key: string, v: unknown) {
  if (typeof v === "number") return { key, value: Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v } };
  if (typeof v === "boolean") return { key, value: { boolValue: v } };
  return { key, value: { stringValue: String(v) } };
}

/** Spans as OTLP/JSON (`ExportTraceServiceRequest`), ready for an OpenTelemetry collector. */
export function toOtel(spans: Span[], service: { name: string; version: string }) {
  return {
    resourceSpans: [
      {
        resource: { attributes: [attr("service.name", service.name), attr("service.version", service.version)] },
        scopeSpans: [
          {
            scope: { name: "ai-session", version: service.version },
            spans: spans.map((s, i) => {
              const startNs = BigInt(Math.round(s.start * 1e6));
              const endNs = startNs + BigInt(Math.round(s.duration_ms * 1e6));
              return {
                traceId: hex(`${s.attrs?.session ?? s.attrs?.agent ?? "server"}`, 16),
                spanId: hex(`${s.start}-${s.op}-${i}`, 8),
                name: s.op,
                kind: 1,
                startTimeUnixNano: startNs.toString(),
                endTimeUnixNano: endNs.toString(),
                attributes: Object.entries(s.attrs ?? {}).filter(([, v]) => v != null).map(([k, v]) => attr(`ai_session.${k}`, v)),
                status: s.ok ? { code: 1 } : { code: 2, message: s.error ?? "error" },
              };
            }),
          },
        ],
      },
    ],
  };
}
