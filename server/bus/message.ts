import { z } from "zod";
import { AppError } from "../errors.ts";

export const MESSAGE_TYPES = [
  "task_assignment",
  "progress",
  "completion",
  "status_update",
  "help_request",
  "knowledge_share",
  "custom",
] as const;

export const MessageTypeSchema = z.enum(MESSAGE_TYPES);
export type MessageType = z.infer<typeof MessageTypeSchema>;

/** One message on the bus. `seq` orders all messages of a server; `id` names one for replies. */
export const BusMessageSchema = z.strictObject({
  id: z.string(),
  seq: z.number(),
  type: MessageTypeSchema,
  sender: z.string(),
  // exactly one of to / topic / broadcast says where it goes
  to: z.string().optional(),
  topic: z.string().optional(),
  broadcast: z.boolean().optional(),
  correlation_id: z.string().optional().describe("the id of the message this one answers (request/reply), or a conversation id"),
  payload: z.unknown(),
  time: z.number().describe("milliseconds since the epoch"),
});
export type BusMessage = z.infer<typeof BusMessageSchema>;

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
  /**
   * Set by the cluster's bridge only (never read from a client): this topic message or broadcast is
   * this node's copy of one the named node sent. Its id says so (see isCopyId), in the database too.
   */
  copyOf?: string;
}

/** A copy's id: the local id and the node it came from. */
export const copyId = (local: string, node: string) => `${local}.from-${node}`;
/** Whether a message id is a node's copy of another node's topic message or broadcast (copyId). */
export const isCopyId = (id: string) => id.includes(".from-");

/** Largest payload accepted, as JSON text. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export const TOPIC = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

/** The wire form of a publish request (HTTP, WebSocket, MCP): validated at the edge. */
export const publishSchema = z
  .object({
    type: MessageTypeSchema.default("custom"),
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
export function readPublishFrame(f: Record<string, unknown>, sender = ""): PublishInput | undefined {
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
  const out: PublishInput = { type: (type as MessageType | undefined) ?? "custom", sender, payload: f.payload };
  if (to !== undefined) out.to = to as string;
  if (topic !== undefined) out.topic = topic as string;
  if (broadcast) out.broadcast = true;
  if (correlation_id !== undefined) out.correlation_id = correlation_id as string;
  if (persist !== undefined) out.persist = persist as boolean;
  return out;
}

const PAYLOAD_JSON = Symbol("payload json");
const FRAME = Symbol("frame");
const PLAIN_ID = Symbol("plain id");
type Held = BusMessage & { [PAYLOAD_JSON]?: string; [FRAME]?: string; [PLAIN_ID]?: true };

/**
 * Says the message's id is one this server made ("<boot>-<seq>", base 36 and digits): its frame
 * quotes it as it is, without the check (a regular expression over a freshly built string, which
 * was a twentieth of a direct message's cost on the server).
 */
export function madeHere(m: BusMessage): void {
  (m as Held)[PLAIN_ID] = true;
}

/** The payload as JSON text, made once (publishing keeps what measuring its size made). */
export function payloadJson(m: BusMessage, known?: string): string {
  const h = m as Held;
  if (known !== undefined) h[PAYLOAD_JSON] = known;
  return (h[PAYLOAD_JSON] ??= JSON.stringify(m.payload ?? null));
}

/** Names (senders, recipients, topics) already known to need no escape: a frame checks each once. */
const plainNames = new Set<string>();

/**
 * A string as JSON: quoted as it is when it needs no escape (agent names and topics, almost
 * always), which is several times cheaper than JSON.stringify on the frame's hot path. The few
 * names a server sees are checked once and remembered (up to 10,000 of them; not `remember`:
 * a value seldom seen twice, like a correlation id).
 */
function jsonString(s: string, remember = true): string {
  if (plainNames.has(s)) return `"${s}"`;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  if (!remember) return `"${s}"`;
  if (plainNames.size >= 10_000) plainNames.clear();
  plainNames.add(s);
  return `"${s}"`;
}

/** A message id as the servers make them: "<boot>-<seq>", base 36 and digits (nothing to escape). */
const SERVER_ID = /^[0-9a-z]+-[0-9]+$/;

/** A message id as JSON: the usual one quoted as it is, any other checked (ids are unique: not remembered). */
function idJson(id: string): string {
  return SERVER_ID.test(id) ? `"${id}"` : JSON.stringify(id);
}

/**
 * The message's WebSocket frame, made once however many readers get it, from its payload's JSON
 * text (not serialized again): the same fields, in the same order, as JSON.stringify(message).
 */
export function frameOf(m: BusMessage): string {
  const h = m as Held;
  const cached = h[FRAME];
  if (cached !== undefined) return cached;
  let text = `{"kind":"message","message":{"id":${h[PLAIN_ID] ? `"${m.id}"` : idJson(m.id)},"seq":${m.seq},"type":"${m.type}","sender":${jsonString(m.sender)},"payload":${payloadJson(m)},"time":${m.time}`;
  if (m.correlation_id !== undefined) text += `,"correlation_id":${jsonString(m.correlation_id, false)}`;
  if (m.to !== undefined) text += `,"to":${jsonString(m.to)}`;
  if (m.topic !== undefined) text += `,"topic":${jsonString(m.topic)}`;
  if (m.broadcast) text += `,"broadcast":true`;
  return (h[FRAME] = `${text}}}`);
}

/** The payload as JSON text when it had to be measured; throws too_large past the limit. */
export function sizeChecked(payload: unknown): string | undefined {
  if (typeof payload === "string") {
    // UTF-8 is at most 3 bytes per UTF-16 unit: only long strings need measuring
    if (payload.length * 3 + 2 <= MAX_PAYLOAD_BYTES) return undefined;
    const text = JSON.stringify(payload);
    if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw tooLarge(Buffer.byteLength(text));
    return text;
  }
  if (payload === undefined || payload === null || typeof payload === "number" || typeof payload === "boolean") return undefined;
  let text: string;
  try {
    text = JSON.stringify(payload);
  } catch (err) {
    if (err instanceof RangeError) throw new AppError("invalid", "the message payload is nested too deeply to store (flatten it, or send it as a JSON string)");
    throw new AppError("invalid", `the message payload cannot be written as JSON (${(err as Error).message})`);
  }
  if (text.length > MAX_PAYLOAD_BYTES / 3 && Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) throw tooLarge(Buffer.byteLength(text));
  return text;
}

function tooLarge(bytes: number): AppError {
  return new AppError("too_large", `the message payload is ${bytes} bytes, over the ${MAX_PAYLOAD_BYTES}-byte limit (put large data in shared knowledge or a file and send its name)`);
}
