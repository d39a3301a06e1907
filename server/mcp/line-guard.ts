import { Transform, type Readable } from "node:stream";

/** Largest JSON-RPC message accepted on stdio; a longer line is dropped and answered with an error. */
export const MAX_STDIO_MESSAGE = 8 * 1024 * 1024;

const NL = 0x0a;

/** The request id near the start of a dropped message, so its caller gets an answer instead of a hang. */
function idOf(head: string): string | number | null {
  const m = /"id"\s*:\s*("(?:[^"\\]|\\.){0,200}"|-?\d{1,15})/.exec(head);
  if (!m?.[1]) return null;
  try {
    return JSON.parse(m[1]) as string | number;
  } catch {
    return null;
  }
}

/** The JSON-RPC error for a line that is no message, or undefined when it is one to pass on. */
export function lineError(line: string): object | undefined {
  if (!line.trim()) return undefined;
  let msg: unknown;
  try {
    msg = JSON.parse(line);
  } catch {
    return { jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error: the line is not JSON (one JSON-RPC message per line)" } };
  }
  const m = msg as { jsonrpc?: unknown; method?: unknown; id?: unknown; result?: unknown; error?: unknown };
  const id = typeof m?.id === "string" || typeof m?.id === "number" ? m.id : null;
  const valid =
    m !== null && typeof m === "object" && !Array.isArray(m) && m.jsonrpc === "2.0" &&
    (typeof m.method === "string" || ((m.result !== undefined || m.error !== undefined) && id !== null));
  if (valid) return undefined;
  const why = Array.isArray(m) ? "batches are not part of MCP: send one message per line" : 'not a JSON-RPC 2.0 request (it needs "jsonrpc": "2.0" and a "method")';
  return { jsonrpc: "2.0", id, error: { code: -32600, message: `invalid request: ${why}` } };
}

/**
 * Passes newline-delimited messages through whole, holding at most `max` bytes of a line. A longer
 * line is dropped (the SDK's transport would close the connection on it) and `reply` gets the
 * JSON-RPC error for it, so one oversized message costs one error, not the session. A line that is
 * not JSON is answered -32700, one that is no JSON-RPC message -32600; neither reaches the SDK.
 */
export function boundedLines(input: Readable, reply: (line: string) => void, max = MAX_STDIO_MESSAGE): Readable {
  let held: Buffer[] = [];
  let heldBytes = 0;
  let head = "";
  let skipping = false;
  const guard = new Transform({
    transform(chunk: Buffer, _enc, done) {
      let from = 0;
      while (from < chunk.length) {
        const nl = chunk.indexOf(NL, from);
        const end = nl === -1 ? chunk.length : nl + 1;
        const piece = chunk.subarray(from, end);
        if (!skipping) {
          if (heldBytes === 0) head = piece.subarray(0, 1024).toString("utf8");
          if (heldBytes + piece.length > max + 1) {
            skipping = true;
            held = [];
            heldBytes = 0;
          } else {
            held.push(piece);
            heldBytes += piece.length;
          }
        }
        if (nl !== -1) {
          if (skipping) {
            const error = { jsonrpc: "2.0", id: idOf(head), error: { code: -32600, message: `message over ${max / 1024 / 1024} MB dropped: send large text as a file` } };
            reply(`${JSON.stringify(error)}\n`);
            skipping = false;
          } else {
            const line = Buffer.concat(held);
            const text = line.toString("utf8");
            const error = lineError(text);
            if (error) reply(`${JSON.stringify(error)}\n`);
            else if (text.trim()) this.push(line);
          }
          held = [];
          heldBytes = 0;
        }
        from = end;
      }
      done();
    },
  });
  input.pipe(guard);
  return guard;
}
