/**
 * Three ai-session servers joined to one real nats-server: what `status`, `nodes` and
 * GET /api/nodes show, and a node shown down soon after it stops heartbeating.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cli, eventually, json, startNats, startNode, stopAll, type Nats, type Node } from "./harness.ts";

const LONG = 60_000;
let nats: Nats;
let a: Node;
let b: Node;
let c: Node;

beforeAll(async () => {
  nats = await startNats();
  [a, b, c] = await Promise.all([startNode("alpha", nats.url), startNode("beta", nats.url), startNode("gamma", nats.url)]);
}, LONG);
afterAll(stopAll, LONG);

type NodeRow = { name: string; state: string; sessions: number; agents: number; version: string; last_heartbeat: string; self: boolean };

describe("cluster membership", () => {
  test("status --json names the cluster and node, connected, without credentials in the URL", async () => {
    const s = await json(a, "status");
    expect(s.cluster).toEqual({ name: "ai-session", node: "alpha", url: nats.url, connected: true, tasks_not_moved: [] });
  }, LONG);

  test("nodes --json lists every node up, with its sessions and agents counted", async () => {
    expect((await cli(b, "create", "--name", "work")).code).toBe(0);
    expect((await cli(c, "agent", "register", "qa-bot", "--role", "qa")).code).toBe(0);
    const rows = await eventually("beta's session and gamma's agent in the heartbeats", async () => {
      const nodes = await json<NodeRow[]>(a, "nodes");
      const byName = Object.fromEntries(nodes.map((n) => [n.name, n]));
      return byName.beta?.sessions === 1 && byName.gamma?.agents === 1 ? nodes : undefined;
    });
    expect(rows.map((n) => [n.name, n.state, n.self])).toEqual([["alpha", "up", true], ["beta", "up", false], ["gamma", "up", false]]);
    expect(rows[0]!.version).toMatch(/\d+\.\d+\.\d+/);
    expect(Number.isNaN(Date.parse(rows[0]!.last_heartbeat))).toBe(false);
    const text = await cli(a, "nodes");
    expect(text.stdout).toContain("alpha (this node)\tup");
  }, LONG);

  test("GET /api/nodes answers the same list to a read token", async () => {
    const token = (await json(a, "token", "create", "--name", "viewer", "--scopes", "read")).token as string;
    const res = await fetch(`http://127.0.0.1:${a.port}/api/nodes`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(((await res.json()) as NodeRow[]).map((n) => n.name)).toEqual(["alpha", "beta", "gamma"]);
  }, LONG);

  /** What alpha's `nodes --json` shows once `name` is down. */
  const onceDown = (name: string, ms: number) =>
    eventually(`${name} down`, async () => {
      const rows = await json<NodeRow[]>(a, "nodes");
      return rows.find((n) => n.name === name)?.state === "down" ? rows.map((n) => `${n.name}:${n.state}`) : undefined;
    }, ms);

  test("a node killed with SIGKILL is shown down within a few seconds; the others stay up", async () => {
    await c.stop("SIGKILL");
    expect(await onceDown("gamma", 10_000)).toEqual(["alpha:up", "beta:up", "gamma:down"]);
  }, LONG);

  test("a node stopped cleanly is shown down at once by its last entry", async () => {
    await b.stop("SIGTERM");
    expect(await onceDown("beta", 5_000)).toEqual(["alpha:up", "beta:down", "gamma:down"]);
  }, LONG);
});
