import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import { toAppError } from "../errors.ts";
import type { Caller } from "../security/auth.ts";
import type { Runtime } from "../runtime.ts";
import { BusMessageSchema, publishSchema, type PublishInput } from "../bus/message.ts";
import { InboxAnswerSchema } from "../bus/transport.ts";
import { visibleTo } from "../bus/bus.ts";
import { time } from "../trace/index.ts";
import { documentRoute } from "./openapi.ts";
import { jsonBody, queryOf } from "./validate.ts";
import { BusConnection, connectionStats, heldForReaders, type ConnectionParams } from "../bus/connection.ts";
import { busLimits, MAX_QUEUE, MAX_QUEUE_BYTES } from "../bus/limits.ts";
import { upgradeNative, type NativeHandlers } from "../platform/index.ts";
import { pump } from "../bus/pump.ts";
import { requireFrameScope, type Access } from "../access/sessions.ts";
import { allow } from "./access.ts";
import { checkInboxAccess, senderOf, viewerOf } from "../access/callers.ts";

/** The bus WebSocket's frames, each checked like its HTTP twin (publish and ack: exec). */
const STREAM_ACCESS: Access = { scope: "read", frames: { publish: "exec", ack: "exec", subscribe: "read", unsubscribe: "read", ping: "read" } };

const historyQuery = z.object({
  agent: z.string().optional(),
  topic: z.string().optional(),
  type: z.string().optional(),
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().positive().max(10_000).optional(),
});

const inboxQuery = z.object({
  after: z.coerce.number().int().nonnegative().optional(),
  limit: z.coerce.number().int().positive().max(10_000).optional(),
});

const ackSchema = z
  .object({ seqs: z.array(z.number().int().positive()).optional(), up_to: z.number().int().nonnegative().optional() })
  .strict()
  .refine((b) => b.seqs || b.up_to != null, { message: "give seqs or up_to" });

const requestSchema = z.object({ message: publishSchema, timeout_ms: z.number().int().positive().max(600_000).default(30_000) }).strict();

/** A per-connection bound from the query: a whole number up to the cap, else the server's default. */
function bounded(raw: string | null, fallback: number, max: number): number {
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 1 ? Math.min(max, n) : fallback;
}

/** The message bus over HTTP, and over a WebSocket at /api/bus/stream. */
export function busRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const { bus } = rt.bus;
  const limits = busLimits();

  documentRoute({ method: "post", path: "/api/bus/messages", summary: "Publish a message: to an agent, a topic, or broadcast", scope: "exec", body: publishSchema, response: BusMessageSchema, status: 201, tags: ["bus"] });
  app.post("/bus/messages", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, publishSchema);
    const sender = senderOf(rt, c.get("caller"));
    const m = time("bus.publish", () => bus.publish({ ...(body as Omit<PublishInput, "sender">), sender }), { agent: sender });
    // answered once the message is on disk: a crash of the server after the answer cannot lose it
    const t = bus.transport;
    if (t.whenDurable) await new Promise<void>((resolve) => t.whenDurable!(m.seq, resolve));
    return c.json(m, 201);
  });

  documentRoute({ method: "post", path: "/api/bus/request", summary: "Publish a message and wait for its reply (same correlation id)", scope: "exec", body: requestSchema, response: BusMessageSchema, tags: ["bus"] });
  app.post("/bus/request", allow({ scope: "exec" }), async (c) => {
    const body = await jsonBody(c, requestSchema);
    const sender = senderOf(rt, c.get("caller"));
    const reply = await time("bus.request", () => bus.request({ ...(body.message as Omit<PublishInput, "sender">), sender }, body.timeout_ms), { agent: sender });
    return c.json(reply);
  });

  documentRoute({ method: "get", path: "/api/bus/messages", summary: "Message history (persisted messages), oldest first: the newest `limit`, or after a seq the next `limit`", scope: "read", query: historyQuery, response: z.array(BusMessageSchema), tags: ["bus"] });
  app.get("/bus/messages", allow({ scope: "read" }), (c) => {
    const q = queryOf(c, historyQuery);
    // asking for a topic is subscribing to it: its messages are the caller's to see
    const viewer = viewerOf(rt, c.get("caller"), q.topic ? [q.topic] : []);
    return c.json(time("bus.history", () => bus.history({ agent: q.agent, topic: q.topic, type: q.type, afterSeq: q.after, limit: q.limit, viewer })));
  });

  documentRoute({ method: "get", path: "/api/bus/inbox/{agent}", summary: "What waits in an agent's inbox, oldest first (acknowledge with POST .../ack)", scope: "read", query: inboxQuery, response: InboxAnswerSchema, tags: ["bus"] });
  app.get("/bus/inbox/:agent", allow({ scope: "read" }), (c) => {
    const agent = c.req.param("agent");
    checkInboxAccess(c.get("caller"), agent);
    const q = queryOf(c, inboxQuery);
    return c.json(time("bus.inbox", () => bus.readInbox(agent, { afterSeq: q.after, limit: q.limit }), { agent }));
  });

  documentRoute({ method: "post", path: "/api/bus/inbox/{agent}/ack", summary: "Acknowledge inbox messages by seq (or all up to a seq)", scope: "exec", body: ackSchema, tags: ["bus"] });
  app.post("/bus/inbox/:agent/ack", allow({ scope: "exec" }), async (c) => {
    const agent = c.req.param("agent");
    checkInboxAccess(c.get("caller"), agent);
    const body = await jsonBody(c, ackSchema);
    return c.json({ acked: bus.ack(agent, { seqs: body.seqs, upTo: body.up_to }), waiting: bus.inboxSize(agent) });
  });

  app.get("/bus/stats", allow({ scope: "read" }), (c) =>
    c.json({
      ...bus.stats(),
      connections: connectionStats.open,
      connection_drops: connectionStats.dropped,
      paused_publishers: connectionStats.paused,
      ...heldForReaders(),
      longest_turn_ms: Math.round(pump.longestMs * 10) / 10,
    }),
  );

  /** Opens a bus connection for a WebSocket; errors (unknown agent, someone else's inbox) close it with a reason. */
  function busSocket(caller: Caller, q: URLSearchParams): NativeHandlers {
    const agent = q.get("agent") ?? caller.agent ?? undefined;
    if (agent) {
      rt.bus.agents.get(agent);
      checkInboxAccess(caller, agent);
    }
    const params: ConnectionParams = {
      agent,
      topics: q.get("topics")?.split(",").map((t) => t.trim()).filter(Boolean),
      all: q.get("all") === "1" || q.get("all") === "true",
      after: q.has("after") ? Number(q.get("after")) : undefined,
      queue: bounded(q.get("queue"), limits.queue, MAX_QUEUE),
      queueBytes: bounded(q.get("queue_bytes"), limits.queueBytes, MAX_QUEUE_BYTES),
      authorize: (op) => requireFrameScope(caller, STREAM_ACCESS, op),
    };
    // ?all=1 shows everything only to the owner; anyone else sees its share of the traffic
    const viewer = viewerOf(rt, caller);
    // (the agent's topics are read at each message: a registration update applies at once)
    if (viewer) params.visible = (m, subscribed) => visibleTo(viewerOf(rt, caller) ?? viewer, m, subscribed);
    // the owner may speak as the agent it connects as; anyone else speaks as itself
    const sender = caller.agent || caller.kind !== "owner" || !agent ? senderOf(rt, caller) : agent;
    let conn: BusConnection | null = null;
    return {
      open: (ws) => {
        conn = new BusConnection(rt.bus, sender, params, {
          send: (text) => void ws.send(text),
          buffered: () => ws.getBufferedAmount(),
          close: (code, reason) => ws.close(code, reason),
          cork: (fn) => void ws.cork(fn),
          pause: () => ws.pause(),
          resume: () => ws.resume(),
        });
        conn.open();
      },
      message: (_ws, data) => conn?.receive(typeof data === "string" ? data : data.toString("utf8")),
      close: () => conn?.close(),
      drain: () => conn?.onDrain(),
    };
  }

  /** A socket that says why it could not open, then closes. */
  function refused(err: unknown): NativeHandlers {
    const e = toAppError(err);
    return {
      open: (ws) => {
        ws.send(JSON.stringify({ kind: "error", code: e.code, message: e.message }));
        ws.close(4000 + (e.code === "not_found" ? 4 : e.code === "denied" ? 3 : 0), e.code);
      },
      message: () => {},
      close: () => {},
    };
  }

  documentRoute({ method: "get", path: "/api/bus/stream", summary: "WebSocket: ?agent=NAME (inbox, missed messages first), ?topics=a,b, ?all=1, ?queue=N&queue_bytes=N (what a slow reader may have waiting); send {op:publish|ack|subscribe}", scope: "read", tags: ["bus"] });
  app.get("/bus/stream", allow(STREAM_ACCESS), (c) => {
    let handlers: NativeHandlers;
    try {
      handlers = busSocket(c.get("caller"), new URL(c.req.url).searchParams);
    } catch (err) {
      handlers = refused(err);
    }
    return upgradeNative(c, handlers);
  });

  return app;
}
