export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const i = Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1));
  return s[i]!;
}
export const median = (v: number[]) => quantile(v, 0.5);
export const p99 = (v: number[]) => quantile(v, 0.99);

export async function timeIt(n: number, fn: (i: number) => Promise<unknown> | unknown): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn(i);
    out.push(performance.now() - t);
  }
  return out;
}

/** A process's CPU time so far (user + system), in µs (read in clock ticks of 1/100 s). */
export function cpuMicros(pid: number): number {
  const f = require("node:fs").readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ") as string[];
  return (Number(f[11]) + Number(f[12])) * (1e6 / 100);
}

/**
 * Waits until every process is idle (under 5 % of a core over 200 ms), for at most `tries` looks:
 * a server warms its tokenizer after it starts, which is not its steady state.
 */
export async function untilIdle(pids: number[], tries: number): Promise<void> {
  let prev = pids.map(cpuMicros);
  for (let i = 0; i < tries; i++) {
    await Bun.sleep(200);
    const now = pids.map(cpuMicros);
    if (now.every((t, k) => t - prev[k]! < 10_000)) return;
    prev = now;
  }
}

export function rssKb(pid: number): number {
  const status = require("node:fs").readFileSync(`/proc/${pid}/status`, "utf8") as string;
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/**
 * Starts the built binary's `serve --json` on a free port and waits for the line it prints once it
 * listens: what a user's `ai-session serve` does, for the benchmarks that drive a real server.
 */
export async function serveBuilt(bin: string, home: string, env: Record<string, string>, stderr: "inherit" | "ignore" = "ignore") {
  const proc = Bun.spawn([bin, "serve", "--port", "0", "--json", "--home", home], {
    env: { ...(process.env as Record<string, string>), AI_SESSION_HOME: home, ...env },
    stdout: "pipe",
    stderr,
  });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the server exited before it listened");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { proc, info: JSON.parse(text) as { url: string; port: number; pid: number } };
}
