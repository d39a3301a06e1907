// `npm run bench -- cluster-scale`: 20 built servers (AI_SESSION_BENCH_NODES) with 50 agents each
// (AI_SESSION_BENCH_AGENTS), all joined to one real nats-server on loopback. Reports how long until
// one node sees every node up with all its agents, the memory and CPU of the nats-server and of the
// nodes while they only heartbeat, and a direct message across the cluster at that size.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startNats, startNode, stopAll, type Node } from "../cluster/harness.ts";
import { median, p99 } from "./_stats.ts";
import type { BenchRow } from "./table.ts";

const BIN = join(import.meta.dir, "../../dist/ai-session");
const NODES = Number(process.env.AI_SESSION_BENCH_NODES ?? 20);
const AGENTS = Number(process.env.AI_SESSION_BENCH_AGENTS ?? 50);
const TICK = 100; // /proc/PID/stat counts CPU time in clock ticks of 1/100 s on Linux

const tokenOf = (n: Node) => readFileSync(join(n.home, "token"), "utf8").trim();

async function api<T>(n: Node, method: string, path: string, body?: unknown): Promise<T> {
  const r = await fetch(`http://127.0.0.1:${n.port}${path}`, { method, headers: { authorization: `Bearer ${tokenOf(n)}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path} on ${n.name}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** Resident memory (MB) and CPU time (s) of a process, from /proc. */
function usage(pid: number): { rssMb: number; cpuS: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { rssMb: rssKb / 1024, cpuS: (Number(fields[11]) + Number(fields[12])) / TICK };
}

const r1 = (v: number) => Math.round(v * 10) / 10;

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(BIN)) throw new Error("dist/ai-session is missing: run `npm run build` first");
  if (!existsSync("/proc/self/stat")) throw new Error("cluster-scale reads /proc: Linux only");
  const rows: BenchRow[] = [];
  const label = `${NODES} nodes × ${AGENTS} agents`;
  try {
    const nats = await startNats();
    const nodes: Node[] = [];
    const t0 = performance.now();
    // a few at a time: twenty servers starting at once on two cores time out their own start
    for (let i = 0; i < NODES; i += 4) nodes.push(...(await Promise.all(Array.from({ length: Math.min(4, NODES - i) }, (_, k) => startNode(`n${i + k}`, nats.url)))));
    for (const n of nodes) await Promise.all(Array.from({ length: AGENTS }, (_, a) => api(n, "POST", "/api/agents", { name: `${n.name}-a${a}`, role: "backend" })));
    const first = nodes[0]!;
    type NodeRow = { name: string; state: string; agents: number };
    for (;;) {
      const seen = await api<NodeRow[]>(first, "GET", "/api/nodes");
      if (seen.length === NODES && seen.every((x) => x.state === "up" && x.agents === AGENTS)) break;
      if (performance.now() - t0 > 300_000) throw new Error(`after 5 minutes ${first.name} sees ${seen.filter((x) => x.state === "up").length} nodes up`);
      await Bun.sleep(250);
    }
    rows.push({ bench: "cluster-scale", metric: `${label}: started, registered and all seen up by one node`, value: r1((performance.now() - t0) / 1000), unit: "s" });

    // steady state: heartbeats only, for 10 s after 5 s to settle (the start's work done)
    await Bun.sleep(5000);
    const pids = [nats.pid(), ...nodes.map((n) => n.pid)];
    const before = pids.map(usage);
    const WINDOW = 10;
    await Bun.sleep(WINDOW * 1000);
    const after = pids.map(usage);
    const cpuPct = (i: number) => ((after[i]!.cpuS - before[i]!.cpuS) / WINDOW) * 100;
    const nodeRss = after.slice(1).map((u) => u.rssMb);
    const nodeCpu = nodes.map((_, i) => cpuPct(i + 1));
    rows.push({ bench: "cluster-scale", metric: `${label}: nats-server memory (RSS)`, value: r1(after[0]!.rssMb), unit: "MB" });
    rows.push({ bench: "cluster-scale", metric: `${label}: nats-server CPU, heartbeats only`, value: r1(cpuPct(0)), unit: "% of a core" });
    rows.push({ bench: "cluster-scale", metric: `${label}: memory of one node (RSS, median)`, value: r1(median(nodeRss)), unit: "MB" });
    rows.push({ bench: "cluster-scale", metric: `${label}: CPU of all nodes together, heartbeats only`, value: r1(nodeCpu.reduce((a, b) => a + b, 0)), unit: "% of a core" });

    // a direct message from the first node's agent to the last node's, read from its inbox
    const last = nodes.at(-1)!;
    const to = `${last.name}-a0`;
    const lat: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t = performance.now();
      await api(first, "POST", "/api/bus/messages", { to, payload: i });
      for (;;) {
        const box = await api<{ messages: Array<{ seq: number }> }>(last, "GET", `/api/bus/inbox/${to}`);
        if (box.messages.length) {
          await api(last, "POST", `/api/bus/inbox/${to}/ack`, { up_to: box.messages.at(-1)!.seq });
          break;
        }
        await Bun.sleep(2);
      }
      lat.push(performance.now() - t);
    }
    rows.push({ bench: "cluster-scale", metric: `${label}: direct message first node → last node's inbox (REST, polled; median)`, value: r1(median(lat)), unit: "ms" });
    rows.push({ bench: "cluster-scale", metric: `${label}: the same, p99`, value: r1(p99(lat)), unit: "ms" });
  } finally {
    await stopAll();
  }
  return rows;
}
