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
