// Deno's side of the seam (see types.ts). Loaded only when Deno runs this process. It imports no
// node: module and never touches `process`: the first of either makes Deno set up its Node layer,
// 40 to 90 ms of a CLI command's start (measured on Deno 2.9). What only the server uses (node:sqlite,
// Hono's Deno adapter, node:zlib, node-pty) is loaded when first used.
import { closeOnExecAbove2 } from "./deno-libc.ts";
import { unixRequest } from "./deno-unix-http.ts";
import { upgradeNative } from "./deno-websocket.ts";
import { nodeBuiltin, nodeRequire } from "./node-builtin.ts";
import { openNodeSqlite } from "./node-sqlite.ts";
import type { Listener, Platform } from "./types.ts";

const load = (id: string) => nodeRequire(import.meta.url)(id);
const zlib = () => nodeBuiltin<typeof import("node:zlib")>("node:zlib");

/** The part of the Deno namespace used here (this project type-checks with Bun's types only). */
interface DenoApi {
  version: { deno: string };
  readonly args: string[];
  env: { get(name: string): string | undefined };
  cwd(): string;
  exitCode: number;
  readTextFile(path: string): Promise<string>;
  serve(
    options: { hostname?: string; port?: number; path?: string; transport?: "unix"; onListen?(): void },
    handler: (req: Request, info: unknown) => Response | Promise<Response>,
  ): { addr: { port?: number }; shutdown(): Promise<void> };
  Command: new (
    cmd: string,
    options: { args: string[]; env: Record<string, string>; clearEnv: boolean; stdin: "null"; stdout: "piped"; stderr: "piped" },
  ) => { output(): Promise<{ code: number; stdout: Uint8Array; stderr: Uint8Array }> };
  stdout: { write(p: Uint8Array): Promise<number> };
  stderr: { write(p: Uint8Array): Promise<number> };
  stdin: { readable: ReadableStream<Uint8Array> };
}
const Deno = (globalThis as unknown as { Deno: DenoApi }).Deno;

/** A file of this checkout by its path from the root (two folders up: server/platform/ or dist/deno/). */
const fromRoot = (path: string) => decodeURIComponent(new URL(`../../${path}`, import.meta.url).pathname);

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
  proc: {
    args: Deno.args,
    // Deno asks no permission for what --allow-env granted; a name it refuses reads as unset
    env: (name) => Deno.env.get(name),
    cwd: () => Deno.cwd(),
    // process.exitCode = n sets Deno.exitCode too (not the other way round), so this reads both
    get exitCode() {
      return Deno.exitCode;
    },
    set exitCode(code) {
      Deno.exitCode = code ?? 0;
    },
  },
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
  // Deno.connect and HTTP/1.1 by hand, not fetch: see deno-unix-http.ts
  fetchUnix: unixRequest,

  openSqlite: openNodeSqlite,

  gzipSync: (data, level = 6) => zlib().gzipSync(data, { level }),
  gunzipSync: (data) => zlib().gunzipSync(data),
  zstdCompressSync: (data, level = 3) => zlib().zstdCompressSync(data, { params: { [zlib().constants.ZSTD_c_compressionLevel]: level } }),
  zstdDecompressSync: (data) => zlib().zstdDecompressSync(data),

  which(command, path) {
    const { accessSync, constants } = nodeBuiltin<typeof import("node:fs")>("node:fs");
    for (const dir of path.split(":")) {
      if (!dir) continue;
      const file = `${dir.replace(/\/+$/, "")}/${command}`;
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
    // Deno's spawn closes nothing in the child: none of the server's descriptors reach it (deno-libc.ts)
    closeOnExecAbove2();
    const out = await new Deno.Command(cmd!, { args, env: clean, clearEnv: true, stdin: "null", stdout: "piped", stderr: "piped" }).output();
    const text = new TextDecoder();
    return { code: out.code, stdout: text.decode(out.stdout), stderr: text.decode(out.stderr) };
  },

  spawnPty: async (opts, backend = "node-pty") => {
    if (backend !== "node-pty") throw new Error(`the ${backend} PTY backend needs Bun; Deno uses node-pty`);
    // without fork where this machine has what that needs (deno-pty.ts), else node-pty's own spawn
    const { spawnWithoutFork } = await import("./deno-pty.ts");
    const pty = spawnWithoutFork(opts, Deno.env.get("PATH") ?? "/usr/bin:/bin");
    if (pty) return pty;
    closeOnExecAbove2();
    const { spawnNodePty } = await import("../pty/node-pty.ts");
    return spawnNodePty(opts, { writeThroughSocket: true });
  },

  write: (to, text) => writeAll(to === "stdout" ? Deno.stdout : Deno.stderr, text),
  readText: (path) => Deno.readTextFile(path),
  readStdin: async () => new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer()),

  files: {
    tiktokenWasm: fromRoot("node_modules/tiktoken/lite/tiktoken_bg.wasm"),
    o200kRanks: fromRoot("node_modules/tiktoken/encoders/o200k_base.json"),
    cl100kRanks: fromRoot("node_modules/tiktoken/encoders/cl100k_base.json"),
  },
  tiktokenGlue: () => load("tiktoken/lite/init"),
};
