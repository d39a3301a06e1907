// Core benchmark (issue 2): ai-session against tmux and a raw shell, measured in one run.
// (a) create until the shell is ready; (b) exec `true` through the CLI vs the tmux way an agent
// does it; (c) the server's own exec overhead over `bash -c true`; (d) server memory per idle session.
import { mkdtempSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { coreHarness } from "../core/harness.ts";
import { execCommand } from "../../server/session/operations.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { median, p99, rssKb, timeIt } from "./_stats.ts";
import type { BenchRow } from "./run.ts";

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

export async function run(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  const haveTmux = Bun.spawnSync(["sh", "-c", "command -v tmux"]).exitCode === 0;

  // (a) and (c): in the server's own process
  const h = coreHarness();
  try {
    const create = await timeIt(N, (i) => h.sessions.create({ name: `a${i}`, shell: "/bin/bash", cwd: "/", env: { HOME: CLEAN_HOME } }));
    out.push(...rows("create", "in-server create until prompt", create, "< 10 ms", 10));
    const owner = ownerCaller();
    await execCommand(h.ops, owner, "a0", { command: "true" });
    const exec = await timeIt(N * 5, () => execCommand(h.ops, owner, "a0", { command: "true" }));
    const raw = await timeIt(N * 5, () => Bun.spawnSync(["bash", "-c", "true"], { env: { HOME: CLEAN_HOME, PATH: process.env.PATH ?? "" } }));
    out.push(...rows("exec", "in-server exec `true` (compaction, tokens, db)", exec));
    out.push(...rows("exec", "raw `bash -c true`", raw));
    out.push({ bench: "exec", metric: "server overhead over raw bash (median difference)", value: median(exec) - median(raw), unit: "ms", target: "< 2 ms", ok: median(exec) - median(raw) < 2 });
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
    Bun.gc?.(true);
    await Bun.sleep(500);
    const before = rssKb(pid);
    for (let i = 0; i < 100; i++) sh([BIN, "create", "--name", `m${i}`], env);
    await Bun.sleep(1000);
    const after = rssKb(pid);
    const perSession = (after - before) / 1024 / 100;
    out.push({ bench: "memory", metric: "server RSS per idle session (100 sessions)", value: perSession, unit: "MB", target: "< 2 MB", ok: perSession < 2 });
    out.push({ bench: "memory", metric: "server RSS with 100 idle sessions", value: after / 1024, unit: "MB" });
  } finally {
    Bun.spawnSync([BIN, "kill-server"], { env });
    rmSync(home, { recursive: true, force: true });
  }
  return out.filter((r) => !Number.isNaN(r.value));
}
