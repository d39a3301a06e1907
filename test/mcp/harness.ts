import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Runs the real ai-session: the compiled binary when it has been built (dist/ai-session), else the
 * dev entry through Bun. Each test file gets its own data directory.
 */
const ROOT = resolve(import.meta.dir, "../..");
const BIN = join(ROOT, "dist/ai-session");
const BUN = join(ROOT, "node_modules/.bin/bun");

export function aiSessionArgv(...args: string[]): string[] {
  if (process.env.AI_SESSION_TEST_BIN) return [process.env.AI_SESSION_TEST_BIN, ...args];
  if (existsSync(BIN) && process.env.AI_SESSION_TEST_DEV !== "1") return [BIN, ...args];
  return [existsSync(BUN) ? BUN : process.execPath, join(ROOT, "cli/main.ts"), ...args];
}

export function freshHome(prefix = "ais-mcp-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RunningServer {
  home: string;
  port: number;
  token: string;
  base: string;
  stop(): Promise<void>;
}

/** `ai-session serve --port 0` in a fresh home; resolves once it answers /api/status. */
export async function startServer(opts: { home?: string; env?: Record<string, string> } = {}): Promise<RunningServer> {
  const home = opts.home ?? freshHome();
  const proc = Bun.spawn(aiSessionArgv("serve", "--port", "0", "--home", home), {
    env: { ...process.env, AI_SESSION_HOME: home, NO_COLOR: "1", ...opts.env },
    stdout: "pipe",
    stderr: "pipe",
  });
  let printed = "";
  void (async () => {
    const reader = proc.stdout.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      printed += decoder.decode(value);
    }
  })();
  const deadline = Date.now() + 20_000;
  let port = 0;
  let token = "";
  while (Date.now() < deadline) {
    const m = /https?:\/\/(?:127\.0\.0\.1|localhost):(\d+)\S*?token=([A-Za-z0-9_-]+)/.exec(printed);
    if (m) {
      port = Number(m[1]);
      token = m[2]!;
      break;
    }
    if (proc.exitCode !== null) break;
    await Bun.sleep(50);
  }
  if (!port) {
    const err = await new Response(proc.stderr).text().catch(() => "");
    proc.kill();
    throw new Error(`the server did not start: ${printed}\n${err}`);
  }
  if (!token && existsSync(join(home, "token"))) token = readFileSync(join(home, "token"), "utf8").trim();
  const base = `http://127.0.0.1:${port}`;
  return {
    home,
    port,
    token,
    base,
    async stop() {
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
      await proc.exited;
      clearTimeout(killer);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** fetch against the server with the owner token unless told otherwise. */
export function api(server: RunningServer) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(server.base + path, {
      method,
      headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = { raw: text };
    }
    return { status: res.status, json };
  };
}
