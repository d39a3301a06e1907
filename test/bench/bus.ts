/**
 * The message bus, measured: in-process publish/subscribe (1 → 1 and 1 → 100), the persisted
 * path (inbox + SQLite, batched), one WebSocket on loopback (throughput, and p99 latency at a
 * steady 10,000 msg/s), and memory for 1,000 idle agents connected over WebSockets.
 * The WebSocket server runs in a child process (test/bus/ws-harness.ts) so it has its own thread.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { AgentRegistry } from "../../server/bus/agents.ts";
import { Bus } from "../../server/bus/bus.ts";
import { RoleBook } from "../../server/bus/roles.ts";
import { BusStore } from "../../server/bus/store.ts";
import { Histogram } from "../../server/trace/histogram.ts";
import type { BenchRow } from "./run.ts";

const home = () => mkdtempSync(join(tmpdir(), "ai-session-bench-bus-"));

function inProcessBus() {
  const h = home();
  const db = openDatabase(join(h, "state.db"));
  const agents = new AgentRegistry(db, new RoleBook(h));
  return { db, agents, bus: new Bus(agents, new BusStore(db.$client)) };
}

function rate(n: number, ms: number): number {
  return Math.round((n / ms) * 1000);
}

function inProcess(): BenchRow[] {
  const rows: BenchRow[] = [];
  const { bus, agents, db } = inProcessBus();

  // 1 → 1: a topic with one subscriber, not persisted (the in-memory fast path)
  let got = 0;
  const off = bus.subscribeTopic("one", () => got++);
  const N = 2_000_000;
  for (let i = 0; i < 100_000; i++) bus.publish({ sender: "p", topic: "one", payload: i, persist: false }); // warm up
  let t = performance.now();
  for (let i = 0; i < N; i++) bus.publish({ sender: "p", topic: "one", payload: i, persist: false });
  const oneToOne = rate(N, performance.now() - t);
  off();
  rows.push({ bench: "bus", metric: "in-process 1→1 msg/s", value: oneToOne, unit: "msg/s", target: ">= 1,000,000", ok: oneToOne >= 1_000_000 && got >= N });

  // 1 → 100
  let deliveries = 0;
  const offs = Array.from({ length: 100 }, () => bus.subscribeTopic("hundred", () => deliveries++));
  const M = 100_000;
  t = performance.now();
  for (let i = 0; i < M; i++) bus.publish({ sender: "p", topic: "hundred", payload: i, persist: false });
  const ms = performance.now() - t;
  offs.forEach((o) => o());
  rows.push({ bench: "bus", metric: "in-process 1→100 deliveries/s", value: rate(deliveries, ms), unit: "deliveries/s", target: ">= 1,000,000", ok: rate(deliveries, ms) >= 1_000_000 });
  rows.push({ bench: "bus", metric: "in-process 1→100 published msg/s", value: rate(M, ms), unit: "msg/s" });

  // persisted, as a burst: publishing only queues the write (the batch goes to SQLite 20 ms later)
  const B = 50_000;
  let seen = 0;
  const offBurst = bus.subscribeTopic("burst", () => seen++);
  t = performance.now();
  for (let i = 0; i < B; i++) bus.publish({ sender: "p", topic: "burst", payload: { i } });
  const burst = rate(B, performance.now() - t);
  bus.flush();
  offBurst();
  rows.push({ bench: "bus", metric: "in-process 1→1 persisted, burst of 50k (write queued)", value: burst, unit: "msg/s", target: ">= 1,000,000", ok: burst >= 1_000_000 && seen === B });

  // persisted: direct to a registered agent (its inbox) and written to SQLite in batches; flush included
  agents.register({ name: "sink", role: "backend" });
  const P = 200_000;
  t = performance.now();
  for (let i = 0; i < P; i++) {
    const m = bus.publish({ sender: "p", to: "sink", payload: { i } });
    if ((i & 1023) === 1023) bus.ack("sink", { upTo: m.seq });
  }
  bus.flush();
  const persisted = rate(P, performance.now() - t);
  rows.push({ bench: "bus", metric: "persisted direct msg/s (inbox + SQLite, flush included)", value: persisted, unit: "msg/s" });
  bus.close();
  db.$client.close();
  return rows;
}

async function startChildServer(): Promise<{ port: number; proc: ReturnType<typeof Bun.spawn> }> {
  const proc = Bun.spawn([process.execPath, resolve(import.meta.dir, "../bus/ws-harness.ts"), home()], { stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the bus server did not start");
    text += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  return { port: Number(text.trim()), proc };
}

function open(url: string, onMessage: (data: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.onopen = () => resolve(ws);
    ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    ws.onmessage = (e) => onMessage(String(e.data));
  });
}

async function overWebSocket(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const { port, proc } = await startChildServer();
  const base = `ws://127.0.0.1:${port}/api/bus/stream`;
  try {
    const pub = await open(`${base}`, () => {});

    // latency at a steady 10,000 msg/s: 10 messages every millisecond; 0.5 s warm-up, then 3 s measured
    const hist = new Histogram();
    let measuring = false;
    let latSeen = 0;
    const lat = await open(`${base}?topics=lat&queue=100000`, (d) => {
      const f = JSON.parse(d);
      if (f.kind !== "message") return;
      latSeen++;
      if (measuring) hist.record(performance.now() - (f.message.payload as number));
    });
    await Bun.sleep(50);
    const steady = async (ms: number) => {
      const start = performance.now();
      for (let sent = 0; performance.now() - start < ms; ) {
        const due = Math.floor((performance.now() - start) * 10) + 10;
        for (; sent < due; sent++) pub.send(JSON.stringify({ op: "publish", topic: "lat", payload: performance.now(), persist: false }));
        await Bun.sleep(1);
      }
    };
    await steady(500);
    await Bun.sleep(100);
    measuring = true;
    await steady(3000);
    await Bun.sleep(300);
    measuring = false;
    const s = hist.summary();
    rows.push({ bench: "bus", metric: "WebSocket p99 latency at 10k msg/s", value: s.p99_ms, unit: "ms", target: "< 5", ok: s.p99_ms < 5 && s.count >= 29_000 });
    rows.push({ bench: "bus", metric: "WebSocket p50 latency at 10k msg/s", value: s.p50_ms, unit: "ms" });
    lat.close();

    // throughput: one publisher socket, one subscriber socket; windows of 10,000 so nothing is dropped
    const N = 200_000;
    const WINDOW = 10_000;
    let received = 0;
    let waiter: (() => void) | null = null;
    let target = 0;
    const sub = await open(`${base}?topics=tp&queue=100000`, (d) => {
      if (d.charCodeAt(9) === 109 /* {"kind":"message" */ && ++received >= target && waiter) waiter();
    });
    await Bun.sleep(50);
    const frame = JSON.stringify({ op: "publish", topic: "tp", payload: "x", persist: false });
    const cpuOf = async () => ((await (await fetch(`http://127.0.0.1:${port}/mem?gc=0`)).json()) as { cpuMicros: number }).cpuMicros;
    const cpu0 = await cpuOf();
    const t = performance.now();
    for (let sent = 0; sent < N; ) {
      const upto = Math.min(N, sent + WINDOW);
      for (; sent < upto; sent++) pub.send(frame);
      target = sent - WINDOW / 2; // keep at most 1.5 windows in flight
      if (received < target) await Promise.race([new Promise<void>((r) => (waiter = r)), Bun.sleep(10_000)]);
      waiter = null;
    }
    target = N;
    if (received < N) await Promise.race([new Promise<void>((r) => (waiter = r)), Bun.sleep(10_000)]);
    const ms = performance.now() - t;
    // CPU the server spent per message (parse, route, serialize, send): load on the machine aside, what one core can carry
    const cpuPerMsg = (await cpuOf() - cpu0) / Math.max(1, received);
    rows.push({ bench: "bus", metric: "WebSocket server CPU per message (publish in + deliver out)", value: Math.round(cpuPerMsg * 100) / 100, unit: "µs" });
    rows.push({ bench: "bus", metric: "WebSocket msg/s one server core can carry (1e6 / CPU per message)", value: Math.round(1e6 / cpuPerMsg), unit: "msg/s", target: ">= 100,000", ok: 1e6 / cpuPerMsg >= 100_000 });
    rows.push({ bench: "bus", metric: "WebSocket publish→deliver msg/s (loopback)", value: rate(received, ms), unit: "msg/s", target: ">= 100,000", ok: received === N && rate(received, ms) >= 100_000 });
    if (received < N) rows.push({ bench: "bus", metric: "WebSocket messages not delivered", value: N - received, unit: "msg" });
    for (const ws of [sub, pub]) ws.close();

    // memory: 1,000 registered agents, each connected over its own WebSocket, idle
    const memOf = async () => (await (await fetch(`http://127.0.0.1:${port}/mem`)).json()) as { rss: number; heapUsed: number };
    const before = await memOf();
    const idle: WebSocket[] = [];
    for (let i = 0; i < 1000; i++) {
      await fetch(`http://127.0.0.1:${port}/api/agents`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name: `idle-${i}`, role: "qa" }) });
      idle.push(await open(`${base}?agent=idle-${i}`, () => {}));
    }
    await Bun.sleep(200);
    const after = await memOf();
    rows.push({ bench: "bus", metric: "server memory for 1,000 idle connected agents (RSS growth)", value: Math.round((after.rss - before.rss) / 1024 / 1024 * 10) / 10, unit: "MB" });
    rows.push({ bench: "bus", metric: "server heap per idle connected agent", value: Math.round((after.heapUsed - before.heapUsed) / 1000), unit: "bytes" });
    for (const ws of idle) ws.close();
  } finally {
    proc.kill();
  }
  return rows;
}

export async function run(): Promise<BenchRow[]> {
  return [...inProcess(), ...(await overWebSocket())];
}

if (import.meta.main) console.table(await run());
