import { AppError } from "../errors.ts";

/**
 * The bus's bounds, in one place (README "Message bus", `ai-session bus --help`):
 * - an agent's inbox keeps at most `inbox` unacknowledged messages (AI_SESSION_BUS_INBOX); past it the
 *   oldest not yet handed out is dropped, counted, and the count comes with the agent's next read,
 *   connect or typed delivery;
 * - a live connection queues at most `queue` messages and `queueBytes` bytes for a reader that is
 *   slower than the traffic (`?queue=N&queue_bytes=N` on the stream lowers or raises them up to the
 *   caps); past either the oldest queued are dropped and the reader gets a `dropped` frame at once.
 */
export interface BusLimits {
  inbox: number;
  queue: number;
  queueBytes: number;
}

export const DEFAULT_LIMITS: BusLimits = { inbox: 10_000, queue: 10_000, queueBytes: 4 * 1024 * 1024 };
export const MAX_INBOX = 1_000_000;
export const MAX_QUEUE = 100_000;
export const MAX_QUEUE_BYTES = 64 * 1024 * 1024;

/** A whole number in [1, max] from the environment, or the default; anything else is refused by name. */
function whole(env: Record<string, string | undefined>, name: string, fallback: number, max: number, unit: string): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const n = Number(raw.trim().replace(/_/g, ""));
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new AppError("invalid", `${name} must be a whole number of ${unit} from 1 to ${max.toLocaleString("en")}, not "${raw}" (unset it for the default, ${fallback.toLocaleString("en")})`);
  }
  return n;
}

/** The limits the server runs with: AI_SESSION_BUS_INBOX, AI_SESSION_BUS_QUEUE, AI_SESSION_BUS_QUEUE_BYTES. */
export function busLimits(env: Record<string, string | undefined> = process.env): BusLimits {
  return {
    inbox: whole(env, "AI_SESSION_BUS_INBOX", DEFAULT_LIMITS.inbox, MAX_INBOX, "messages"),
    queue: whole(env, "AI_SESSION_BUS_QUEUE", DEFAULT_LIMITS.queue, MAX_QUEUE, "messages"),
    queueBytes: whole(env, "AI_SESSION_BUS_QUEUE_BYTES", DEFAULT_LIMITS.queueBytes, MAX_QUEUE_BYTES, "bytes"),
  };
}

/**
 * Where the bus writes SQLite (AI_SESSION_BUS_WRITER): on the event loop (`inline`, the default) or
 * on a writer thread (`thread`). The thread frees the loop but costs more CPU per message in all
 * (a second JavaScript heap, the copy of each batch): measured 17.6 µs against 11.5 µs inline,
 * and fewer messages a second (35.7k against 49.7k), back to back (README, the bus).
 */
export function busWriterThread(env: Record<string, string | undefined> = process.env): boolean {
  const raw = env.AI_SESSION_BUS_WRITER;
  if (raw === undefined || raw === "" || raw === "inline") return false;
  if (raw === "thread") return true;
  throw new AppError("invalid", `AI_SESSION_BUS_WRITER must be "thread" or "inline", not "${raw}" (unset it for the default, inline)`);
}
