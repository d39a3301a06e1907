import { describe, expect, test } from "bun:test";
import { freshHome } from "../bus/fresh.ts";
import { Histogram, Tracer, listDecisions, recordDecision, toOtel, tokenMetrics } from "../../server/trace/index.ts";

describe("latency histograms", () => {
  test("percentiles come out within a few percent of the true values", () => {
    const h = new Histogram();
    for (let i = 1; i <= 10_000; i++) h.record(i / 100); // 0.01 .. 100 ms, uniform
    const s = h.summary();
    expect(s.count).toBe(10_000);
    expect(s.p50_ms).toBeCloseTo(50, -0.5);
    expect(Math.abs(s.p95_ms - 95) / 95).toBeLessThan(0.05);
    expect(Math.abs(s.p99_ms - 99) / 99).toBeLessThan(0.05);
    expect(s.max_ms).toBe(100);
  });

  test("time() records sync and async calls, failures included, with their attributes", async () => {
    const t = new Tracer(10);
    expect(t.time("read", () => 42, { session: "dev" })).toBe(42);
    await t.time("exec", () => Bun.sleep(5), { session: "dev", agent: "qa" });
    await expect(t.time("exec", async () => Promise.reject(new Error("boom")), { session: "api" })).rejects.toThrow("boom");
    const ops = Object.fromEntries(t.latency().map((l) => [l.op, l]));
    expect(ops.exec!.count).toBe(2);
    expect(ops.exec!.errors).toBe(1);
    expect(ops.exec!.max_ms).toBeGreaterThanOrEqual(4);
    expect(t.spans({ session: "dev" }).map((s) => s.op)).toEqual(["read", "exec"]);
    expect(t.spans({ session: "api" })[0]).toMatchObject({ ok: false, error: "boom" });
    for (let i = 0; i < 25; i++) t.record("x", 1);
    expect(t.spans()).toHaveLength(10); // a ring: memory stays bounded
  });

  test("spans export as OTLP JSON", () => {
    const t = new Tracer();
    t.record("bus.publish", 0.2, { agent: "fe" });
    const otel = toOtel(t.spans(), { name: "ai-session", version: "0.1.0" });
    const span = otel.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    expect(span.name).toBe("bus.publish");
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(span.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(BigInt(span.endTimeUnixNano) - BigInt(span.startTimeUnixNano)).toBe(200_000n);
    expect(span.attributes).toContainEqual({ key: "ai_session.agent", value: { stringValue: "fe" } });
  });
});

describe("decisions and token metrics", () => {
  test("a recorded decision is listed with its options and reasoning", () => {
    const { db } = freshHome();
    recordDecision(db, { what: "test runner", options: ["jest", "vitest"], choice: "vitest", reasoning: "faster with vite", agent: "qa", session: "web" });
    recordDecision(db, { what: "db", choice: "sqlite", agent: "be" });
    expect(listDecisions(db, { session: "web" })).toEqual([
      expect.objectContaining({ what: "test runner", choice: "vitest", options: ["jest", "vitest"], reasoning: "faster with vite", agent: "qa" }),
    ]);
    expect(listDecisions(db)).toHaveLength(2);
    expect(() => recordDecision(db, { what: " ", choice: "x" })).toThrow(/needs a what/);
  });

  test("tokens add up per session, agent and tool from the commands table", () => {
    const { db } = freshHome();
    const s = db.$client;
    s.exec("INSERT INTO sessions (id, name, shell, cwd, cols, rows, status, created_at) VALUES ('s1','web','/bin/sh','/',80,24,'running',0)");
    const ins = s.prepare("INSERT INTO commands (session_id, command, cwd, agent, status, started_at, start_offset, tool, tokens_raw, tokens_compacted) VALUES ('s1', ?, '/', ?, 'ok', 0, 0, ?, ?, ?)");
    ins.run("npm test", "qa", "jest", 1000, 100);
    ins.run("tsc", "fe", "tsc", 500, 250);
    ins.run("ls", "fe", null, 10, 10);
    const m = tokenMetrics(db);
    expect(m.total).toMatchObject({ commands: 3, raw: 1510, compacted: 360, saved: 1150 });
    expect(m.by_session).toEqual([expect.objectContaining({ key: "web", raw: 1510 })]);
    expect(m.by_agent.find((r) => r.key === "fe")).toMatchObject({ raw: 510, compacted: 260 });
    expect(m.by_tool.find((r) => r.key === "jest")).toMatchObject({ saved_pct: 90 });
  });
});
