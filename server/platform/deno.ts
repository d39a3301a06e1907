// Deno's side of the seam (see types.ts). Loaded only when Deno runs this process. What only the
// server uses (Hono's Deno adapter, node:zlib, node-pty) is loaded when first used: a CLI command
// loads none of it.
import { accessSync, constants } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { upgradeNative } from "./deno-websocket.ts";
import { openNodeSqlite } from "./node-sqlite.ts";
import type { Listener, Platform } from "./types.ts";

const load = createRequire(import.meta.url);
const zlib = () => load("node:zlib") as typeof import("node:zlib");

/** The part of the Deno namespace used here (this project type-checks with Bun's types only). */
interface DenoApi {
  version: { deno: string };
  serve(
    options: { hostname?: string; port?: number; path?: string; transport?: "unix"; onListen?(): void },
    handler: (req: Request, info: unknown) => Response | Promise<Response>,
  ): { addr: { port?: number }; shutdown(): Promise<void> };
  createHttpClient(options: { proxy: { transport: "unix"; path: string } }): unknown;
  Command: new (
    cmd: string,
    options: { args: string[]; env: Record<string, string>; clearEnv: boolean; stdin: "null"; stdout: "piped"; stderr: "piped" },
  ) => { output(): Promise<{ code: number; stdout: Uint8Array; stderr: Uint8Array }> };
  stdout: { write(p: Uint8Array): Promise<number> };
  stderr: { write(p: Uint8Array): Promise<number> };
  stdin: { readable: ReadableStream<Uint8Array> };
}
const Deno = (globalThis as unknown as { Deno: DenoApi }).Deno;

const here = fileURLToPath(new URL(".", import.meta.url));
const root = join(here, "..", "..");
const clients = new Map<string, unknown>();

async function writeAll(out: { write(p: Uint8Array): Promise<number> }, text: string): Promise<void> {
  let bytes = new TextEncoder().encode(text);
  try {
    while (bytes.length) bytes = bytes.subarray(await out.write(bytes));
  } catch (err) {
    // the caller tells a reader that went away (EPIPE) from a real failure by the code, as on Bun
    const e = err as Error & { code?: string };
    if (!e.code && e.name === "BrokenPipe") e.code = "EPIPE";
    throw e;
  }
}

export const denoPlatform: Platform = {
  runtime: { name: "deno", version: Deno.version.deno },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),

  serve(on, fetch): Listener {
    const server =
      "unix" in on
        ? Deno.serve({ path: on.unix, transport: "unix", onListen() {} }, fetch)
        : Deno.serve({ hostname: on.hostname, port: on.port, onListen() {} }, fetch);
    return {
      port: "unix" in on ? 0 : (server.addr.port ?? on.port),
      // A graceful shutdown waits for open connections; a client that keeps one open does not hold us up.
      stop: () => Promise.race([server.shutdown(), new Promise<void>((r) => setTimeout(r, 1000))]),
    };
  },
  get upgradeWebSocket() {
    return (load("hono/deno") as typeof import("hono/deno")).upgradeWebSocket as Platform["upgradeWebSocket"];
  },
  upgradeNative,

  unixWebSocket: false,
  fetchUnix(socket, url, init = {}) {
    let client = clients.get(socket);
    if (!client) clients.set(socket, (client = Deno.createHttpClient({ proxy: { transport: "unix", path: socket } })));
    return fetch(url, { ...init, client } as RequestInit).catch((err: Error) => {
      // Name "nobody there" as Node and Bun do, so the client knows it may start a server.
      const why = String((err.cause as Error | undefined)?.message ?? err.message);
      const code = /No such file|os error 2\b/.test(why) ? "ENOENT" : /refused|os error 111\b/i.test(why) ? "ECONNREFUSED" : undefined;
      throw code ? Object.assign(new Error(why), { code }) : err;
    });
  },

  openSqlite: openNodeSqlite,

  gzipSync: (data, level = 6) => zlib().gzipSync(data, { level }),
  gunzipSync: (data) => zlib().gunzipSync(data),
  zstdCompressSync: (data, level = 3) => zlib().zstdCompressSync(data, { params: { [zlib().constants.ZSTD_c_compressionLevel]: level } }),
  zstdDecompressSync: (data) => zlib().zstdDecompressSync(data),

  which(command, path) {
    for (const dir of path.split(delimiter)) {
      if (!dir) continue;
      const file = join(dir, command);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {}
    }
    return null;
  },
  async capture(argv, env) {
    const clean = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
    const [cmd, ...args] = argv;
    const out = await new Deno.Command(cmd!, { args, env: clean, clearEnv: true, stdin: "null", stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  },

  spawnPty: async (opts, backend = "node-pty") => {
    if (backend !== "node-pty") throw new Error(`the ${backend} PTY backend needs Bun; Deno uses node-pty`);
    const { spawnNodePty } = await import("../pty/node-pty.ts");
    return spawnNodePty(opts, { writeThroughSocket: true });
  },

  write: (to, text) => writeAll(to === "stdout" ? Deno.stdout : Deno.stderr, text),
  readText: (path) => readFile(path, "utf8"),
  readStdin: async () => new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer()),

  files: {
    tiktokenWasm: join(root, "node_modules/tiktoken/lite/tiktoken_bg.wasm"),
    o200kRanks: join(root, "node_modules/tiktoken/encoders/o200k_base.json"),
    cl100kRanks: join(root, "node_modules/tiktoken/encoders/cl100k_base.json"),
  },
  tiktokenGlue: () => load("tiktoken/lite/init"),
};
