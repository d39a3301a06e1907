/**
 * The cluster's one task queue on a real nats-server and three ai-session servers: a task added on
 * one node is claimed by exactly one of 20 agents racing on three nodes; a lapsed lease lets
 * another agent take it, and the old holder can no longer finish it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cli, json, startNats, startNode, stopAll, type Nats, type Node } from "./harness.ts";

const LONG = 90_000;
let nats: Nats;
let nodes: Node[];
const agentsOn = (i: number) => Array.from({ length: 20 }, (_, k) => `dev${k}`).filter((_, k) => k % 3 === i);

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
  test("a task added on beta is claimed by exactly one of 20 agents racing on three nodes", async () => {
    const added = await json<Task>(nodes[1]!, "task", "add", "fix login", "--role", "backend", "--cluster");
    expect(added.status).toBe("queued");
    const claims = await Promise.all(nodes.flatMap((node, i) => agentsOn(i).map((agent) => json<Task | null>(node, "task", "claim", "--cluster", "--agent", agent))));
    const won = claims.filter((t) => t !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ id: added.id, status: "assigned", attempts: 1 });
    const [listed] = await json<Task[]>(nodes[2]!, "task", "list", "--cluster");
    expect(listed).toMatchObject({ id: added.id, assignee: won[0]!.assignee, status: "assigned" });
    const holder = won[0]!.assignee!;
    const home = nodes[agentsOn(0).includes(holder) ? 0 : agentsOn(1).includes(holder) ? 1 : 2]!;
    expect(won[0]!.node).toBe(home.name);
    const done = await json<Task>(home, "task", "done", added.id, "--result", "fixed", "--cluster", "--agent", holder);
    expect(done.status).toBe("done");
    expect(await json(nodes[0]!, "task", "claim", "--cluster", "--agent", "dev0")).toBeNull();
  }, LONG);

  test("a lapsed lease puts the task back: another node's agent takes it, the old holder cannot finish it", async () => {
    const t = await json<Task>(nodes[0]!, "task", "add", "flaky job", "--lease", "1", "--cluster");
    expect((await json<Task>(nodes[0]!, "task", "claim", "--cluster", "--agent", "dev0")).id).toBe(t.id);
    expect(await json(nodes[1]!, "task", "claim", "--cluster", "--agent", "dev1")).toBeNull(); // held
    await Bun.sleep(1500);
    const again = await json<Task>(nodes[1]!, "task", "claim", "--cluster", "--agent", "dev1");
    expect(again).toMatchObject({ id: t.id, assignee: "dev1", node: "beta", attempts: 2 });
    const late = await cli(nodes[0]!, "task", "done", t.id, "--cluster", "--agent", "dev0");
    expect(late.code).toBe(126);
    expect(late.stderr).toContain('held by agent "dev1"');
  }, LONG);
});
