import type { EventStore } from "@modelcontextprotocol/server";

type Message = Parameters<EventStore["storeEvent"]>[1];

interface Stream {
  owner: string;
  events: Array<{ id: string; message: Message }>;
  /** the response that ends the stream has been stored */
  done: boolean;
  listeners: Set<(id: string, message: Message) => void>;
  touched: number;
}

const MAX_STREAMS = 500;
const MAX_EVENTS = 2_000;
const KEEP_MS = 10 * 60_000;

const isResponse = (m: Message) => "result" in (m as object) || "error" in (m as object);

/**
 * The SSE events of MCP responses over Streamable HTTP, kept a while so that a client whose
 * connection dropped can resume with `Last-Event-ID` and get the rest, the result included, even
 * when the tool finished while it was away. Bounded in streams, events and age; a stream can only
 * be resumed by the caller that opened it.
 */
export class ResumableEvents {
  private streams = new Map<string, Stream>();

  /** The SDK's EventStore for one caller's request. */
  forCaller(owner: string): EventStore {
    return {
      storeEvent: async (streamId, message) => this.store(owner, streamId, message),
      getStreamIdForEventId: async (eventId) => this.streamOf(eventId),
      replayEventsAfter: async (lastEventId, { send }) => {
        const streamId = this.streamOf(lastEventId) ?? "";
        for (const e of this.after(owner, lastEventId)) await send(e.id, e.message);
        return streamId;
      },
    };
  }

  private store(owner: string, streamId: string, message: Message): string {
    let s = this.streams.get(streamId);
    if (!s) {
      this.sweep();
      s = { owner, events: [], done: false, listeners: new Set(), touched: Date.now() };
      this.streams.set(streamId, s);
    }
    const id = `${streamId}:${s.events.length + 1}`;
    s.events.push({ id, message });
    if (s.events.length > MAX_EVENTS) s.events.shift();
    s.touched = Date.now();
    if (isResponse(message)) s.done = true;
    for (const l of s.listeners) l(id, message);
    return id;
  }

  streamOf(eventId: string): string | undefined {
    const streamId = eventId.slice(0, eventId.lastIndexOf(":"));
    return this.streams.has(streamId) ? streamId : undefined;
  }

  /** Events stored after `eventId` in its stream, for its owner only. */
  private after(owner: string, eventId: string): Array<{ id: string; message: Message }> {
    const streamId = this.streamOf(eventId);
    const s = streamId ? this.streams.get(streamId) : undefined;
    if (!s || s.owner !== owner) return [];
    const n = Number(eventId.slice(eventId.lastIndexOf(":") + 1));
    return s.events.filter((e) => Number(e.id.slice(e.id.lastIndexOf(":") + 1)) > n);
  }

  /**
   * The SSE response for a resumption: what was stored after `lastEventId`, then what comes until
   * the stream's response, then the end. Undefined when the id is unknown or not the caller's.
   */
  resume(owner: string, lastEventId: string, keepAliveMs = 15_000): Response | undefined {
    const streamId = this.streamOf(lastEventId);
    const s = streamId ? this.streams.get(streamId) : undefined;
    if (!s || s.owner !== owner) return undefined;
    const encoder = new TextEncoder();
    const frame = (id: string, m: Message) => encoder.encode(`event: message\nid: ${id}\ndata: ${JSON.stringify(m)}\n\n`);
    let listener: ((id: string, m: Message) => void) | undefined;
    let ping: ReturnType<typeof setInterval> | undefined;
    const stop = () => {
      if (listener) s.listeners.delete(listener);
      if (ping) clearInterval(ping);
    };
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => {
        for (const e of this.after(owner, lastEventId)) controller.enqueue(frame(e.id, e.message));
        if (s.done) {
          controller.close();
          return;
        }
        listener = (id, m) => {
          try {
            controller.enqueue(frame(id, m));
            if (isResponse(m)) {
              stop();
              controller.close();
            }
          } catch {
            stop();
          }
        };
        s.listeners.add(listener);
        ping = setInterval(() => {
          try {
            controller.enqueue(encoder.encode(": keepalive\n\n"));
          } catch {
            stop();
          }
        }, keepAliveMs);
      },
      cancel: stop,
    });
    return new Response(body, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive" } });
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, s] of this.streams) {
      if (this.streams.size < MAX_STREAMS && now - s.touched < KEEP_MS) break;
      if (s.listeners.size === 0) this.streams.delete(id);
    }
  }
}
