import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * Runs the real ai-session CLI (the compiled binary when built, else the dev entry through Bun)
 * against a data directory of the test's own.
 */
const ROOT = resolve(import.meta.dir, "../..");
const BIN = join(ROOT, "dist/ai-session");
const BUN = join(ROOT, "node_modules/.bin/bun");

export function argv(...args: string[]): string[] {
  if (process.env.AI_SESSION_TEST_BIN) return [process.env.AI_SESSION_TEST_BIN, ...args];
  if (existsSync(BIN) && process.env.AI_SESSION_TEST_DEV !== "1") return [BIN, ...args];
  return [existsSync(BUN) ? BUN : process.execPath, join(ROOT, "cli/main.ts"), ...args];
}

export const freshHome = (prefix = "ais-cli-") => mkdtempSync(join(tmpdir(), prefix));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export async function cli(home: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const p = Bun.spawn(argv(...args), {
    env: { ...process.env, AI_SESSION_HOME: home, NO_COLOR: "1", ...env },
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

/** Like cli() but fails the test with the stderr when the command fails. */
export async function ok(home: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await cli(home, args, env);
  if (r.code !== 0) throw new Error(`ai-session ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

export function serverPid(home: string): number | null {
  try {
    return JSON.parse(readFileSync(join(home, "server.json"), "utf8")).pid as number;
  } catch {
    return null;
  }
}

/** Stops the home's server if one runs (never fails). */
export async function stopServer(home: string): Promise<void> {
  await cli(home, ["kill-server"]).catch(() => {});
}

/** SIGKILLs the home's server, as a crash would, and returns once it is gone. */
export async function crashServer(home: string): Promise<void> {
  const pid = serverPid(home);
  if (!pid) throw new Error(`no server runs for ${home}`);
  process.kill(pid, "SIGKILL");
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await Bun.sleep(20);
  }
}
