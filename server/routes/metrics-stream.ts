import { Hono } from "hono";
import { upgradeWebSocket } from "../platform/index.ts";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import { tokenMetrics, tracer } from "../trace/index.ts";
import { documentRoute } from "./openapi.ts";
import { queryOf } from "./validate.ts";
import { allow } from "./access.ts";

const StreamQuery = z.object({
  interval_ms: z.coerce.number().int().min(250).max(60_000).default(1000).describe("how often a sample is sent"),
  session: z.string().optional().describe("token metrics of this session only"),
});

/** One metrics sample: what GET /api/metrics answers, plus the time and the live session count. */
export function metricsSample(rt: Runtime, session?: string) {
  return {
    type: "metrics",
    time: Date.now(),
    sessions: rt.sessions.list().length,
    latency: tracer.latency(),
    tokens: tokenMetrics(rt.db, { session }),
    bus: rt.bus.bus.stats(),
  };
}

/**
 * WS /api/metrics/stream?interval_ms=1000 — a metrics sample as a JSON text frame right away and
 * then every interval (read scope), for the dashboard and monitoring. A viewer that stops reading
 * is skipped, not buffered: samples are cheap to miss.
 */
export function metricsStreamRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  documentRoute({ method: "get", path: "/api/metrics/stream", summary: "WebSocket: a metrics sample (latency, tokens, bus, sessions) every interval_ms", scope: "read", query: StreamQuery, tags: ["trace"] });
  app.get(
    "/metrics/stream",
    allow({ scope: "read", session: { query: "session", required: "limited" } }),
    upgradeWebSocket((c) => {
      const q = queryOf(c, StreamQuery);
      let timer: ReturnType<typeof setInterval> | undefined;
      return {
        onOpen(_ev, ws) {
          const send = () => {
            const raw = ws.raw as { getBufferedAmount?: () => number } | undefined;
            if ((raw?.getBufferedAmount?.() ?? 0) > 1024 * 1024) return;
            ws.send(JSON.stringify(metricsSample(rt, q.session)));
          };
          send();
          timer = setInterval(send, q.interval_ms);
        },
        onClose() {
          if (timer) clearInterval(timer);
        },
      };
    }),
  );
  return app;
}
