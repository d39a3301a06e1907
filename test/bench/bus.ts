/**
 * The message bus on the path a user takes: the built binary (`ai-session serve`) in its own
 * process, agents registered over REST, every message persisted (the default), publishers and
 * subscribers real WebSocket clients of /api/bus/stream in this process.
 *
 * - direct 1→1: agent "src" publishes to agent "sink", which acknowledges as it reads (never more
 *   than WINDOW unacknowledged); wall msg/s and the server's CPU per message (what one core carries,
 *   whatever else the machine runs). Three runs, the median reported.
 * - latency at a steady 10,000 msg/s, direct, persisted: p50/p99 from when each message left the
 *   publisher to its delivery, and from when it was due on the publisher's schedule (coordinated-
 *   omission-free, but it holds the client's 1 ms timer); beside them the same client against a
 *   bare Bun WebSocket relay in its own process (_ws-relay.ts): the floor of both on this machine.
 * - a 100-subscriber topic flood: 100 registered agents on topic "flood" (5 of them stop reading),
 *   one publisher as fast as the server takes; deliveries/s to the readers, server RSS, and how long
 *   `GET /api/status` and `/api/bus/stats` take throughout; the slow ones must be told what they
 *   missed and must not slow the others.
 * - 1,000 idle agents connected: server memory (measured first, on the fresh server).
 * Needs `npm run build` first. BENCH_BIN runs another binary (an earlier build, to compare);
 * BUS_PART=idle,direct,latency,flood runs only those parts.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { cpuMicros, median, quantile, serveBuilt, untilIdle } from "./_stats.ts";
import type { BenchRow } from "./run.ts";

const BIN = process.env.BENCH_BIN ? resolve(process.env.BENCH_BIN) : resolve(import.meta.dir, "../../dist/ai-session");
const PARTS = new Set((process.env.BUS_PART ?? "idle,direct,latency,flood").split(","));
const WINDOW = 2_000;

interface Server {
  pid: number;
  base: string;
  ws: string;
  token: string;
  home: string;
  proc: ReturnType<typeof Bun.spawn>;
}

async function startServer(env: Record<string, string> = {}): Promise<Server> {
  if (!existsSync(BIN)) throw new Error("dist/ai-session is missing: run `npm run build` first");
  const home = mkdtempSync(join(tmpdir(), "ai-session-bench-bus-"));
  const { proc, info } = await serveBuilt(BIN, home, { HOME: mkdtempSync(join(tmpdir(), "ais-bench-home-")), ...env });
  const token = new URL(info.url).searchParams.get("token")!;
  const s = { home, pid: info.pid, base: `http://127.0.0.1:${info.port}`, ws: `ws://127.0.0.1:${info.port}/api/bus/stream?token=${token}`, token, proc };
  await untilIdle([s.pid], 100); // measure nothing while it warms its tokenizer
  return s;
}


function rssMb(s: Server): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${s.pid}/status`, "utf8"))?.[1] ?? NaN) / 1024;
}

async function api(s: Server, method: string, path: string, body?: unknown): Promise<any> {
  const r = await fetch(s.base + path, { method, headers: { authorization: `Bearer ${s.token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

function open(s: Server, query: string, onFrame: (text: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${s.ws}&${query}`);
    ws.onmessage = (e) => onFrame(e.data as string);
    ws.onerror = () => reject(new Error(`cannot open the bus stream (${query})`));
    ws.onopen = () => resolve(ws);
  });
}

const isMessage = (t: string) => t.charCodeAt(9) === 109; // {"kind":"message"...
const seqOf = (t: string) => Number(/"seq":(\d+)/.exec(t)![1]);

/** A reader that acknowledges as it goes: one ack per `every` messages (and when asked). */
function acker(every: number) {
  let ws: WebSocket | null = null;
  let count = 0;
  let lastSeq = 0;
  let onCount: (() => void) | null = null;
  return {
    set socket(w: WebSocket) {
      ws = w;
    },
    get count() {
      return count;
    },
    frame(t: string) {
      if (!isMessage(t)) return;
      count++;
      if (count % every === 0) {
        lastSeq = seqOf(t);
        ws?.send(`{"op":"ack","up_to":${lastSeq}}`);
      }
      onCount?.();
    },
    /** Resolves once `n` messages were read (or after ms). */
    until(n: number, ms = 20_000): Promise<void> {
      if (count >= n) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done() {
          clearTimeout(timer);
          onCount = null;
          resolve();
        }
        onCount = () => count >= n && done();
      });
    },
  };
}

/** Direct 1→1, persisted, acknowledged: returns wall msg/s and server CPU µs per message. */
async function direct(s: Server, run: number, n: number): Promise<{ rate: number; cpu: number; received: number }> {
  const src = `src-${run}`;
  const sink = `sink-${run}`;
  await api(s, "POST", "/api/agents", { name: src, role: "backend" });
  await api(s, "POST", "/api/agents", { name: sink, role: "backend" });
  const reader = acker(256);
  const sub = await open(s, `agent=${sink}`, (t) => reader.frame(t));
  reader.socket = sub;
  const pub = await open(s, `agent=${src}`, () => {});
  const cpu0 = cpuMicros(s.pid);
  const t0 = performance.now();
  for (let sent = 0; sent < n; ) {
    const upto = Math.min(n, reader.count + WINDOW);
    for (; sent < upto; sent++) pub.send(`{"op":"publish","to":"${sink}","payload":${sent}}`);
    await reader.until(Math.min(n, sent - WINDOW / 2));
  }
  await reader.until(n);
  const ms = performance.now() - t0;
  const cpu = (cpuMicros(s.pid) - cpu0) / Math.max(1, reader.count);
  pub.close();
  sub.close();
  return { rate: Math.round((reader.count / ms) * 1000), cpu, received: reader.count };
}

/** What one latency run saw, in ms. */
interface Latency {
  /** From the moment each message left the publisher to its delivery: what the bus adds. */
  sentP50: number;
  sentP99: number;
  /** From the moment each message was due on the publisher's schedule (coordinated-omission-free). */
  dueP50: number;
  dueP99: number;
  count: number;
  /** The publisher's own timer lateness over the run: what this process loses to the machine. */
  lateP99: number;
}

/**
 * Direct latency at a steady 10,000 msg/s: 10 messages due at each millisecond of the schedule, each
 * stamped with the time it was due and the time it left, measured when the subscriber reads it.
 * From "due", a publisher that wakes late shows as latency instead of vanishing from the samples,
 * which puts the client's 1 ms timer (a message waits up to a tick before it is sent) in every
 * sample; from "sent", what is left is the bus and the sockets (the publisher never waits for the
 * server: a stalled server shows in the messages sent meanwhile). `open` connects as a named agent
 * to the bus stream, or to the bare relay that gives the floor of both (test/bench/_ws-relay.ts).
 */
async function latency(open: (agent: string, onFrame: (text: string) => void) => Promise<WebSocket>): Promise<Latency> {
  const fromSent: number[] = [];
  const fromDue: number[] = [];
  const late: number[] = [];
  let measuring = false;
  let sink: WebSocket;
  let n = 0;
  sink = await open("lat-sink", (t) => {
    if (!isMessage(t)) return;
    const read = performance.now();
    const m = /"payload":\[([\d.]+),([\d.]+)\]/.exec(t)!;
    if (measuring) fromDue.push(read - Number(m[1])), fromSent.push(read - Number(m[2]));
    if (++n % 100 === 0) sink.send(`{"op":"ack","up_to":${seqOf(t)}}`);
  });
  const pub = await open("lat-src", () => {});
  // 10 messages every millisecond, on the clock: a late timer sends what is due, each stamped with its slot
  const steady = async (ms: number) => {
    const start = performance.now();
    for (let sent = 0, woke = start; performance.now() - start < ms; ) {
      const now = performance.now();
      if (measuring) late.push(now - woke);
      const due = Math.floor((now - start) * 10);
      for (; sent < due; sent++) pub.send(`{"op":"publish","to":"lat-sink","payload":[${start + Math.floor(sent / 10)},${performance.now()}]}`);
      woke = performance.now() + 1;
      await Bun.sleep(1);
    }
  };
  await steady(500);
  await Bun.sleep(100);
  measuring = true;
  await steady(3_000);
  await Bun.sleep(300);
  measuring = false;
  pub.close();
  sink.close();
  return { sentP50: quantile(fromSent, 0.5), sentP99: quantile(fromSent, 0.99), dueP50: quantile(fromDue, 0.5), dueP99: quantile(fromDue, 0.99), count: fromSent.length, lateP99: quantile(late, 0.99) };
}

/** The bus: two registered agents on the real server's stream. */
async function busLatency(s: Server): Promise<Latency & { turnMs: number; writeMs: number }> {
  await api(s, "POST", "/api/agents", { name: "lat-src", role: "backend" });
  await api(s, "POST", "/api/agents", { name: "lat-sink", role: "backend" });
  const lat = await latency((agent, onFrame) => open(s, `agent=${agent}`, onFrame));
  // the server's longest bus turn and SQLite transaction since it started (this run's, when it runs alone)
  const stats = await api(s, "GET", "/api/bus/stats");
  return { ...lat, turnMs: stats.longest_turn_ms, writeMs: stats.longest_write_ms };
}

/** The same client and schedule against a bare WebSocket relay in its own process. */
async function relayLatency(): Promise<Latency> {
  const proc = Bun.spawn([process.execPath, resolve(import.meta.dir, "_ws-relay.ts")], { stdout: "pipe", stderr: "inherit" });
  try {
    const first = await proc.stdout.getReader().read();
    const port = Number(new TextDecoder().decode(first.value).trim());
    if (!port) throw new Error("the WebSocket relay did not start");
    return await latency(
      (agent, onFrame) =>
        new Promise((resolve, reject) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/?agent=${agent}`);
          ws.onmessage = (e) => onFrame(e.data as string);
          ws.onerror = () => reject(new Error("cannot reach the WebSocket relay"));
          ws.onopen = () => resolve(ws);
        }),
    );
  } finally {
    proc.kill();
  }
}

/** What the flood scenario saw. */
interface Flood {
  deliveriesPerS: number;
  /** Deliveries per second of server CPU: what one core carries, whatever else the machine runs. */
  deliveriesPerCpuS: number;
  /** GET /api/status, slowest, with the bus idle just before the flood: the machine's own noise. */
  idleStatusMaxMs: number;
  /** Of what the slow ones should have had, the most one of them neither got nor was told it missed. */
  slowUnaccounted: number;
  publishedPerS: number;
  maxRssMb: number;
  statusMaxMs: number;
  statusP99Ms: number;
  statsMaxMs: number;
  cliStatusMaxMs: number;
  slowTold: number;
  slowMissed: number;
  fastDropped: number;
  longestTurnMs: number;
  longestWriteMs: number;
}

/** Starts the poller (_bus-poll.ts) in its own process; stop() returns what it measured. */
async function poller(s: Server) {
  const proc = Bun.spawn([process.execPath, resolve(import.meta.dir, "_bus-poll.ts"), s.base, s.token, "50", BIN, s.home], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = proc.stdout.getReader();
  let text = "";
  const line = async () => {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the status poller ended early");
      text += new TextDecoder().decode(value);
    }
    const i = text.indexOf("\n");
    const l = text.slice(0, i);
    text = text.slice(i + 1);
    return l;
  };
  await line(); // ready
  return {
    async stop(): Promise<Record<string, number[]>> {
      proc.stdin.write("stop\n");
      await proc.stdin.flush();
      return JSON.parse(await line());
    },
  };
}

async function flood(s: Server, subscribers = 100, slow = 5, seconds = 10): Promise<Flood> {
  const readers: Array<ReturnType<typeof acker>> = [];
  const sockets: WebSocket[] = [];
  const dropped: number[] = [];
  for (let i = 0; i < subscribers; i++) {
    const name = `flood-${i}`;
    await api(s, "POST", "/api/agents", { name, role: "qa", topics: ["flood"] });
    const r = acker(200);
    dropped.push(0);
    // the slow ones keep a short queue: they are behind by more than it holds within the run
    const ws = await open(s, `agent=${name}${i < slow ? "&queue=1000" : ""}`, (t) => {
      if (t.startsWith('{"kind":"dropped"')) dropped[i]! += (JSON.parse(t) as { count: number }).count;
      else r.frame(t);
    });
    r.socket = ws;
    readers.push(r);
    sockets.push(ws);
  }
  await api(s, "POST", "/api/agents", { name: "flooder", role: "qa" });
  const pub = await open(s, "agent=flooder", () => {});
  // the slow ones stop reading: their socket is not read, the server sees TCP back-pressure
  for (let i = 0; i < slow; i++) (sockets[i] as WebSocket & { pause(): boolean }).pause();

  // the same poller for a few seconds with nothing on the bus: what the machine alone costs
  const idlePoll = await poller(s);
  await Bun.sleep(3_000);
  const idle = await idlePoll.stop();
  const poll = await poller(s);
  let maxRss = rssMb(s);
  const rss = setInterval(() => (maxRss = Math.max(maxRss, rssMb(s))), 100);
  const fast = readers.slice(slow);
  const before = fast.reduce((a, r) => a + r.count, 0);
  const stats0 = await api(s, "GET", "/api/bus/stats");
  const cpu0 = cpuMicros(s.pid);
  const t0 = performance.now();
  const frame = JSON.stringify({ op: "publish", topic: "flood", payload: "x".repeat(200) });
  while (performance.now() - t0 < seconds * 1000) {
    // keep the client's own send buffer short: the server's pause reaches us as a growing buffer
    if (pub.bufferedAmount < 256 * 1024) for (let i = 0; i < 200; i++) pub.send(frame);
    await Bun.sleep(0);
  }
  const ms = performance.now() - t0;
  const delivered = fast.reduce((a, r) => a + r.count, 0) - before;
  const cpuS = (cpuMicros(s.pid) - cpu0) / 1e6;
  const stats1 = await api(s, "GET", "/api/bus/stats");
  const timings = await poll.stop();
  clearInterval(rss);
  // the slow ones read again: they must hear what they missed
  for (let i = 0; i < slow; i++) (sockets[i] as WebSocket & { resume(): boolean }).resume();
  // every message must reach a slow one or be in a dropped frame it got: wait for the first fast
  // reader (it gets everything) to stop growing and the slow ones to account for all of it
  const unaccounted = () => Math.max(...readers.slice(0, slow).map((r, i) => readers[slow]!.count - r.count - dropped[i]!));
  for (let last = -1, i = 0; i < 150; i++) {
    await Bun.sleep(200);
    const now = readers[slow]!.count;
    if (now === last && unaccounted() === 0) break;
    last = now;
  }
  const status = timings["/api/status"]!;
  const result: Flood = {
    deliveriesPerS: Math.round((delivered / ms) * 1000),
    deliveriesPerCpuS: Math.round(delivered / Math.max(cpuS, 1e-3)),
    idleStatusMaxMs: Math.max(...idle["/api/status"]!),
    slowUnaccounted: unaccounted(),
    publishedPerS: Math.round(((stats1.published - stats0.published) / ms) * 1000),
    maxRssMb: Math.round(maxRss),
    statusMaxMs: Math.max(...status),
    statusP99Ms: quantile(status, 0.99),
    statsMaxMs: Math.max(...timings["/api/bus/stats"]!),
    cliStatusMaxMs: Math.max(...timings.cli!),
    slowTold: dropped.slice(0, slow).filter((d) => d > 0).length,
    slowMissed: dropped.slice(0, slow).reduce((a, b) => a + b, 0),
    fastDropped: dropped.slice(slow).reduce((a, b) => a + b, 0),
    longestTurnMs: stats1.longest_turn_ms,
    longestWriteMs: stats1.longest_write_ms,
  };
  for (const ws of [...sockets, pub]) ws.close();
  return result;
}

async function idleAgents(s: Server): Promise<{ rssMb: number }> {
  const before = rssMb(s);
  const idle: WebSocket[] = [];
  for (let i = 0; i < 1000; i++) {
    await api(s, "POST", "/api/agents", { name: `idle-${i}`, role: "qa" });
    idle.push(await open(s, `agent=idle-${i}`, () => {}));
  }
  await Bun.sleep(300);
  const grown = rssMb(s) - before;
  for (const ws of idle) ws.close();
  return { rssMb: Math.round(grown * 10) / 10 };
}

const r1 = (v: number) => Math.round(v * 100) / 100;

export async function run(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const s = await startServer();
  try {
    // first, on the fresh server: later scenarios leave a heap the collector shrinks meanwhile
    if (PARTS.has("idle")) {
      const idle = await idleAgents(s);
      rows.push({ bench: "bus", metric: "server memory for 1,000 idle connected agents (RSS growth)", value: idle.rssMb, unit: "MB" });
    }
    if (PARTS.has("direct")) {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await direct(s, i, 200_000));
      const rate = median(runs.map((r) => r.rate));
      const cpu = median(runs.map((r) => r.cpu));
      const all = runs.every((r) => r.received === 200_000);
      rows.push({ bench: "bus", metric: "direct 1→1 over the WebSocket, persisted, acknowledged (median of 3 × 200k)", value: rate, unit: "msg/s", target: ">= 150,000", ok: all && rate >= 150_000 });
      rows.push({ bench: "bus", metric: "direct 1→1 server CPU per message (publish in, inbox, SQLite, deliver, ack)", value: r1(cpu), unit: "µs" });
      rows.push({ bench: "bus", metric: "direct 1→1 one server core can carry (1e6 / CPU per message)", value: Math.round(1e6 / cpu), unit: "msg/s", target: ">= 150,000", ok: 1e6 / cpu >= 150_000 });
    }
    if (PARTS.has("latency")) {
      const lat = await busLatency(s);
      const relay = await relayLatency();
      rows.push({ bench: "bus", metric: "direct latency p99 at 10k msg/s, persisted, from each message's send", value: r1(lat.sentP99), unit: "ms", target: "< 2", ok: lat.sentP99 < 2 && lat.count >= 29_000 });
      rows.push({ bench: "bus", metric: "direct latency p50 at 10k msg/s, persisted, from each message's send", value: r1(lat.sentP50), unit: "ms" });
      rows.push({ bench: "bus", metric: "the same from send, bare Bun WebSocket relay (no persistence, no routing): p99", value: r1(relay.sentP99), unit: "ms" });
      rows.push({ bench: "bus", metric: "direct latency p99 at 10k msg/s, persisted, from each message's slot on the 1 ms schedule", value: r1(lat.dueP99), unit: "ms" });
      rows.push({ bench: "bus", metric: "the same from the slot, bare Bun WebSocket relay: p99", value: r1(relay.dueP99), unit: "ms" });
      rows.push({ bench: "bus", metric: "direct latency run: the publisher's own timer lateness p99 (the machine, before any message moves)", value: r1(lat.lateP99), unit: "ms" });
      if (PARTS.size === 1 || (PARTS.size === 2 && PARTS.has("idle"))) {
        rows.push({ bench: "bus", metric: "direct latency run: longest bus turn on the server's loop", value: r1(lat.turnMs), unit: "ms" });
        rows.push({ bench: "bus", metric: "direct latency run: longest SQLite transaction of the bus", value: r1(lat.writeMs), unit: "ms" });
      }
    }
    if (PARTS.has("flood")) {
      const f = await flood(s);
      rows.push({ bench: "bus", metric: "topic flood, 100 registered subscribers (5 stop reading): deliveries/s to the 95 readers", value: f.deliveriesPerS, unit: "deliveries/s", target: ">= 200,000", ok: f.deliveriesPerS >= 200_000 });
      rows.push({ bench: "bus", metric: "topic flood: deliveries per second of server CPU (what one core carries)", value: f.deliveriesPerCpuS, unit: "deliveries/s", target: ">= 200,000", ok: f.deliveriesPerCpuS >= 200_000 });
      rows.push({ bench: "bus", metric: "topic flood: messages published/s", value: f.publishedPerS, unit: "msg/s" });
      rows.push({ bench: "bus", metric: "topic flood: server RSS, highest", value: f.maxRssMb, unit: "MB", target: "< 500", ok: f.maxRssMb < 500 });
      rows.push({ bench: "bus", metric: "topic flood: GET /api/status, slowest (every 50 ms)", value: r1(f.statusMaxMs), unit: "ms", target: "< 100", ok: f.statusMaxMs < 100 });
      rows.push({ bench: "bus", metric: "topic flood: GET /api/status p99", value: r1(f.statusP99Ms), unit: "ms" });
      rows.push({ bench: "bus", metric: "same server, bus idle, just before the flood: GET /api/status, slowest (the machine's own noise)", value: r1(f.idleStatusMaxMs), unit: "ms" });
      rows.push({ bench: "bus", metric: "topic flood: GET /api/bus/stats, slowest", value: r1(f.statsMaxMs), unit: "ms", target: "< 100", ok: f.statsMaxMs < 100 });
      rows.push({ bench: "bus", metric: "topic flood: longest bus turn on the server's event loop (pump slice + writes to readers)", value: r1(f.longestTurnMs), unit: "ms" });
      rows.push({ bench: "bus", metric: "topic flood: longest SQLite transaction of the bus", value: r1(f.longestWriteMs), unit: "ms" });
      rows.push({ bench: "bus", metric: "topic flood: CLI `ai-session status --json`, slowest (process start included)", value: r1(f.cliStatusMaxMs), unit: "ms" });
      rows.push({ bench: "bus", metric: "topic flood: slow subscribers that missed messages, told in dropped frames (0 while the flood fits in the kernel's socket buffers)", value: f.slowTold, unit: "of 5" });
      rows.push({ bench: "bus", metric: "topic flood: messages a slow subscriber neither got nor was told it missed (most of one)", value: f.slowUnaccounted, unit: "msg", target: "0", ok: f.slowUnaccounted === 0 });
      rows.push({ bench: "bus", metric: "topic flood: messages the slow subscribers were told they missed", value: f.slowMissed, unit: "msg" });
      rows.push({ bench: "bus", metric: "topic flood: messages dropped for the 95 readers", value: f.fastDropped, unit: "msg" });
    }
  } finally {
    s.proc.kill();
    await s.proc.exited;
  }
  return rows;
}

if (import.meta.main) console.table(await run());
