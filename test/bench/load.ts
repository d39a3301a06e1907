// Load benchmark (issue 15): many sessions executing at once through one connected client.
// 100 sessions × 10 exec/s for 60 s through the typed client over the Unix socket, against the
// built binary's server (a process of its own, measured from /proc: CPU and RSS). Shells start with
// an empty HOME. Each session runs `true` on a 100 ms schedule (a late exec starts as soon as the
// previous one ends). Latency is measured twice: from the request, and from the time the schedule
// meant the exec to start (free of coordinated omission: a server that falls behind shows it there,
// not in fewer samples); the target is on the second. Each exec's own `duration_ms` (from the server
// writing the command to the shell until the shell's end mark) splits the time between the shell
// and the rest (request, server, answer). Then `compact` time against input
// length for three kinds of input, 10 KB to 10 MB: time per byte should stay flat.
// LOAD_PART=exec or LOAD_PART=compact runs one half.
//
// LOAD_SESSIONS, LOAD_RATE (exec/s per session) and LOAD_SECONDS shorten it for a quick look;
// BENCH_BIN runs another binary (an earlier build, to compare).
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { connect } from "../../cli/client/index.ts";
import { countTokensDetailed } from "../../server/tokens/tokens.ts";
import { compactOutput } from "../../server/output/compact.ts";
import { quantile, serveBuilt } from "./_stats.ts";
import type { BenchRow } from "./run.ts";

const BIN = process.env.BENCH_BIN ? resolve(process.env.BENCH_BIN) : resolve(import.meta.dir, "../../dist/ai-session");
const SESSIONS = Number(process.env.LOAD_SESSIONS ?? 100);
const RATE = Number(process.env.LOAD_RATE ?? 10);
const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const CORPUS = resolve(import.meta.dir, "../fixtures/output");

/** utime + stime of a process in milliseconds, and its current and peak RSS in MB. */
function procUsage(pid: number): { cpuMs: number; rssMb: number; peakMb: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "latin1");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(f[11]) + Number(f[12]);
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { cpuMs: ticks * 10, rssMb: kb("VmRSS") / 1024, peakMb: kb("VmHWM") / 1024 };
}

async function startServer(home: string, cleanHome: string): Promise<{ pid: number; stop(): void }> {
  const { proc } = await serveBuilt(BIN, home, { HOME: cleanHome, SHELL: "/bin/bash" }, "inherit");
  return { pid: proc.pid, stop: () => proc.kill("SIGTERM") };
}

async function execLoad(): Promise<BenchRow[]> {
  if (!existsSync(BIN)) throw new Error("dist/ai-session is missing: npm run build first");
  const home = mkdtempSync(join(tmpdir(), "ais-load-"));
  const cleanHome = mkdtempSync(join(tmpdir(), "ais-load-home-"));
  const server = await startServer(home, cleanHome);
  try {
    const client = await connect({ home, autostart: false });
    const names = Array.from({ length: SESSIONS }, (_, i) => `l${i}`);
    for (const name of names) await client.createSession({ name, shell: "/bin/bash", cwd: cleanHome, env: { HOME: cleanHome } });
    for (const name of names) await client.exec(name, "true");
    const latencies: number[] = [];
    const fromSchedule: number[] = [];
    const inShell: number[] = [];
    let errors = 0;
    let firstError = "";
    const before = procUsage(server.pid);
    const started = performance.now();
    const end = started + SECONDS * 1000;
    const interval = 1000 / RATE;
    await Promise.all(
      names.map(async (name, i) => {
        // sessions start spread over one interval, so the load is even
        let next = started + (interval * i) / SESSIONS;
        while (next < end) {
          const wait = next - performance.now();
          if (wait > 0) await Bun.sleep(wait);
          const t = performance.now();
          try {
            const r = await client.exec(name, "true");
            if (r.exit_code !== 0) throw new Error(`exit ${r.exit_code} (${r.status})`);
            const now = performance.now();
            latencies.push(now - t);
            fromSchedule.push(now - next);
            inShell.push(r.duration_ms);
          } catch (err) {
            errors++;
            firstError ||= (err as Error).message;
          }
          next += interval;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const after = procUsage(server.pid);
    const achieved = latencies.length / elapsed;
    const wanted = SESSIONS * RATE;
    const p99 = quantile(fromSchedule, 0.99);
    if (firstError) console.error(`load: first error: ${firstError}`);
    const label = `${SESSIONS} sessions × ${RATE} exec/s, ${SECONDS} s`;
    return [
      { bench: "load", metric: `${label}: errors`, value: errors, unit: "", target: "0", ok: errors === 0 },
      { bench: "load", metric: `${label}: achieved exec/s`, value: achieved, unit: "/s", target: `>= ${Math.round(wanted * 0.95)}`, ok: achieved >= wanted * 0.95 },
      { bench: "load", metric: `${label}: latency from the scheduled start p50`, value: quantile(fromSchedule, 0.5), unit: "ms" },
      { bench: "load", metric: `${label}: latency from the scheduled start p99 (coordinated-omission-free)`, value: p99, unit: "ms", target: "< 100 ms", ok: p99 < 100 },
      { bench: "load", metric: `${label}: latency from the request p50`, value: quantile(latencies, 0.5), unit: "ms" },
      { bench: "load", metric: `${label}: latency from the request p99`, value: quantile(latencies, 0.99), unit: "ms" },
      { bench: "load", metric: `${label}: latency from the request max`, value: Math.max(...latencies), unit: "ms" },
      { bench: "load", metric: `${label}: of it in the shell (duration_ms: command written → end mark) p50 / p99`, value: quantile(inShell, 0.5), unit: `ms / ${quantile(inShell, 0.99).toFixed(0)} ms` },
      { bench: "load", metric: `${label}: server CPU`, value: ((after.cpuMs - before.cpuMs) / (elapsed * 1000)) * 100, unit: "% of a core" },
      { bench: "load", metric: `${label}: the machine's load average (1 min) at the end, for ${cpus().length} CPUs`, value: loadavg()[0]!, unit: "" },
      { bench: "load", metric: `${label}: server RSS at the end (peak)`, value: after.rssMb, unit: `MB (${after.peakMb.toFixed(0)})` },
    ];
  } finally {
    server.stop();
    await Bun.sleep(500);
    rmSync(home, { recursive: true, force: true });
    rmSync(cleanHome, { recursive: true, force: true });
  }
}

const SIZES = [10_000, 100_000, 1_000_000, 10_000_000];

/** Inputs of a given length: one letter, random base64, and real logs from the corpus repeated. */
function inputs(): { kind: string; make(n: number): string }[] {
  const logs = readdirSync(CORPUS)
    .filter((f) => f.endsWith(".txt"))
    .map((f) => readFileSync(join(CORPUS, f), "utf8"))
    .join("\n");
  const b64 = Buffer.from(crypto.getRandomValues(new Uint8Array(8_000_000))).toString("base64");
  const cut = (s: string, n: number) => (s.length >= n ? s.slice(0, n) : s.repeat(Math.ceil(n / s.length)).slice(0, n));
  return [
    { kind: "one letter", make: (n) => "a".repeat(n) },
    { kind: "random base64", make: (n) => cut(b64, n) },
    { kind: "real logs", make: (n) => cut(logs, n) },
  ];
}

/** Best of a few runs (one for the largest inputs), in milliseconds. */
function best(n: number, fn: () => unknown): number {
  let min = Infinity;
  for (let i = 0; i < (n >= 10_000_000 ? 1 : 3); i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

/**
 * `compact` (what `ai-session compact` and POST /api/compact do) against input length, split into
 * its two parts: compaction (render, analyse, fold) and token counting. Linear means the time per
 * byte of the largest input is no more than twice that of the smallest (a quadratic step would make
 * it a thousand times); small inputs pay a fixed cost, so the ratio may well be below 1.
 */
async function compactScaling(): Promise<BenchRow[]> {
  const out: BenchRow[] = [];
  for (const { kind, make } of inputs()) {
    const warm = make(100_000);
    compactOutput(warm, { command: "cat app.log", exitCode: 0 });
    countTokensDetailed(warm);
    const perByte = { compaction: [] as number[], tokens: [] as number[] };
    for (const n of SIZES) {
      const text = make(n);
      const c = best(n, () => compactOutput(text, { command: "cat app.log", exitCode: 0 }));
      const t = best(n, () => countTokensDetailed(text));
      perByte.compaction.push(c / n);
      perByte.tokens.push(t / n);
      const ns = (ms: number) => `${((ms * 1e6) / n).toFixed(0)} ns/byte`;
      out.push({ bench: "compact-scale", metric: `${kind}, ${n / 1000} KB: compaction / token count`, value: c + t, unit: `ms (${c.toFixed(0)} ms, ${ns(c)} / ${t.toFixed(0)} ms, ${ns(t)})` });
    }
    for (const part of ["compaction", "tokens"] as const) {
      const v = perByte[part];
      const ratio = v.at(-1)! / v[0]!;
      out.push({ bench: "compact-scale", metric: `${kind}: ${part} time per byte, 10 MB / 10 KB`, value: ratio, unit: "x", target: "<= 2", ok: ratio <= 2 });
    }
  }
  return out;
}

export async function run(): Promise<BenchRow[]> {
  const which = process.env.LOAD_PART;
  return [...(which === "compact" ? [] : await execLoad()), ...(which === "exec" ? [] : await compactScaling())];
}
