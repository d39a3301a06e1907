/**
 * The cluster's message traffic (GET /api/cluster/bus/messages, what the dashboard's Agents view
 * polls) on a real nats-server and two ai-session servers: a page after a seq is the messages
 * that come next, so a poller that falls behind by more than a page reads them all.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { pathsFor } from "../../server/paths.ts";
import { cli, eventually, startCluster, startNode, stopAll, type Nats, type Node } from "./harness.ts";

const LONG = 60_000;
let alpha: Node;
let beta: Node;
let nats: Nats;

type Row = { node: string; seq: number; payload: unknown; sender: string; topic?: string };

async function traffic(node: Node, query: string, token = readFileSync(pathsFor(node.home).token, "utf8").trim()): Promise<Row[]> {
  const res = await fetch(`http://127.0.0.1:${node.port}/api/cluster/bus/messages${query}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Row[];
}

beforeAll(async () => {
  const { nodes, nats: started } = await startCluster("alpha", "beta");
  nats = started;
  [alpha, beta] = [nodes[0]!, nodes[1]!];
  for (const [node, name] of [[alpha, "fe"], [beta, "be"]] as const) {
    const r = await cli(node, "agent", "register", name, "--role", "backend", "--topics", "deploys");
    expect([r.code, r.stderr]).toEqual([0, ""]);
  }
}, LONG);
afterAll(stopAll, LONG);

describe("the cluster's traffic, page by page", () => {
  test("a page after a seq holds the next messages, not the newest", async () => {
    for (let i = 0; i < 8; i++) {
      const r = await cli(alpha, "bus", "send", "--broadcast", JSON.stringify({ page: i }), "--agent", "fe");
      expect([r.code, r.stderr]).toEqual([0, ""]);
    }
    const mine = (rows: Row[]) => rows.filter((m) => m.node === "alpha" && m.sender === "fe").map((m) => m.payload);
    const all = (await traffic(beta, "")).filter((m) => m.node === "alpha" && m.sender === "fe");
    expect(all.map((m) => m.payload)).toEqual(Array.from({ length: 8 }, (_, i) => ({ page: i })));
    const first = all[0]!.seq;
    expect(mine(await traffic(beta, `?after=alpha:${first}&limit=3`))).toEqual([{ page: 1 }, { page: 2 }, { page: 3 }]);
    expect(mine(await traffic(beta, `?after=alpha:${all[3]!.seq}&limit=3`))).toEqual([{ page: 4 }, { page: 5 }, { page: 6 }]);
    // the same on one node's own history
    const token = readFileSync(pathsFor(alpha.home).token, "utf8").trim();
    const res = await fetch(`http://127.0.0.1:${alpha.port}/api/bus/messages?after=${first}&limit=2`, { headers: { authorization: `Bearer ${token}` } });
    expect(((await res.json()) as Row[]).map((m) => m.payload)).toEqual([{ page: 1 }, { page: 2 }]);
  }, LONG);

  test("an agent's view on alpha shows the messages on its topics sent on beta", async () => {
    const r = await cli(beta, "bus", "send", "--topic", "deploys", JSON.stringify({ shipped: 1 }), "--agent", "be");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    const { token } = await (await import("./harness.ts")).json<{ token: string }>(alpha, "token", "create", "--name", "fe-view", "--scopes", "read", "--agent", "fe");
    const seen = (await traffic(alpha, "", token)).filter((m) => m.topic === "deploys");
    // once, from the node that keeps it (its sender's), though beta does not know fe's topics
    expect(seen.map((m) => [m.node, m.sender, m.payload])).toEqual([["beta", "be", { shipped: 1 }]]);
  }, LONG);

  test("after beta restarts, alpha's broadcasts it holds copies of are still shown once", async () => {
    await beta.stop();
    beta = await startNode("beta", nats.url, { home: beta.home });
    const rows = await eventually("beta answering alpha's traffic read again", async () => {
      const r = await traffic(alpha, "");
      return r.some((m) => m.node === "beta" && m.topic === "deploys") && r;
    });
    const broadcasts = rows.filter((m) => m.sender === "fe");
    expect(broadcasts.map((m) => [m.node, m.payload])).toEqual(Array.from({ length: 8 }, (_, i) => ["alpha", { page: i }]));
  }, LONG);

  test("a page of a node's copies of other nodes' messages does not hold a poller's place: the next own message comes", async () => {
    const send = async (node: Node, agent: string, payload: unknown) => {
      const r = await cli(node, "bus", "send", "--broadcast", JSON.stringify(payload), "--agent", agent);
      expect([r.code, r.stderr]).toEqual([0, ""]);
    };
    await send(beta, "be", { before: 1 });
    const start = await eventually("beta's broadcast in the traffic", async () => (await traffic(alpha, "")).find((m) => m.node === "beta" && m.sender === "be" && JSON.stringify(m.payload) === '{"before":1}'));
    // four of alpha's broadcasts: beta keeps a copy of each, right after its own
    for (let i = 0; i < 4; i++) await send(alpha, "fe", { copied: i });
    await eventually("beta holding its copies", async () => {
      const token = readFileSync(pathsFor(beta.home).token, "utf8").trim();
      const res = await fetch(`http://127.0.0.1:${beta.port}/api/bus/messages?after=${start.seq}&limit=10`, { headers: { authorization: `Bearer ${token}` } });
      return ((await res.json()) as Row[]).length >= 4;
    });
    await send(beta, "be", { after: 1 });
    const next = await eventually("beta's next own message paged", async () => {
      const rows = (await traffic(alpha, `?after=beta:${start.seq}&limit=3`)).filter((m) => m.node === "beta");
      return rows.length > 0 && rows;
    });
    expect(next.map((m) => m.payload)).toEqual([{ after: 1 }]);
  }, LONG);
});
