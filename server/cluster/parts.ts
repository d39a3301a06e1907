import { AppError } from "../errors.ts";

/** What a node answers instead of a result too large for one NATS message: fetch these parts. */
export interface Parted {
  parts: { id: string; count: number; bytes: number };
}

/** Room left in a NATS message for the headers and subject around a part. */
const MARGIN = 4096;
/** Parts not fetched within this time are dropped (the caller gave up or died). */
const KEEP_MS = 60_000;
const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/**
 * Large answers of one node, kept in parts of at most one NATS message each until the caller has
 * fetched every part (or for a minute). The id is a random UUID only the caller learns.
 */
export class AnswerParts {
  private kept = new Map<string, { parts: Uint8Array[]; left: number }>();

  constructor(private maxPayload: number) {}

  /** The answer as it goes back: itself when it fits in one message, else a Parted note. */
  fit(text: string): Uint8Array | string {
    const bytes = encoder.encode(text);
    const room = this.maxPayload - MARGIN;
    if (bytes.length <= room) return bytes;
    const parts: Uint8Array[] = [];
    for (let at = 0; at < bytes.length; at += room) parts.push(bytes.subarray(at, at + room));
    const id = crypto.randomUUID();
    this.kept.set(id, { parts, left: parts.length });
    setTimeout(() => this.kept.delete(id), KEEP_MS).unref?.();
    const note: Parted = { parts: { id, count: parts.length, bytes: bytes.length } };
    return JSON.stringify(note);
  }

  /** One part (empty when it is unknown or expired); the answer goes once every part was taken. */
  take(id: string, index: number): Uint8Array {
    const k = this.kept.get(id);
    const part = k?.parts[index];
    if (!k || !part) return EMPTY;
    if (--k.left === 0) this.kept.delete(id);
    return part;
  }
}

/** Fetches every part of a large answer (in parallel) and gives back the answer they make. */
export async function fetchParts(note: Parted, fetch: (part: { id: string; index: number }) => Promise<{ data: Uint8Array }>, node: string): Promise<unknown> {
  const { id, count, bytes } = note.parts;
  const got = await Promise.all(Array.from({ length: count }, (_, index) => fetch({ id, index })));
  const whole = new Uint8Array(bytes);
  let at = 0;
  for (const { data } of got) {
    if (!data.length || at + data.length > bytes) throw new AppError("unavailable", `node "${node}" no longer holds its answer (${bytes} bytes in ${count} parts): it was not fetched within ${KEEP_MS / 1000} s; try again`);
    whole.set(data, at);
    at += data.length;
  }
  return JSON.parse(new TextDecoder().decode(whole));
}
