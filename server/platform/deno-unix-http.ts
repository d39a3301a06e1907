// One HTTP/1.1 request on a Unix socket for Deno, on Deno.connect: Deno's fetch over a Unix socket
// (Deno.createHttpClient) loads its fetch, Request, Response and stream layers on first use, 25 to
// 35 ms of a CLI command that makes one request (measured with --cpu-prof on Deno 2.9). The answer
// is read whole (`connection: close`): the CLI's answers are one JSON document each.
import type { UnixRequest, UnixResponse } from "./types.ts";

interface UnixConn {
  write(p: Uint8Array): Promise<number>;
  read(p: Uint8Array): Promise<number | null>;
  close(): void;
}
interface DenoNet {
  connect(options: { transport: "unix"; path: string }): Promise<UnixConn>;
}
const Deno = (globalThis as unknown as { Deno: DenoNet }).Deno;

const encoder = new TextEncoder();
const CRLF2 = encoder.encode("\r\n\r\n");

/** An error as the caller reads it: by its code or name (ConnectionClosed, …). */
function connectionError(name: string, message: string): Error {
  return Object.assign(new Error(message), { name, code: name });
}

export async function unixRequest(socket: string, url: string, init: UnixRequest = {}): Promise<UnixResponse> {
  const { signal } = init;
  signal?.throwIfAborted();
  const target = new URL(url);
  const body = init.body === undefined ? undefined : encoder.encode(init.body);
  let head = `${init.method ?? "GET"} ${target.pathname}${target.search} HTTP/1.1\r\nhost: ${target.host}\r\nconnection: close\r\n`;
  for (const [k, v] of Object.entries(init.headers ?? {})) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) throw new TypeError(`the header ${JSON.stringify(k)} holds a line break`);
    head += `${k}: ${v}\r\n`;
  }
  if (body) head += `content-length: ${body.length}\r\n`;
  const request = concat([encoder.encode(`${head}\r\n`), ...(body ? [body] : [])]);

  const conn = await Deno.connect({ transport: "unix", path: socket });
  // aborted while connecting: a listener added now would never hear it
  if (signal?.aborted) {
    conn.close();
    throw signal.reason;
  }
  const abort = () => conn.close();
  signal?.addEventListener("abort", abort, { once: true });
  try {
    for (let sent = 0; sent < request.length; ) sent += await conn.write(request.subarray(sent));
    const chunks: Uint8Array[] = [];
    const buf = new Uint8Array(64 * 1024);
    for (let n = await conn.read(buf); n !== null; n = await conn.read(buf)) chunks.push(buf.slice(0, n));
    return parseResponse(concat(chunks));
  } catch (err) {
    // closed by the abort: the signal's reason (TimeoutError, AbortError) is the error, as with fetch
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    signal?.removeEventListener("abort", abort);
    if (!signal?.aborted) {
      try {
        conn.close();
      } catch {
        // closed by the server's end already
      }
    }
  }
}

/** Status, headers and body of a whole HTTP/1.1 answer (content-length, chunked, or up to the end). */
export function parseResponse(raw: Uint8Array): UnixResponse {
  const end = indexOf(raw, CRLF2, 0);
  if (end < 0) throw connectionError("ConnectionClosed", "the connection closed before the answer's headers");
  const lines = new TextDecoder().decode(raw.subarray(0, end)).split("\r\n");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "")?.[1]);
  if (!Number.isInteger(status)) throw connectionError("InvalidData", `not an HTTP answer: ${JSON.stringify(lines[0])}`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  let body = raw.subarray(end + CRLF2.length);
  if (/\bchunked\b/i.test(headers.get("transfer-encoding") ?? "")) body = unchunk(body);
  else if (headers.has("content-length")) {
    const length = Number(headers.get("content-length"));
    if (body.length < length) throw connectionError("ConnectionClosed", "the connection closed before the whole answer came");
    body = body.subarray(0, length);
  }
  const text = new TextDecoder().decode(body);
  return { status, ok: status >= 200 && status < 300, text: async () => text };
}

function unchunk(data: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = indexOf(data, CRLF2.subarray(0, 2), at);
    if (lineEnd < 0) throw connectionError("ConnectionClosed", "the connection closed inside a chunk");
    const size = Number.parseInt(new TextDecoder().decode(data.subarray(at, lineEnd)).split(";")[0]!.trim(), 16);
    if (!Number.isFinite(size)) throw connectionError("InvalidData", "a chunk without a size");
    at = lineEnd + 2;
    if (size === 0) return concat(parts);
    if (at + size > data.length) throw connectionError("ConnectionClosed", "the connection closed inside a chunk");
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}

function indexOf(data: Uint8Array, needle: Uint8Array, from: number): number {
  outer: for (let i = from; i <= data.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (data[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}
