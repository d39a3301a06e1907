import type { Context } from "hono";
import type { UpgradeWebSocket } from "hono/ws";
import type { Pty, PtySpawnOptions } from "../pty/types.ts";

/** Which JavaScript runtime runs this process, for `status` and the bench tables. */
export interface RuntimeInfo {
  name: "bun" | "deno";
  version: string;
}

/** Where to listen: a TCP host and port (0 picks one), or a Unix socket path. */
export type ListenOn = { hostname: string; port: number } | { unix: string };

/** A listening HTTP server. `port` is the TCP port taken (0 on a Unix socket). */
export interface Listener {
  readonly port: number;
  /** Stops listening and closes open connections (WebSockets included). */
  stop(): Promise<void>;
}

/** The request handler a server calls: `server` is the runtime's server object, for the WebSocket adapter. */
export type FetchHandler = (req: Request, server: unknown) => Response | Promise<Response>;

/** A server-side WebSocket as the native handlers see it (Bun's ServerWebSocket has this shape). */
export interface NativeSocket {
  send(text: string): unknown;
  close(code?: number, reason?: string): void;
  /** Bytes written but not yet taken by the network. */
  getBufferedAmount(): number;
  /** Runs fn with its writes batched (a plain call where the runtime cannot batch). */
  cork(fn: () => void): unknown;
  /** Stop and start reading the client's frames (a no-op where the runtime cannot). */
  pause(): void;
  resume(): void;
}

/** A WebSocket served by its own handlers, without Hono's per-frame event and context objects. */
export interface NativeHandlers {
  open(ws: NativeSocket): void;
  message(ws: NativeSocket, data: string | Buffer): void;
  close(ws: NativeSocket, code: number, reason: string): void;
  /** The socket took what it held: write more (Bun only; elsewhere the bus's poll comes round). */
  drain?(ws: NativeSocket): void;
}

/** The part of a prepared SQLite statement the code uses (bun:sqlite's shape). */
export interface SqliteStatement<R = unknown, P extends unknown[] = unknown[]> {
  run(...params: P): { changes: number; lastInsertRowid: number | bigint };
  all(...params: P): R[];
  /** The first row, or null when there is none. */
  get(...params: P): R | null;
  /** Rows as arrays of column values, in column order (for Drizzle's result mapping). */
  values(...params: P): unknown[][];
}

export type SqliteTransaction<A extends unknown[], T> = ((...args: A) => T) & {
  deferred(...args: A): T;
  immediate(...args: A): T;
  exclusive(...args: A): T;
};

/** The part of a SQLite connection the code uses (bun:sqlite's shape; node:sqlite is wrapped to it). */
export interface SqliteDatabase {
  readonly filename: string;
  exec(sql: string): void;
  prepare<R = unknown, P extends unknown[] = unknown[]>(sql: string): SqliteStatement<R, P>;
  /** A statement prepared once per SQL text and reused. */
  query<R = unknown, P extends unknown[] = unknown[]>(sql: string): SqliteStatement<R, P>;
  transaction<A extends unknown[], T>(fn: (...args: A) => T): SqliteTransaction<A, T>;
  /** True between BEGIN and COMMIT/ROLLBACK, however the transaction was begun. */
  readonly inTransaction: boolean;
  close(throwOnError?: boolean): void;
}

/** A request on a Unix socket (fetchUnix): what the CLI and the server's start-up send. */
export interface UnixRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Its answer, read whole (a fetch Response has this shape). */
export interface UnixResponse {
  readonly status: number;
  readonly ok: boolean;
  text(): Promise<string>;
}

/** The CLI's view of its own process (see Platform.proc). */
export interface ProcessView {
  /** The command line's words after the program (and the script it runs). */
  readonly args: string[];
  /** An environment variable; undefined when unset. */
  env(name: string): string | undefined;
  /** The working directory. */
  cwd(): string;
  /** The code the process ends with (process.exitCode); 0 or undefined until something sets it. */
  exitCode: number | undefined;
}

/** Output of a finished child process. */
export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Files the compiled binary carries inside it; from source, their paths in node_modules. */
export interface EmbeddedFiles {
  tiktokenWasm: string;
  o200kRanks: string;
  cl100kRanks: string;
}

/**
 * Everything that differs between Bun and Deno. The rest of the code uses web standards and
 * `node:` modules both have, and reaches the runtime only through this interface.
 */
export interface Platform {
  readonly runtime: RuntimeInfo;
  /**
   * What the CLI reads of its own process, without Node's `process` object: Deno builds that (and
   * loads its Node layer) on first use, ~35 ms of every command's start. Elsewhere use process.
   */
  readonly proc: ProcessView;
  /** Resolves after ms milliseconds (Bun.sleep on Bun: its timing is what the rest was tuned on). */
  sleep(ms: number): Promise<void>;
  /** Listens for HTTP (and WebSocket upgrades through `upgradeWebSocket`); throws when it cannot. */
  serve(on: ListenOn, fetch: FetchHandler): Listener;
  /** Hono's WebSocket upgrade helper for this runtime. */
  readonly upgradeWebSocket: UpgradeWebSocket;
  /** Upgrades the request to a WebSocket served by `handlers`; a 426 answer when it is not an upgrade. */
  upgradeNative(c: Context, handlers: NativeHandlers): Response;
  /** Whether the runtime's WebSocket client connects to `ws+unix://SOCKET:/path` (Bun's does; Deno's takes ws: and wss: only). */
  readonly unixWebSocket: boolean;
  /** One HTTP request over a Unix socket, its answer read whole; no time limit unless init.signal sets one. */
  fetchUnix(socket: string, url: string, init?: UnixRequest): Promise<UnixResponse>;
  /** Opens (creating) a SQLite database file. */
  openSqlite(path: string): SqliteDatabase;
  gzipSync(data: Uint8Array, level?: number): Uint8Array;
  gunzipSync(data: Uint8Array): Uint8Array;
  zstdCompressSync(data: Uint8Array, level?: number): Uint8Array;
  zstdDecompressSync(data: Uint8Array): Uint8Array;
  /** The full path of an executable found on PATH, or null. */
  which(command: string, path: string): string | null;
  /** Runs a program to its end with stdin closed, capturing its output. */
  capture(argv: string[], env: Record<string, string | undefined>): Promise<Captured>;
  /** Spawns a process in a PTY (Bun.Terminal on Bun, node-pty elsewhere). */
  spawnPty(opts: PtySpawnOptions, backend?: Pty["backend"]): Promise<Pty>;
  /** Writes text to stdout or stderr; resolves once written. */
  write(to: "stdout" | "stderr", text: string): Promise<void>;
  /** A whole text file (on Bun without node:fs, which takes milliseconds to load). */
  readText(path: string): Promise<string>;
  /** Everything on stdin up to its end. */
  readStdin(): Promise<Uint8Array>;
  readonly files: EmbeddedFiles;
  /** tiktoken's WASM glue module (required so the compiled binary bundles it). */
  tiktokenGlue(): unknown;
}
