import { describe, expect, test } from "bun:test";
import { AgentRegistry } from "../../server/bus/agents.ts";
import { Bus } from "../../server/bus/bus.ts";
import { KnowledgeStore, parseScope } from "../../server/bus/knowledge.ts";
import { RoleBook } from "../../server/roles/roles.ts";
import { BusStore } from "../../server/bus/store.ts";
import { TaskQueue } from "../../server/bus/tasks.ts";
import { freshHome } from "./fresh.ts";

function setup() {
  const f = freshHome();
  const agents = new AgentRegistry(f.db, new RoleBook(f.home));
  const bus = new Bus(agents, new BusStore(f.db.$client));
  const tasks = new TaskQueue(f.db, agents, bus, { defaultLeaseMs: 60_000, aliveMs: 60_000, sweepMs: 0 });
  const knowledge = new KnowledgeStore(f.db, agents, bus);
  return { agents, bus, tasks, knowledge };
}

describe("task queue", () => {
  test("a task goes to the least-loaded eligible agent, as a task_assignment in its inbox", () => {
    const { agents, bus, tasks } = setup();
    agents.register({ name: "be1", role: "backend" });
    agents.register({ name: "be2", role: "backend" });
    agents.register({ name: "fe", role: "frontend" });
    const t1 = tasks.add({ title: "add endpoint", role: "backend" });
    const t2 = tasks.add({ title: "fix query", role: "backend" });
    expect(new Set([t1.assignee, t2.assignee])).toEqual(new Set(["be1", "be2"]));
    const t3 = tasks.add({ title: "style page", role: "frontend" });
    expect(t3.assignee).toBe("fe");
    tasks.finish(t1.id, t1.assignee!, { result: "done" });
    const t4 = tasks.add({ title: "index table", role: "backend" });
    expect(t4.assignee).toBe(t1.assignee); // the one with nothing left in hand
    const inbox = bus.readInbox("fe").messages;
    expect(inbox[0]).toMatchObject({ type: "task_assignment", to: "fe" });
    expect((inbox[0]!.payload as { id: string }).id).toBe(t3.id);
  });

  test("capabilities, priority and dependencies decide what is claimed", () => {
    const { agents, tasks } = setup();
    const low = tasks.add({ title: "low", priority: 1 });
    const high = tasks.add({ title: "high", priority: 9, depends_on: [low.id] });
    const gpu = tasks.add({ title: "train", priority: 5, capability: "gpu" });
    agents.register({ name: "worker", role: "backend", capabilities: [] });
    // registering dispatches: the worker gets "low" (high waits for it, train needs a gpu)
    expect(tasks.get(low.id).assignee).toBe("worker");
    expect(tasks.get(gpu.id).status).toBe("queued");
    expect(tasks.claim("worker")!.id).toBe(low.id);
    expect(tasks.claim("worker")).toBeNull();
    tasks.finish(low.id, "worker", { result: "ok" });
    expect(tasks.get(high.id).assignee).toBe("worker");
  });

  test("a lapsed lease puts the task back and another agent gets it", () => {
    const { agents, tasks } = setup();
    agents.register({ name: "a", role: "qa" });
    const t = tasks.add({ title: "run e2e", role: "qa", lease_ms: 50 });
    expect(t.assignee).toBe("a");
    agents.register({ name: "b", role: "qa" });
    tasks.sweep(Date.now() + 100);
    const after = tasks.get(t.id);
    expect(after.assignee).toBe("b");
    expect(after.attempts).toBe(1);
  });

  test("only the holder may finish a task", () => {
    const { agents, tasks } = setup();
    agents.register({ name: "a", role: "qa" });
    agents.register({ name: "b", role: "backend" });
    const t = tasks.add({ title: "x", role: "qa" });
    expect(() => tasks.finish(t.id, "b", {})).toThrow(/held by agent "a"/);
    expect(tasks.finish(t.id, "a", { result: "fine" }).status).toBe("done");
    expect(() => tasks.get("task-999")).toThrow(/no task/);
  });
});

describe("shared knowledge", () => {
  test("compare-and-set refuses a stale version", () => {
    const { knowledge } = setup();
    const v1 = knowledge.set("api/base-url", "http://localhost:3000", { expectedVersion: 0 });
    expect(v1.version).toBe(1);
    expect(() => knowledge.set("api/base-url", "x", { expectedVersion: 0 })).toThrow(/at version 1, not 0/);
    const v2 = knowledge.set("api/base-url", "http://localhost:4000", { expectedVersion: 1 });
    expect(knowledge.get("api/base-url").value).toBe("http://localhost:4000");
    expect(knowledge.history("api/base-url").map((e) => e.version)).toEqual([1, v2.version]);
  });

  test("scopes hide entries, and changes are announced only to those who see them", () => {
    const { agents, bus, knowledge } = setup();
    agents.register({ name: "be", role: "backend" });
    agents.register({ name: "fe", role: "frontend" });
    agents.register({ name: "qa", role: "qa" });
    knowledge.set("db/password-hint", "in vault", { agent: "be", scope: parseScope("role:backend,qa") });
    expect(() => knowledge.get("db/password-hint", "fe")).toThrow(/no knowledge/);
    expect(knowledge.get("db/password-hint", "qa").value).toBe("in vault");
    expect(knowledge.list("fe")).toHaveLength(0);
    expect(bus.readInbox("qa").messages[0]).toMatchObject({ type: "knowledge_share", sender: "be" });
    expect(bus.readInbox("fe").messages).toHaveLength(0);
    knowledge.set("style/colors", { primary: "#06c" }, { agent: "fe" });
    expect(bus.readInbox("be").messages.at(-1)).toMatchObject({ type: "knowledge_share", broadcast: true });
    expect(() => parseScope("team:x")).toThrow(/cannot read the scope/);
  });
});
