// Drives the compiled binary (dist/ai-session, built by `npm run build`) as a user would.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const BIN = resolve(import.meta.dir, "../../dist/ai-session");

export function requireBinary(): void {
  for (const built of [BIN, resolve(import.meta.dir, "../../dist/deno/deno-main.js")]) {
    if (!existsSync(built)) throw new Error(`${built} is missing: run npm run build first`);
  }
}

/**
 * Which runtime runs the CLI: the compiled Bun binary, or Deno with the same source as `npm run
 * build` bundles it (dist/deno, through cli/ai-session-deno, what the README tells Deno users to run).
 */
export type CliRuntime = "bun" | "deno";
export const RUNTIMES: readonly CliRuntime[] = ["bun", "deno"];

export const DENO = resolve(import.meta.dir, "../../node_modules/.bin/deno");
const DENO_LAUNCHER = resolve(import.meta.dir, "../../cli/ai-session-deno");
const DENO_SOURCE_MAIN = resolve(import.meta.dir, "../../server/platform/deno-main.ts");

/** The argv that runs the CLI on a runtime. */
export function cliCommand(runtime: CliRuntime): string[] {
  return runtime === "bun" ? [BIN] : [DENO_LAUNCHER];
}

/** Deno with the TypeScript source: exactly what `npm run deno --` runs. */
export function denoSourceCommand(): string[] {
  const { DENO_RUN_FLAGS } = require("../../server/platform/deno-permissions.ts") as typeof import("../../server/platform/deno-permissions.ts");
  return [DENO, "run", ...DENO_RUN_FLAGS, DENO_SOURCE_MAIN];
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class CliHome {
  readonly home = mkdtempSync(join(tmpdir(), "ais-e2e-"));
  constructor(
    private readonly extraEnv: Record<string, string> = {},
    readonly runtime: CliRuntime = "bun",
  ) {}

  env(): Record<string, string> {
    return { ...(process.env as Record<string, string>), AI_SESSION_HOME: this.home, SHELL: "/bin/bash", NO_COLOR: "1", ...this.extraEnv };
  }

  async run(args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
    const p = Bun.spawn([...cliCommand(this.runtime), ...args], {
      env: { ...this.env(), ...(opts.env ?? {}) },
      stdin: opts.stdin !== undefined ? new TextEncoder().encode(opts.stdin) : "ignore",
      stdout: "pipe",
      stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
    return { code, stdout, stderr };
  }

  async json<T = Record<string, unknown>>(args: string[]): Promise<T> {
    const r = await this.run([...args, "--json"]);
    try {
      return JSON.parse(r.stdout) as T;
    } catch {
      throw new Error(`not JSON (exit ${r.code}): ${r.stdout} ${r.stderr}`);
    }
  }

  async close(): Promise<void> {
    await this.run(["kill-server"]);
    rmSync(this.home, { recursive: true, force: true });
  }
}

/** Pids of processes whose environment carries AI_SESSION_HOME=home (everything a server started). */
export function processesOfHome(home: string): number[] {
  const { readdirSync, readFileSync } = require("node:fs") as typeof import("node:fs");
  const needle = `AI_SESSION_HOME=${home}\0`;
  const out: number[] = [];
  for (const e of readdirSync("/proc")) {
    const pid = Number(e);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, "latin1").includes(needle)) {
        const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
        if (stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z") out.push(pid);
      }
    } catch {}
  }
  return out;
}

/** A command run in a real PTY (Bun's terminal), with what it has drawn so far. */
export interface InTerminal {
  /** Waits (up to 10 s) until the screen shows text, and expects it there. */
  until(text: string): Promise<void>;
  type(keys: string): void;
  readonly screen: string;
  readonly exited: Promise<number>;
}

export function inTerminal(argv: string[], env: Record<string, string>): InTerminal {
  const { expect } = require("bun:test") as typeof import("bun:test");
  let screen = "";
  const p = Bun.spawn(argv, { env, terminal: { cols: 100, rows: 30, data: (_t, d) => (screen += new TextDecoder().decode(d)) } });
  return {
    async until(text) {
      for (let i = 0; i < 200 && !screen.includes(text); i++) await Bun.sleep(50);
      expect(screen).toContain(text);
    },
    type: (keys) => p.terminal!.write(keys),
    get screen() {
      return screen;
    },
    exited: p.exited,
  };
}

