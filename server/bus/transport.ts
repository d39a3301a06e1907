import { z } from "zod";
import { BusMessageSchema, type BusMessage, type PublishInput } from "./message.ts";

export type Handler = (m: BusMessage) => void;

/** What a subscription follows: a topic, what reaches an agent's inbox, or everything. */
export type Target = { topic: string } | { agent: string } | { all: true };

export interface InboxQuery {
  afterSeq?: number;
  limit?: number;
  /** Leave the count of dropped messages for a later report (see Inbox.read). */
  keepDrops?: boolean;
}

export const InboxReadSchema = z.strictObject({
  messages: z.array(BusMessageSchema),
  dropped: z.number().describe("messages dropped (never handed out) since the agent was last told"),
  waiting: z.number(),
  capacity: z.number(),
  dropped_total: z.number(),
  evicted_unacked: z.number().describe("handed out, never acknowledged, pushed out by newer ones (no loss, no more redelivery)"),
});
export type InboxRead = z.infer<typeof InboxReadSchema>;
/** What reading an agent's inbox answers (GET /api/bus/inbox/{agent}). */
export const InboxAnswerSchema = InboxReadSchema.extend({ agent: z.string() });
export type InboxAnswer = z.infer<typeof InboxAnswerSchema>;

export interface AckInput {
  seqs?: number[];
  upTo?: number;
}

export interface HistoryQuery {
  agent?: string;
  topic?: string;
  type?: string;
  afterSeq?: number;
  limit: number;
  viewer?: { name: string; topics: readonly string[] };
}

export interface TransportStats {
  published: number;
  seq: number;
  inboxes: number;
  waiting: number;
  dropped: number;
  evicted_unacked: number;
  inbox_capacity: number;
  pending_writes: number;
  written: number;
  inbox_rows_written: number;
  transactions: number;
  /** The longest write transaction so far (ms): what storing held the event loop for. */
  longest_write_ms: number;
  /** Whether the bus writes SQLite on a thread of its own (off the event loop). */
  writer_thread?: boolean;
}

/**
 * Where bus messages travel and wait: publish, subscribe, inbox, ack (and the history kept).
 * The Bus (bus.ts) adds request/reply on top and is what the rest of the server calls.
 * One implementation today, LocalTransport (local.ts: memory and SQLite in this process); a
 * cluster transport (NATS JetStream) implements the same interface.
 *
 * Contract: publish assigns `seq` (increasing) and `id`, and calls the matching handlers before it
 * returns, in seq order; an agent's inbox keeps what reached it until acknowledged, within its
 * capacity (the oldest go first, counted as dropped); `backlog` is what still waits to be stored,
 * and callers hold publishers back while it is high.
 */
export interface BusTransport {
  publish(input: PublishInput): BusMessage;
  /** The id the next publish will get (request/reply registers its waiter before publishing). */
  nextId(): string;
  subscribe(target: Target, h: Handler): () => void;
  /** Whether the agent has a live subscriber here: it counts as alive. */
  isConnected(agent: string): boolean;
  /** Called for every message that lands in an agent's inbox. */
  onInbox(l: (agent: string, m: BusMessage) => void): () => void;
  inbox(agent: string, q?: InboxQuery): InboxRead;
  /** The message was handed to a live connection of the agent. */
  markSent(agent: string, seq: number): void;
  /** Whether the message still waits in the agent's inbox. */
  waiting(agent: string, seq: number): boolean;
  /** Clears up to n of the agent's unreported drops after the caller told the agent; returns how many. */
  takeDrops(agent: string, n: number): number;
  ack(agent: string, which: AckInput): number;
  inboxSize(agent: string): number;
  readonly inboxCapacity: number;
  history(q: HistoryQuery): BusMessage[];
  stats(): TransportStats;
  readonly backlog: number;
  /**
   * Calls fn once the message with this seq is on disk (committed; a crash of the server cannot
   * lose it). At once for a message never to be written. Absent: the transport says nothing of it.
   */
  whenDurable?(seq: number, fn: () => void): void;
  flush(): void;
  close(): void;
}
