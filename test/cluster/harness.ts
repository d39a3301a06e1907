import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";
import { aiSessionArgv } from "../mcp/harness.ts";

/**
 * A real nats-server with JetStream on a free loopback port, and ai-session servers joined to it,
 * each with its own data directory. Everything started here is ended by `stopAll`.
 */
const started: Array<{ proc: Subprocess; dir?: string }> = [];

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Reads a process's stream into a string that grows as it prints. */
function collect(stream: ReadableStream<Uint8Array>): { text: string } {
  const out = { text: "" };
  void (async () => {
    const reader = stream.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      out.text += decoder.decode(value);
    }
  })();
  return out;
}

async function until(what: string, ok: () => boolean, proc: Subprocess, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`${what} did not happen`);
    await Bun.sleep(50);
  }
}

export interface Nats {
  url: string;
  port: number;
  /** The running nats-server's process id. */
  pid(): number;
  restart(): Promise<void>;
}

/** nats-server -js on 127.0.0.1 with its own store directory; `restart` brings it back on the same port and store. */
export async function startNats(): Promise<Nats> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "ais-nats-"));
  let proc: Subprocess;
  const launch = async () => {
    proc = Bun.spawn(["nats-server", "-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(port)], { stdout: "pipe", stderr: "pipe" });
    const err = collect(proc.stderr as ReadableStream<Uint8Array>);
    started.push({ proc });
    await until("nats-server start", () => err.text.includes("Server is ready"), proc);
  };
  await launch();
  started.push({ proc: Bun.spawn(["true"]), dir }); // the store goes when everything has stopped
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    pid: () => proc.pid,
    async restart() {
      proc.kill("SIGTERM");
      await proc.exited;
      await launch();
    },
  };
}

export interface NatsCluster {
  /** Every server's client URL, comma-separated (what --cluster takes). */
  url: string;
  /** SIGKILLs server i (its store stays). */
  kill(i: number): Promise<void>;
}

/**
 * `size` nats-servers with JetStream routed into one NATS cluster on loopback ports, each with its
 * own store; ready once JetStream has elected its metadata leader.
 */
export async function startNatsCluster(size: number): Promise<NatsCluster> {
  const ports = await Promise.all(Array.from({ length: size * 2 }, freePort));
  const client = ports.slice(0, size);
  const route = ports.slice(size);
  const procs: Subprocess[] = [];
  const logs: Array<{ text: string }> = [];
  for (let i = 0; i < size; i++) {
    const dir = mkdtempSync(join(tmpdir(), `ais-nats${i}-`));
    const routes = route.filter((_, j) => j !== i).map((p) => `nats://127.0.0.1:${p}`).join(",");
    const proc = Bun.spawn(["nats-server", "-js", "-sd", dir, "-a", "127.0.0.1", "-p", String(client[i]), "-n", `n${i}`, "--cluster_name", "ais-test", "--cluster", `nats://127.0.0.1:${route[i]}`, "--routes", routes], { stdout: "pipe", stderr: "pipe" });
    procs.push(proc);
    logs.push(collect(proc.stderr as ReadableStream<Uint8Array>));
    started.push({ proc, dir });
  }
  for (const [i, proc] of procs.entries()) await until(`nats-server n${i} start`, () => logs[i]!.text.includes("Server is ready"), proc);
  // ready once every server answers JetStream requests (the cluster elected its leaders)
  const { connect } = await import("@nats-io/transport-node");
  const { jetstreamManager } = await import("@nats-io/jetstream");
  for (const port of client) {
    const nc = await connect({ servers: `127.0.0.1:${port}` });
    await eventually(`JetStream on port ${port}`, async () => !!(await (await jetstreamManager(nc)).getAccountInfo()), 30_000);
    await nc.close();
  }
  return {
    url: client.map((p) => `nats://127.0.0.1:${p}`).join(","),
    async kill(i) {
      procs[i]!.kill("SIGKILL");
      await procs[i]!.exited;
    },
  };
}

export interface Node {
  name: string;
  home: string;
  port: number;
  pid: number;
  env: Record<string, string>;
  /** The server's stderr so far. */
  log(): string;
  /** SIGTERM (a clean stop) or SIGKILL; the data directory stays for a restart. */
  stop(signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
}

/**
 * `ai-session serve --port 0 --cluster URL --node NAME` in its own data directory (kept across
 * restarts); with no URL (null) the server runs alone, outside any cluster.
 */
export async function startNode(name: string, natsUrl: string | null, opts: { home?: string; args?: string[]; env?: Record<string, string> } = {}): Promise<Node> {
  const home = opts.home ?? mkdtempSync(join(tmpdir(), `ais-node-${name}-`));
  const env = { ...process.env, AI_SESSION_HOME: home, NO_COLOR: "1", ...opts.env } as Record<string, string>;
  delete env.AI_SESSION_AGENT;
  delete env.AI_SESSION_CLUSTER;
  delete env.AI_SESSION_NODE;
  const proc = Bun.spawn(aiSessionArgv("serve", "--port", "0", "--json", ...(natsUrl === null ? [] : ["--cluster", natsUrl, "--node", name]), ...(opts.args ?? [])), { env, stdout: "pipe", stderr: "pipe" });
  const out = collect(proc.stdout as ReadableStream<Uint8Array>);
  const err = collect(proc.stderr as ReadableStream<Uint8Array>);
  started.push({ proc, dir: opts.home ? undefined : home });
  await until(`node ${name} start (${err.text})`, () => out.text.includes("\n"), proc).catch((e) => {
    throw new Error(`${(e as Error).message}: ${err.text}`);
  });
  const port = (JSON.parse(out.text.split("\n")[0]!) as { port: number }).port;
  return {
    name, home, port, env, pid: proc.pid,
    log: () => err.text,
    async stop(signal = "SIGTERM") {
      proc.kill(signal);
      await proc.exited;
    },
  };
}

/** A nats-server and ai-session servers of these names joined to it. */
export async function startCluster(...names: string[]): Promise<{ nats: Nats; nodes: Node[] }> {
  const nats = await startNats();
  return { nats, nodes: await Promise.all(names.map((n) => startNode(n, nats.url))) };
}

/** Runs the real CLI against a node (through its data directory). */
export async function cli(node: Pick<Node, "env">, ...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  const proc = Bun.spawn(aiSessionArgv(...args), { env: node.env, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, code };
}

export async function json<T = any>(node: Pick<Node, "env">, ...args: string[]): Promise<T> {
  const r = await cli(node, ...args, "--json");
  if (r.code !== 0) throw new Error(`ai-session ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}

/** Polls until `check` returns something truthy (what a user re-running a command would see). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await Bun.sleep(200);
  }
}

export async function stopAll(): Promise<void> {
  for (const { proc } of started.reverse()) {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      const killer = setTimeout(() => proc.kill("SIGKILL"), 5000);
      await proc.exited;
      clearTimeout(killer);
    }
  }
  for (const { dir } of started) if (dir) rmSync(dir, { recursive: true, force: true });
  started.length = 0;
}
