import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type RunningServer } from "../../server/main.ts";
import { createToken } from "../../server/security/tokens.ts";

/**
 * A real server for the security suites: in this process (so tokens and the route declarations
 * are at hand), over real TCP and WebSockets, in its own data directory. Its shells get an empty
 * HOME of their own, so no profile on the machine slows them down or changes what they do.
 */
export interface SecurityServer {
  server: RunningServer;
  home: string;
  /** HOME for the sessions' shells. */
  shellHome: string;
  port: number;
  base: string;
  owner: string;
  token(name: string, spec?: { scopes?: ("read" | "exec" | "admin")[]; sessions?: string[]; role?: string; agent?: string }): string;
  call(method: string, path: string, body?: unknown, opts?: { token?: string | null; agent?: string }): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

export async function securityServer(prefix = "ais-sec-"): Promise<SecurityServer> {
  const home = mkdtempSync(join(tmpdir(), prefix));
  const shellHome = mkdtempSync(join(tmpdir(), `${prefix}home-`));
  const server = await startServer({ home, port: 0, host: "127.0.0.1", noToken: false, restore: false });
  const port = server.rt.port;
  const base = `http://127.0.0.1:${port}`;
  const owner = server.rt.ownerToken;
  return {
    server,
    home,
    shellHome,
    port,
    base,
    owner,
    token: (name, spec = {}) =>
      createToken(server.rt.db, { name, scopes: spec.scopes ?? ["read", "exec"], sessions: spec.sessions, role: spec.role, agent: spec.agent }).token,
    async call(method, path, body, opts = {}) {
      const headers: Record<string, string> = {};
      const token = opts.token === undefined ? owner : opts.token;
      if (token) headers.authorization = `Bearer ${token}`;
      if (opts.agent) headers["x-ai-session-agent"] = opts.agent;
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      return { status: res.status, json };
    },
    async stop() {
      await server.stop();
      rmSync(home, { recursive: true, force: true });
      rmSync(shellHome, { recursive: true, force: true });
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request written byte for byte on a fresh TCP connection: the path goes out exactly
 * as given (fetch and WebSocket would resolve `.` and `..` first). Reads the status and headers,
 * then the body when it has a length (a stream's body is not waited for).
 */
export function rawRequest(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (answer: RawAnswer | Error) => {
      if (done) return;
      done = true;
      socket.destroy();
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
    };
    const timer = setTimeout(() => finish(new Error(`no answer to ${method} ${path}`)), 30_000);
    socket.on("connect", () => {
      const lines = [`${method} ${path} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close"];
      for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
      if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
      socket.write(`${lines.join("\r\n")}\r\n\r\n${body ?? ""}`);
    });
    const parse = (final: boolean) => {
      const end = data.indexOf("\r\n\r\n");
      if (end < 0) return final ? finish(new Error(`a cut-off answer to ${method} ${path}`)) : undefined;
      const head = data.subarray(0, end).toString("latin1").split("\r\n");
      const status = Number(head[0]!.split(" ")[1]);
      const hs: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const i = line.indexOf(":");
        hs[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      const rest = data.subarray(end + 4);
      const length = hs["content-length"] !== undefined ? Number(hs["content-length"]) : undefined;
      if (status === 101 || (length === undefined && !final && hs["transfer-encoding"] !== "chunked")) {
        clearTimeout(timer);
        return finish({ status, headers: hs, body: "" });
      }
      if (length !== undefined && rest.length >= length) {
        clearTimeout(timer);
        return finish({ status, headers: hs, body: rest.subarray(0, length).toString("utf8") });
      }
      if (hs["transfer-encoding"] === "chunked" && (final || hs["content-type"]?.startsWith("text/event-stream"))) {
        clearTimeout(timer);
        return finish({ status, headers: hs, body: "" });
      }
      if (final) {
        clearTimeout(timer);
        finish({ status, headers: hs, body: rest.toString("utf8") });
      }
    };
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      parse(false);
    });
    socket.on("end", () => parse(true));
    socket.on("error", (err) => finish(err));
  });
}

/** A WebSocket upgrade handshake written by hand: 101 when the server accepts it, else its refusal. */
export function rawUpgrade(port: number, path: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return rawRequest(port, "GET", path, {
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64"),
    "Sec-WebSocket-Version": "13",
    ...headers,
  });
}

/** Waits for a condition (events, not time): polls it until it holds or the deadline passes. */
export async function until<T>(what: string, fn: () => T | Promise<T>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(20);
  }
}

/** A WebSocket with its JSON text frames collected, open once `ready` frames have arrived. */
export async function openSocket(url: string, headers: Record<string, string>, isReady: (frame: any) => boolean) {
  const ws = new WebSocket(url, { headers } as never);
  const frames: any[] = [];
  let closed = false;
  ws.onmessage = (ev) => {
    if (typeof ev.data === "string") frames.push(JSON.parse(ev.data));
  };
  ws.onclose = () => (closed = true);
  await until(`the first frames of ${url}`, () => frames.some(isReady) || closed);
  return { ws, frames, closed: () => closed };
}
