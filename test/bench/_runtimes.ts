// The core rows again on each runtime, side by side in one run (issue 13): the compiled Bun binary
// and Deno running the same source as `npm run build` bundles it (cli/ai-session-deno), each with
// its own server started by its CLI; and the CLI round trip of Deno running the TypeScript source
// (npm run deno's entry) against the bundle's server, to show what the bundle saves.
// Samples are taken in turn, one Bun then one Deno, so a change in the machine's load hits both.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathsFor } from "../../server/paths.ts";
import { cliCommand, denoSourceCommand, type CliRuntime } from "../e2e/cli.ts";
import { median, p99, timeIt } from "./_stats.ts";
import type { BenchRow } from "./run.ts";

const N_CREATE = 10;
const N_EXEC = 60;
const N_CLI = 20;
const N_MEMORY = 50;

interface Side {
  runtime: CliRuntime;
  label: string;
  home: string;
  env: Record<string, string>;
  cli(...args: string[]): string;
}

function side(runtime: CliRuntime, cleanHome: string): Side {
  const home = mkdtempSync(join(tmpdir(), `ais-bench-${runtime}-`));
  const env = { ...(process.env as Record<string, string>), AI_SESSION_HOME: home, AI_SESSION_PORT: "0", SHELL: "/bin/bash", HOME: cleanHome };
  const argv = cliCommand(runtime);
  return {
    runtime,
    label: runtime === "bun" ? "Bun (binary)" : "Deno (bundle)",
    home,
    env,
    cli: (...args) => {
      const r = Bun.spawnSync([...argv, ...args], { env });
      if (r.exitCode !== 0) throw new Error(`${runtime} ${args.join(" ")} failed: ${r.stderr.toString()}`);
      return r.stdout.toString();
    },
  };
}

/** One exec of `true` in session S, as one request on the server's Unix socket (what a connected client pays). */
async function socketExec(s: Side): Promise<void> {
  const r = await fetch("http://localhost/api/sessions/b/exec", {
    method: "POST",
    unix: pathsFor(s.home).socket,
    headers: { "content-type": "application/json", authorization: `Bearer ${readFileSync(pathsFor(s.home).token, "utf8").trim()}` },
    body: JSON.stringify({ command: "true" }),
  } as RequestInit);
  if (!r.ok) throw new Error(`${s.runtime} exec answered ${r.status}: ${await r.text()}`);
  await r.arrayBuffer();
}

async function inTurn(n: number, a: (i: number) => unknown, b: (i: number) => unknown): Promise<[number[], number[]]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < n; i++) {
    ta.push(...(await timeIt(1, () => a(i))));
    tb.push(...(await timeIt(1, () => b(i))));
  }
  return [ta, tb];
}

export async function runtimeRows(cleanHome: string, treePssKb: (pid: number) => number): Promise<BenchRow[]> {
  const bun = side("bun", cleanHome);
  const deno = side("deno", cleanHome);
  const out: BenchRow[] = [];
  const pair = (metric: string, b: number[], d: number[], unit = "ms") => {
    for (const [s, v] of [[bun, b], [deno, d]] as const) {
      out.push({ bench: "runtime", metric: `${s.label}: ${metric} median`, value: median(v), unit });
      out.push({ bench: "runtime", metric: `${s.label}: ${metric} p99`, value: p99(v), unit });
    }
    const ratio = median(d) / median(b);
    out.push({ bench: "runtime", metric: `Deno / Bun: ${metric} (median ratio)`, value: ratio, unit: "x", target: "<= 2", ok: ratio <= 2 });
  };
  try {
    for (const s of [bun, deno]) s.cli("create", "--name", "b");
    const [createB, createD] = await inTurn(N_CREATE, (i) => bun.cli("create", "--name", `c${i}`), (i) => deno.cli("create", "--name", `c${i}`));
    pair("CLI create until prompt", createB, createD);
    for (let i = 0; i < 5; i++) (await socketExec(bun), await socketExec(deno));
    const [execB, execD] = await inTurn(N_EXEC, () => socketExec(bun), () => socketExec(deno));
    pair("in-server exec `true`, one request on the Unix socket", execB, execD);
    const [cliB, cliD] = await inTurn(N_CLI, () => bun.cli("exec", "b", "true"), () => deno.cli("exec", "b", "true"));
    pair("CLI `exec S true` round trip", cliB, cliD);
    const fromSource = await timeIt(N_CLI, () => {
      const r = Bun.spawnSync([...denoSourceCommand(), "exec", "b", "true"], { env: deno.env });
      if (r.exitCode !== 0) throw new Error(`deno (source) exec failed: ${r.stderr.toString()}`);
    });
    out.push({ bench: "runtime", metric: "Deno (source, npm run deno's entry): CLI `exec S true` round trip median", value: median(fromSource), unit: "ms" });
    const perSession: number[] = [];
    for (const s of [bun, deno]) {
      const pid = JSON.parse(s.cli("status", "--json")).pid as number;
      for (let i = 0; i < N_CREATE; i++) s.cli("kill", `c${i}`);
      await Bun.sleep(500);
      const before = treePssKb(pid);
      for (let i = 0; i < N_MEMORY; i++) s.cli("create", "--name", `m${i}`);
      await Bun.sleep(1000);
      perSession.push((treePssKb(pid) - before) / 1024 / N_MEMORY);
    }
    out.push({ bench: "runtime", metric: `Bun (binary): memory per idle session, its shell included (PSS, ${N_MEMORY} sessions)`, value: perSession[0]!, unit: "MB" });
    out.push({ bench: "runtime", metric: `Deno (bundle): memory per idle session, its shell included (PSS, ${N_MEMORY} sessions)`, value: perSession[1]!, unit: "MB" });
    const ratio = perSession[1]! / perSession[0]!;
    out.push({ bench: "runtime", metric: "Deno / Bun: memory per idle session", value: ratio, unit: "x", target: "<= 2", ok: ratio <= 2 });
  } finally {
    for (const s of [bun, deno]) {
      Bun.spawnSync([...cliCommand(s.runtime), "kill-server"], { env: s.env });
      rmSync(s.home, { recursive: true, force: true });
    }
  }
  return out;
}
