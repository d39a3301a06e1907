import { z } from "zod";

export const MESSAGE_TYPES = [
  "task_assignment",
  "progress",
  "completion",
  "status_update",
  "help_request",
  "knowledge_share",
  "custom",
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

/** One message on the bus. `seq` orders all messages of a server; `id` names one for replies. */
export interface BusMessage {
  id: string;
  seq: number;
  type: MessageType;
  sender: string;
  /** Exactly one of to / topic / broadcast says where it goes. */
  to?: string;
  topic?: string;
  broadcast?: boolean;
  /** The id of the message this one answers (request/reply), or a conversation id. */
  correlation_id?: string;
  payload: unknown;
  time: number;
}

export interface PublishInput {
  type?: MessageType;
  sender: string;
  to?: string;
  topic?: string;
  broadcast?: boolean;
  correlation_id?: string;
  payload: unknown;
  /** false: delivered but never written to the database (high-rate progress ticks). Default true. */
  persist?: boolean;
}

/** Largest payload accepted, as JSON text. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export const TOPIC = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** The wire form of a publish request (HTTP, WebSocket, MCP): validated at the edge. */
export const publishSchema = z
  .object({
    type: z.enum(MESSAGE_TYPES).default("custom"),
    to: z.string().min(1).optional(),
    topic: z.string().regex(TOPIC, "a topic is letters, digits and . _ : / -, at most 128").optional(),
    broadcast: z.boolean().optional(),
    correlation_id: z.string().min(1).max(128).optional(),
    payload: z.unknown(),
    persist: z.boolean().optional(),
  })
  .strict()
  .refine((m) => [m.to, m.topic, m.broadcast ? true : undefined].filter((x) => x !== undefined).length === 1, {
    message: "say where the message goes: exactly one of to, topic or broadcast",
  });

const TYPES: ReadonlySet<string> = new Set(MESSAGE_TYPES);
const FRAME_KEYS: ReadonlySet<string> = new Set(["op", "ref", "type", "to", "topic", "broadcast", "correlation_id", "payload", "persist"]);

/**
 * The hot-path check of a publish frame (a WebSocket publishes many per second): the same rules as
 * publishSchema, without building a zod result. Returns undefined when anything is off, so the caller
 * runs publishSchema for the exact error.
 */
export function readPublishFrame(f: Record<string, unknown>): Omit<PublishInput, "sender"> | undefined {
  for (const k in f) if (!FRAME_KEYS.has(k)) return undefined;
  const { type, to, topic, broadcast, correlation_id, persist } = f;
  if (type !== undefined && (typeof type !== "string" || !TYPES.has(type))) return undefined;
  let destinations = 0;
  if (to !== undefined) {
    if (typeof to !== "string" || to === "") return undefined;
    destinations++;
  }
  if (topic !== undefined) {
    if (typeof topic !== "string" || !TOPIC.test(topic)) return undefined;
    destinations++;
  }
  if (broadcast !== undefined) {
    if (typeof broadcast !== "boolean") return undefined;
    if (broadcast) destinations++;
  }
  if (destinations !== 1) return undefined;
  if (correlation_id !== undefined && (typeof correlation_id !== "string" || correlation_id === "" || correlation_id.length > 128)) return undefined;
  if (persist !== undefined && typeof persist !== "boolean") return undefined;
  const out: Omit<PublishInput, "sender"> = { type: (type as MessageType | undefined) ?? "custom", payload: f.payload };
  if (to !== undefined) out.to = to as string;
  if (topic !== undefined) out.topic = topic as string;
  if (broadcast) out.broadcast = true;
  if (correlation_id !== undefined) out.correlation_id = correlation_id as string;
  if (persist !== undefined) out.persist = persist as boolean;
  return out;
}
