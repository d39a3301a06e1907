// Core benchmark (issue 2): ai-session against tmux and a bare shell, measured in one run.
// (a) create until the shell is ready; (b) exec `true` through the CLI vs the tmux way an agent
// does it; (c) the server's own exec overhead: in-server exec of `true` against typing `true` into
// a warm bash in a bare PTY and waiting for its next prompt, taken in turn; (d) memory per idle
// session, the shell included (PSS of the whole process tree), against tmux's; (e) create, exec and
// memory on Deno beside the Bun binary (_runtimes.ts).
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { coreHarness } from "../core/harness.ts";
import { execCommand } from "../../server/session/operations.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { spawnPty } from "../../server/platform/pty.ts";
import { descendantsOf } from "../../server/pty/process-group.ts";
import { median, p99, timeIt } from "./_stats.ts";
import type { BenchRow } from "./run.ts";
import { runtimeRows } from "./_runtimes.ts";

const BIN = resolve(import.meta.dir, "../../dist/ai-session");
const N = 40;
/** exec samples per side: more than N, the ratio is the number that matters */
const N_EXEC = 150;
// Both sides start their shells with an empty HOME, so neither pays for this machine's ~/.bashrc
// (pyenv here: ~300 ms per shell start and a hook at every prompt) and the numbers compare the tools.
const CLEAN_HOME = mkdtempSync(join(tmpdir(), "ais-bench-home-"));

function sh(argv: string[], env?: Record<string, string>): string {
  const r = Bun.spawnSync(argv, { env: env ?? (process.env as Record<string, string>) });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")} failed: ${r.stderr.toString()}`);
  return r.stdout.toString();
}

function rows(bench: string, metric: string, samples: number[], target?: string, limit?: number): BenchRow[] {
  const m = median(samples);
  return [
    { bench, metric: `${metric} median`, value: m, unit: "ms", target, ok: limit === undefined ? undefined : m <= limit },
    { bench, metric: `${metric} p99`, value: p99(samples), unit: "ms" },
  ];
}

/** A tmux server with one ready session, and the tmux way an agent runs one command in it. */
async function tmuxSide() {
  const sock = `ais-bench-${process.pid}`;
  const t = (...a: string[]) => sh(["tmux", "-L", sock, ...a]);
  const env = { ...(process.env as Record<string, string>), SHELL: "/bin/bash", HOME: CLEAN_HOME };
  const create = await timeIt(N, async (i) => {
    Bun.spawnSync(["tmux", "-L", sock, "new-session", "-d", "-s", `c${i}`, "-x", "200", "-y", "50"], { env });
    while (!/[$#] $/m.test(t("capture-pane", "-p", "-t", `c${i}`).trimEnd() + " ")) await Bun.sleep(1);
  });
  t("new-session", "-d", "-s", "x", "-x", "200", "-y", "50");
  await Bun.sleep(300);
  const exec = () => {
    t("send-keys", "-t", "x", "true; tmux -L " + sock + " wait-for -S ais-done", "Enter");
    t("wait-for", "ais-done");
    t("capture-pane", "-p", "-t", "x");
  };
  return { create, exec, close: () => Bun.spawnSync(["tmux", "-L", sock, "kill-server"]) };
}

/** PSS (kB) of a process and all its descendants: each shared page counted once across them. */
function treePssKb(pid: number): number {
  let kb = 0;
  for (const p of [pid, ...descendantsOf(pid)]) {
    try {
      kb += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${p}/smaps_rollup`, "utf8"))?.[1] ?? 0);
    } catch {
      // gone meanwhile
    }
  }
  return kb;
}

/** A warm interactive bash in a bare PTY: `true` typed, then its next prompt awaited. */
async function barePtyShell() {
  const PROMPT = "__ais_bench_prompt__$ ";
  const decoder = new TextDecoder();
  let buf = "";
  let prompts = 0;
  let waiting: { until: number; done: () => void } | null = null;
  const pty = await spawnPty({
    argv: ["/bin/bash", "--norc", "--noprofile", "-i"],
    cwd: "/",
    env: { HOME: CLEAN_HOME, PATH: process.env.PATH ?? "/usr/bin:/bin", TERM: "xterm-256color", PS1: PROMPT },
    cols: 200,
    rows: 50,
    onData: (b) => {
      buf += decoder.decode(b, { stream: true });
      for (let i = buf.indexOf(PROMPT); i >= 0; i = buf.indexOf(PROMPT)) {
        prompts++;
        buf = buf.slice(i + PROMPT.length);
      }
      if (waiting && prompts >= waiting.until) (waiting.done(), (waiting = null));
    },
  });
  const exec = () => new Promise<void>((done) => {
    waiting = { until: prompts + 1, done };
    pty.write("true\r");
  });
  while (prompts < 1) await Bun.sleep(5);
  return { exec, close: () => pty.kill("SIGKILL") };
}

/** Times two steps taking turns, so that a change in the machine's load hits both alike. */
async function interleaved(n: number, a: () => unknown, b: () => unknown): Promise<[number[], number[]]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < n; i++) {
    ta.push(...(await timeIt(1, a)));
    tb.push(...(await timeIt(1, b)));
  }
  return [ta, tb];
}

/** Memory a tmux server and its shells add per idle session (MB, PSS), with the same empty HOME. */
async function tmuxMemory(): Promise<number> {
  const sock = `ais-bench-mem-${process.pid}`;
  const env = { ...(process.env as Record<string, string>), SHELL: "/bin/bash", HOME: CLEAN_HOME };
  const t = (...a: string[]) => Bun.spawnSync(["tmux", "-L", sock, ...a], { env });
  try {
    t("new-session", "-d", "-s", "base");
    await Bun.sleep(500);
    const pid = Number(t("display-message", "-p", "#{pid}").stdout.toString().trim());
    const before = treePssKb(pid);
    for (let i = 0; i < 100; i++) t("new-session", "-d", "-s", `m${i}`);
    await Bun.sleep(1000);
    return (treePssKb(pid) - before) / 1024 / 100;
  } finally {
    t("kill-server");
  }
}

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const haveTmux = Bun.spawnSync(["sh", "-c", "command -v tmux"]).exitCode === 0;

  // (a) and (c): in the server's own process
  const h = coreHarness();
  try {
    const create = await timeIt(N, (i) => h.sessions.create({ name: `a${i}`, shell: "/bin/bash", cwd: "/", env: { HOME: CLEAN_HOME } }));
    out.push(...rows("create", "in-server create until prompt", create, "< 10 ms", 10));
    const owner = ownerCaller();
    const bare = await barePtyShell();
    try {
      const inServer = () => execCommand(h.ops, owner, "a0", { command: "true" });
      for (let i = 0; i < 10; i++) (await inServer(), await bare.exec());
      const [exec, raw] = await interleaved(N * 5, inServer, bare.exec);
      out.push(...rows("exec", "in-server exec `true` (compaction, tokens, db)", exec));
      out.push(...rows("exec", "`true` typed into a warm bash in a bare PTY, until its prompt", raw));
      const over = median(exec) - median(raw);
      out.push({ bench: "exec", metric: "server overhead over a bare PTY shell (median difference)", value: over, unit: "ms", target: "< 2 ms", ok: over < 2 });
    } finally {
      bare.close();
    }
  } finally {
    await h.close();
  }

  // (b) and (d): through the compiled binary, against tmux
  if (!existsSync(BIN)) throw new Error("dist/ai-session is missing: npm run build first");
  const home = mkdtempSync(join(tmpdir(), "ais-bench-"));
  const env = { ...(process.env as Record<string, string>), AI_SESSION_HOME: home, SHELL: "/bin/bash", HOME: CLEAN_HOME };
  try {
    sh([BIN, "create", "--name", "b"], env);
    const cliCreate = await timeIt(N, (i) => sh([BIN, "create", "--name", `c${i}`], env));
    const cliExecStep = () => sh([BIN, "exec", "b", "true"], env);
    out.push(...rows("create", "CLI `ai-session create` until prompt", cliCreate));
    if (haveTmux) {
      const tm = await tmuxSide();
      try {
        // warm both, then alternate: one CLI exec, one tmux round, N_EXEC times
        for (let i = 0; i < 5; i++) (cliExecStep(), tm.exec());
        const [cliExec, tmuxExec] = await interleaved(N_EXEC, cliExecStep, tm.exec);
        out.push(...rows("exec", "CLI `ai-session exec S true`", cliExec));
        out.push(...rows("create", "tmux new-session -d until first prompt", tm.create));
        out.push(...rows("exec", "tmux send-keys + wait-for + capture-pane", tmuxExec));
        const ratio = median(cliExec) / median(tmuxExec);
        out.push({ bench: "exec", metric: "CLI exec / tmux way (median ratio, samples taken in turn)", value: ratio, unit: "x", target: "<= 1", ok: ratio <= 1 });
      } finally {
        tm.close();
      }
    } else {
      out.push(...rows("exec", "CLI `ai-session exec S true`", await timeIt(N_EXEC, cliExecStep)));
    }
    const pid = JSON.parse(sh([BIN, "status", "--json"], env)).pid as number;
    for (let i = 0; i < N; i++) sh([BIN, "kill", `c${i}`], env);
    await Bun.sleep(500);
    const before = treePssKb(pid);
    for (let i = 0; i < 100; i++) sh([BIN, "create", "--name", `m${i}`], env);
    await Bun.sleep(1000);
    const perSession = (treePssKb(pid) - before) / 1024 / 100;
    out.push({ bench: "memory", metric: "per idle session, its shell included (PSS of the server's tree, 100 sessions)", value: perSession, unit: "MB" });
    if (haveTmux) {
      const tmux = await tmuxMemory();
      out.push({ bench: "memory", metric: "tmux: per idle session, its shell included (PSS, 100 sessions)", value: tmux, unit: "MB" });
      out.push({ bench: "memory", metric: "per session, ai-session / tmux", value: perSession / tmux, unit: "x", target: "<= 1.5", ok: perSession / tmux <= 1.5 });
    }
  } finally {
    Bun.spawnSync([BIN, "kill-server"], { env });
    rmSync(home, { recursive: true, force: true });
  }
  // (e) the same on Deno, beside the Bun binary (issue 13)
  out.push(...(await runtimeRows(CLEAN_HOME, treePssKb)));
  return out.filter((r) => !Number.isNaN(r.value));
}
