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

/** The largest request sent in parts, and the most that the parts of unfinished requests may hold. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;
const MAX_HELD_BYTES = 64 * 1024 * 1024;

/** A request too large for one NATS message, as it goes once its parts were sent. */
export interface PartedRequest {
  parted: { id: string; count: number; bytes: number };
}

/**
 * The parts of requests too large for one NATS message, as a node receives them (each part its
 * own message, acknowledged), until the request that names them comes (or for a minute).
 */
export class RequestParts {
  private held = new Map<string, { parts: Array<Uint8Array | undefined>; got: number; bytes: number }>();
  private heldBytes = 0;

  /** Keeps one part; answers an error sentence when it cannot. */
  put(id: string, index: number, count: number, bytes: number, data: Uint8Array): string | undefined {
    if (!Number.isInteger(bytes) || bytes < 0 || !Number.isInteger(count) || count < 1 || count > bytes + 1) return `the parts of request ${id} are numbered wrongly`;
    if (bytes > MAX_REQUEST_BYTES) return `a request of ${bytes} bytes is over the ${MAX_REQUEST_BYTES / 1024 / 1024} MB a node takes from another`;
    if (this.heldBytes + data.length > MAX_HELD_BYTES) return "this node holds too many unfinished large requests; try again in a minute";
    let h = this.held.get(id);
    if (!h) {
      this.held.set(id, (h = { parts: new Array(count), got: 0, bytes }));
      setTimeout(() => this.drop(id), KEEP_MS).unref?.();
    }
    if (!(Number.isInteger(index) && index >= 0 && index < h.parts.length) || h.parts[index]) return `part ${index} of request ${id} is out of place`;
    h.parts[index] = data.slice();
    h.got++;
    this.heldBytes += data.length;
    return undefined;
  }

  /** The whole request, once every part came; undefined otherwise (the caller is told to send again). */
  take(note: PartedRequest["parted"]): Uint8Array | undefined {
    const h = this.held.get(note.id);
    // a hole of `new Array(count)` is no element: `some` would pass over a part that never came
    if (!h || h.bytes !== note.bytes || h.got !== h.parts.length) return undefined;
    this.drop(note.id);
    const whole = new Uint8Array(note.bytes);
    let at = 0;
    for (const p of h.parts as Uint8Array[]) {
      if (at + p.length > whole.length) return undefined;
      whole.set(p, at);
      at += p.length;
    }
    return at === whole.length ? whole : undefined;
  }

  private drop(id: string): void {
    const h = this.held.get(id);
    if (!h) return;
    this.held.delete(id);
    for (const p of h.parts) this.heldBytes -= p?.length ?? 0;
  }
}

/**
 * Sends a request that does not fit in one NATS message: its parts first (each acknowledged by
 * the node), then a small note that names them. Gives back the note to send as the request.
 */
export async function sendParts(bytes: Uint8Array, maxPayload: number, put: (id: string, index: number, count: number, data: Uint8Array) => Promise<string>, node: string): Promise<PartedRequest> {
  if (bytes.length > MAX_REQUEST_BYTES) throw new AppError("invalid", `the request is ${bytes.length} bytes: over the ${MAX_REQUEST_BYTES / 1024 / 1024} MB that goes to another node (node "${node}")`);
  const room = maxPayload - MARGIN;
  const id = crypto.randomUUID();
  const count = Math.ceil(bytes.length / room);
  const refusals = await Promise.all(Array.from({ length: count }, (_, i) => put(id, i, count, bytes.subarray(i * room, (i + 1) * room))));
  const refused = refusals.find((r) => r !== "");
  if (refused) throw new AppError("unavailable", `node "${node}" did not take the request: ${refused}`);
  return { parted: { id, count, bytes: bytes.length } };
}

/** Whether a request fits in one NATS message. */
export function fits(bytes: Uint8Array, maxPayload: number): boolean {
  return bytes.length <= maxPayload - MARGIN;
}
