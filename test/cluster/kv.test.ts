/**
 * The cluster's task queue and shared knowledge (KV buckets) on a real nats-server and three
 * ai-session servers: a task added on one node is held by exactly one of 20 agents racing on
 * three nodes (pushed by its node, claimed by all); a lapsed lease sends it to another agent, and
 * the old holder can no longer finish it. Knowledge set on one node is read on the others, and a compare-and-set that lost to another
 * node is refused as on one machine.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cli, eventually, json, startNats, startNode, stopAll, type Nats, type Node } from "./harness.ts";

const LONG = 90_000;
let nats: Nats;
let nodes: Node[];
const agentsOn = (i: number) => Array.from({ length: 20 }, (_, k) => `dev${k}`).filter((_, k) => k % 3 === i);

const home = (agent: string) => nodes[[0, 1, 2].find((i) => agentsOn(i).includes(agent))!]!;

type Task = { id: string; status: string; assignee: string | null; node: string | null; attempts: number; title: string };

beforeAll(async () => {
  nats = await startNats();
  nodes = await Promise.all(["alpha", "beta", "gamma"].map((n) => startNode(n, nats.url)));
  await Promise.all(nodes.map(async (node, i) => {
    for (const name of agentsOn(i)) {
      const r = await cli(node, "agent", "register", name, "--role", "backend");
      expect([r.code, r.stderr]).toEqual([0, ""]);
    }
  }));
}, LONG);
afterAll(stopAll, LONG);

describe("the cluster's task queue", () => {
  test("a task added on beta is held by exactly one of 20 agents on three nodes, pushed and claimed at once", async () => {
    const added = await json<Task>(nodes[1]!, "task", "add", "fix login", "--role", "backend", "--cluster");
    // pushed at once to one live agent (beta's own, unless another node's dispatch, which reads the
    // queue's copy every second, got there between beta's write and its push), while all 20 race to
    // claim it on three nodes; the holder's node is the agent's own
    expect(added).toMatchObject({ status: "assigned", attempts: 1 });
    expect(added.node).toBe(nodes[[0, 1, 2].find((i) => agentsOn(i).includes(added.assignee!))!]!.name);
    const claims = await Promise.all(nodes.flatMap((node, i) => agentsOn(i).map((agent) => json<Task | null>(node, "task", "claim", "--cluster", "--agent", agent))));
    const won = claims.filter((t) => t !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ id: added.id, assignee: added.assignee, status: "running", attempts: 1 });
    const [listed] = await json<Task[]>(nodes[2]!, "task", "list"); // no flag: a node in a cluster lists the cluster's queue
    expect(listed).toMatchObject({ id: added.id, assignee: won[0]!.assignee, status: "running" });
    const holder = won[0]!.assignee!;
    const home = nodes[agentsOn(0).includes(holder) ? 0 : agentsOn(1).includes(holder) ? 1 : 2]!;
    expect(won[0]!.node).toBe(home.name);
    const done = await json<Task>(home, "task", "done", added.id, "--result", "fixed", "--cluster", "--agent", holder);
    expect(done.status).toBe("done");
    expect(await json(nodes[0]!, "task", "claim", "--cluster", "--agent", "dev0")).toBeNull();
  }, LONG);

  test("a lapsed lease puts the task back: it goes to another agent, the old holder cannot finish it", async () => {
    const t = await json<Task>(nodes[0]!, "task", "add", "flaky job", "--lease", "2", "--cluster");
    const first = t.assignee!;
    expect(await json<Task>(home(first), "task", "claim", "--cluster", "--agent", first)).toMatchObject({ id: t.id, status: "running" });
    const again = await eventually("the lapsed task handed to another agent", async () => {
      const x = (await json<Task[]>(nodes[1]!, "task", "list", "--cluster")).find((y) => y.id === t.id);
      return x && x.assignee !== first && x;
    });
    expect(again).toMatchObject({ status: "assigned", attempts: 2 });
    const late = await cli(home(first), "task", "done", t.id, "--cluster", "--agent", first);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain(`held by agent "${again.assignee}"`);
  }, LONG);

  test("a node SIGKILLed while its agent holds a task: the task goes to another node's agent within seconds, not at the end of its 60 s lease", async () => {
    const delta = await startNode("delta", nats.url);
    for (const [node, agent] of [[delta, "ops-delta"], [nodes[1]!, "ops-beta"]] as const) {
      const r = await cli(node, "agent", "register", agent, "--role", "devops");
      expect([r.code, r.stderr]).toEqual([0, ""]);
    }
    // delta pushes it to its own devops agent, which claims it; the lease is the default 60 s
    const t = await json<Task>(delta, "task", "add", "rotate logs", "--role", "devops", "--cluster");
    expect(t).toMatchObject({ assignee: "ops-delta", node: "delta" });
    expect(await json<Task>(delta, "task", "claim", "--cluster", "--agent", "ops-delta")).toMatchObject({ id: t.id, status: "running" });
    const killed = Date.now();
    await delta.stop("SIGKILL");
    const again = await eventually("the dead node's task handed to beta's agent", async () => {
      const x = (await json<Task[]>(nodes[1]!, "task", "list", "--cluster")).find((y) => y.id === t.id);
      return x && x.assignee === "ops-beta" && x;
    }, 20_000);
    expect(again).toMatchObject({ status: "assigned", node: "beta", attempts: 2 });
    expect(Date.now() - killed).toBeLessThan(30_000); // half the lease: it did not wait the lease out
  }, LONG);
});

type Entry = { key: string; version: number; value: unknown; updated_by: string | null };

describe("the cluster's knowledge (no flag: every node of the cluster shares it)", () => {
  test("set on alpha, read on beta and gamma; a stale --expect from another node is the local conflict", async () => {
    expect(await json<Entry>(nodes[0]!, "knowledge", "set", "api.port", "8080")).toMatchObject({ key: "api.port", version: 1, value: 8080 });
    expect((await cli(nodes[1]!, "knowledge", "get", "api.port")).stdout.trim()).toBe("8080");
    expect((await json<Entry[]>(nodes[2]!, "knowledge", "list")).map((e) => [e.key, e.version])).toEqual([["api.port", 1]]);
    // alpha and beta both read version 1; alpha writes first, beta's write is then refused
    expect(await json<Entry>(nodes[0]!, "knowledge", "set", "api.port", "8081", "--expect", "1")).toMatchObject({ version: 2 });
    const stale = await cli(nodes[1]!, "knowledge", "set", "api.port", "8082", "--expect", "1");
    expect([stale.code, stale.stderr.trim()]).toEqual([1, 'ai-session: "api.port" is at version 2, not 1 (read it again and retry)']);
    expect((await json<Entry[]>(nodes[2]!, "knowledge", "history", "api.port")).map((e) => e.value)).toEqual([8080, 8081]);
    expect((await cli(nodes[1]!, "knowledge", "delete", "api.port", "--expect", "2")).code).toBe(0);
    const gone = await cli(nodes[2]!, "knowledge", "get", "api.port");
    expect([gone.code, gone.stderr]).toEqual([1, expect.stringContaining('no knowledge under the key "api.port"')]);
  }, LONG);

  test("of 12 writers on three nodes racing to create one key (--expect 0), exactly one wins", async () => {
    const tries = await Promise.all(Array.from({ length: 12 }, (_, i) => cli(nodes[i % 3]!, "knowledge", "set", "leader", `writer-${i}`, "--expect", "0", "--json")));
    const won = tries.filter((t) => t.code === 0);
    expect(won).toHaveLength(1);
    for (const t of tries.filter((x) => x.code !== 0)) expect([t.code, t.stderr.trim()]).toEqual([1, 'ai-session: "leader" is at version 1, not 0 (read it again and retry)']);
    const winner = JSON.parse(won[0]!.stdout) as Entry;
    for (const node of nodes) expect(await json<Entry>(node, "knowledge", "get", "leader")).toMatchObject({ version: 1, value: winner.value });
  }, LONG);
});
