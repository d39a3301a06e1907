/**
 * On servers in a cluster, plain `task` commands (no --cluster) are the cluster's one queue, with
 * what the local queue does: a capability only an agent of another node has sends the task there
 * (pushed into that agent's inbox as a task_assignment), a dependency holds a task back until the
 * task it depends on is done on whichever node, progress is seen everywhere, and the holder's
 * own node is named. A real nats-server and two ai-session servers.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cli, eventually, json, startCluster, startNode, stopAll, type Nats, type Node } from "./harness.ts";

const LONG = 90_000;
let nodes: Node[];
let nats: Nats;

type Task = { id: string; status: string; assignee: string | null; node: string | null; depends_on: string[]; capability: string | null; progress: number | null };

beforeAll(async () => {
  ({ nats, nodes } = await startCluster("alpha", "beta"));
  for (const [node, args] of [[nodes[0]!, ["web1", "--role", "backend"]], [nodes[1]!, ["gpu1", "--role", "backend", "--capabilities", "gpu"]]] as const) {
    const r = await cli(node, "agent", "register", ...args);
    expect([r.code, r.stderr]).toEqual([0, ""]);
  }
}, LONG);
afterAll(stopAll, LONG);

describe("task commands on a node in a cluster use the cluster's queue", () => {
  test("a gpu task added on alpha goes to beta's gpu agent; its dependent waits for it and then goes out", async () => {
    const build = await json<Task>(nodes[0]!, "task", "add", "build image", "--capability", "gpu");
    expect(build).toMatchObject({ capability: "gpu", depends_on: [] });
    const deploy = await json<Task>(nodes[1]!, "task", "add", "deploy", "--depends", build.id); // a task of another node
    expect(deploy.status).toBe("queued"); // web1 could do it, but build is not done

    // pushed to gpu1 (the only agent with the capability), and seen the same on both nodes
    const pushed = await eventually("build pushed to gpu1", async () => {
      const t = (await json<Task[]>(nodes[0]!, "task", "list")).find((x) => x.id === build.id);
      return t?.assignee === "gpu1" && t;
    });
    expect(pushed).toMatchObject({ status: "assigned", node: "beta" });
    const { messages: inbox } = await json<{ messages: Array<{ type: string; payload: { id: string } }> }>(nodes[1]!, "bus", "inbox", "gpu1");
    expect(inbox.filter((m) => m.type === "task_assignment").map((m) => m.payload.id)).toContain(build.id);
    expect(await json(nodes[0]!, "task", "claim", "--agent", "web1")).toBeNull(); // deploy not ready, build not for web1

    expect(await json<Task>(nodes[1]!, "task", "claim", "--agent", "gpu1")).toMatchObject({ id: build.id, status: "running" });
    expect((await cli(nodes[1]!, "task", "progress", build.id, "--percent", "50", "--agent", "gpu1")).code).toBe(0);
    expect((await json<Task[]>(nodes[0]!, "task", "list", "--status", "running")).map((t) => [t.id, t.progress])).toEqual([[build.id, 50]]);
    const late = await cli(nodes[0]!, "task", "done", build.id, "--agent", "web1");
    expect([late.code, late.stderr]).toEqual([1, expect.stringContaining(`task ${build.id} is held by agent "gpu1", not by "web1"`)]);

    expect(await json<Task>(nodes[1]!, "task", "done", build.id, "--result", "pushed", "--agent", "gpu1")).toMatchObject({ status: "done" });
    const next = await eventually("deploy handed out", async () => {
      const t = (await json<Task[]>(nodes[1]!, "task", "list")).find((x) => x.id === deploy.id);
      return t?.status === "assigned" && t;
    });
    expect(["web1", "gpu1"]).toContain(next.assignee!);
    expect(next.node).toBe(next.assignee === "web1" ? "alpha" : "beta");
    const orphan = await cli(nodes[1]!, "task", "add", "orphan", "--depends", "ct-nope");
    expect([orphan.code, orphan.stderr.trim()]).toEqual([1, 'ai-session: no task with id "ct-nope" (ai-session task list shows them)']);
  }, LONG);
});

describe("finished tasks leave the bucket after AI_SESSION_CLUSTER_TASK_KEEP", () => {
  test("a finished task is gone a second after it finished; one that an unfinished task depends on stays until that one finishes", async () => {
    const gamma = await startNode("gamma", nats.url, { env: { AI_SESSION_CLUSTER_TASK_KEEP: "1" } });
    expect((await cli(gamma, "agent", "register", "ops1", "--role", "backend", "--capabilities", "ops")).code).toBe(0);
    const ids = async () => (await json<Task[]>(nodes[0]!, "task", "list")).map((t) => t.id);
    const add = (title: string, depends?: string) => json<Task>(nodes[0]!, "task", "add", title, "--capability", "ops", ...(depends ? ["--depends", depends] : []));
    const short = await add("short");
    expect(await json<Task>(gamma, "task", "claim", "--agent", "ops1")).toMatchObject({ id: short.id });
    expect((await cli(gamma, "task", "done", short.id, "--agent", "ops1")).code).toBe(0);
    const base = await add("base");
    expect(await json<Task>(gamma, "task", "claim", "--agent", "ops1")).toMatchObject({ id: base.id });
    const after = await add("after", base.id);
    expect((await cli(gamma, "task", "done", base.id, "--agent", "ops1")).code).toBe(0);
    await eventually("short gone", async () => !(await ids()).includes(short.id));
    await Bun.sleep(2500); // past the second base is kept for: after, not finished, depends on it
    expect(await ids()).toEqual(expect.arrayContaining([base.id, after.id]));
    expect(await json<Task>(gamma, "task", "claim", "--agent", "ops1")).toMatchObject({ id: after.id });
    expect((await cli(gamma, "task", "done", after.id, "--agent", "ops1")).code).toBe(0);
    await eventually("base and after gone", async () => {
      const now = await ids();
      return !now.includes(base.id) && !now.includes(after.id);
    });
    const gone = await cli(nodes[1]!, "task", "done", base.id, "--agent", "ops1");
    expect([gone.code, gone.stderr.trim()]).toEqual([1, `ai-session: no task with id "${base.id}" (ai-session task list shows them)`]);
    await gamma.stop();
  }, LONG);
});
