// Bun's side of the seam (see types.ts). Loaded only when Bun runs this process.
import { Database } from "bun:sqlite";
import { upgradeWebSocket } from "hono/bun";
import wasmFile from "../../node_modules/tiktoken/lite/tiktoken_bg.wasm" with { type: "file" };
import o200kFile from "../../node_modules/tiktoken/encoders/o200k_base.json" with { type: "file" };
import cl100kFile from "../../node_modules/tiktoken/encoders/cl100k_base.json" with { type: "file" };
import { spawnNodePty } from "../pty/node-pty.ts";
import { spawnBunTerminal } from "./bun-terminal.ts";
import { upgradeNative, websocket } from "./bun-websocket.ts";
import type { Listener, Platform, SqliteDatabase } from "./types.ts";

/** True where Bun.spawn supports `terminal` (Bun ≥ 1.3 on POSIX, and the compiled binary). */
const hasTerminal = typeof Bun.Terminal === "function" && process.platform !== "win32";

export const bunPlatform: Platform = {
  runtime: { name: "bun", version: Bun.version },
  // Bun's process object costs nothing to reach.
  proc: {
    args: process.argv.slice(2),
    env: (name) => process.env[name],
    cwd: () => process.cwd(),
    get exitCode() {
      return typeof process.exitCode === "number" ? process.exitCode : undefined;
    },
    set exitCode(code) {
      process.exitCode = code;
    },
  },
  sleep: (ms) => Bun.sleep(ms),

  serve(on, fetch): Listener {
    const server =
      "unix" in on
        ? // Bun's types refuse idleTimeout beside unix, but Bun honours it: without it a request whose
          // answer takes over 10 s to make (the first context of a large output under load) is reset
          Bun.serve({ unix: on.unix, fetch, websocket, idleTimeout: 0 } as unknown as Parameters<typeof Bun.serve>[0])
        : Bun.serve({ hostname: on.hostname, port: on.port, fetch, websocket, idleTimeout: 0 });
    return {
      port: "unix" in on ? 0 : (server.port ?? on.port),
      stop: async () => void server.stop(true),
    };
  },
  upgradeWebSocket,
  upgradeNative,

  // exec and wait may take as long as their own timeout: Bun's default fetch timeout is off.
  unixWebSocket: true,
  fetchUnix: (socket, url, init = {}) => fetch(url, { ...init, unix: socket, timeout: false } as RequestInit),

  openSqlite: (path) => new Database(path, { create: true, strict: true }) as unknown as SqliteDatabase,

  // Bun's native gzip and zstd: node:zlib builds a stream per call.
  gzipSync: (data, level = 6) => Bun.gzipSync(data as Uint8Array<ArrayBuffer>, { level: level as 6 }),
  gunzipSync: (data) => Bun.gunzipSync(data as Uint8Array<ArrayBuffer>),
  zstdCompressSync: (data, level = 3) => Bun.zstdCompressSync(data as Uint8Array<ArrayBuffer>, { level }),
  zstdDecompressSync: (data) => Bun.zstdDecompressSync(data as Uint8Array<ArrayBuffer>),

  which: (command, path) => Bun.which(command, { PATH: path }),
  async capture(argv, env) {
    const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { code, stdout, stderr };
  },

  spawnPty: async (opts, backend = hasTerminal ? "bun-terminal" : "node-pty") =>
    backend === "bun-terminal" ? spawnBunTerminal(opts) : spawnNodePty(opts),

  // Bun.write rather than process.stdout, which takes milliseconds to set up.
  write: async (to, text) => void (await Bun.write(to === "stdout" ? Bun.stdout : Bun.stderr, text)),
  readText: (path) => Bun.file(path).text(),
  readStdin: async () => new Uint8Array(await Bun.stdin.arrayBuffer()),


  // With { type: "file" } each import is the path of the embedded file (TypeScript sees the module's type).
  files: {
    tiktokenWasm: wasmFile as unknown as string,
    o200kRanks: o200kFile as unknown as string,
    cl100kRanks: cl100kFile as unknown as string,
  },
  tiktokenGlue: () => require("tiktoken/lite/init"),
};
