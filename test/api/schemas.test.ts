import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { z } from "zod";
import { CommandDetailSchema, ExecResultSchema, WaitResultSchema } from "../../server/session/exec-result.ts";
import { SessionInfoSchema } from "../../server/session/session.ts";
import { HistoryFlagsSchema } from "../../server/persist/history.ts";
import { CommandLinesSchema, HistoryRowSchema, ReadAnswerSchema, ScreenAnswerSchema, SendAnswerSchema } from "../../server/session/answers.ts";
import { SessionViewSchema } from "../../server/routes/sessions.ts";
import { AgentViewSchema } from "../../server/bus/agents.ts";
import { BusMessageSchema } from "../../server/bus/message.ts";
import { InboxAnswerSchema } from "../../server/bus/transport.ts";
import { TaskSchema } from "../../server/bus/tasks.ts";
import { EntrySchema } from "../../server/bus/knowledge.ts";
import { ClaimAnswerSchema } from "../../server/routes/tasks.ts";
import { AnalysisAnswerSchema, ContextAnswerSchema } from "../../server/context/session-context.ts";
import { SnapshotAnswerSchema, StoredSnapshotSchema } from "../../server/persist/snapshot.ts";
import { RestoreResultSchema } from "../../server/persist/restore.ts";
import { TokenCountSchema, TokenCountsSchema } from "../../server/tokens/answers.ts";
import { startServer, type RunningServer } from "../mcp/harness.ts";

/**
 * What a running server sends is what its schemas say, field for field: every object in the answer
 * is parsed strictly (a field the schema does not name fails), so the schemas, the OpenAPI document
 * made from them and the types derived from them cannot drift from the wire.
 */
let server: RunningServer;

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const res = await fetch(server.base + path, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** The schema's verdict on an answer, as the list of problems (empty when it fits exactly). */
function problems(schema: z.ZodType, json: unknown): string[] {
  const r = schema.safeParse(json);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

beforeAll(async () => {
  server = await startServer();
  expect((await call("POST", "/api/sessions", { name: "shapes" })).status).toBe(201);
});
afterAll(async () => {
  await server?.stop();
});

describe("answers match their schemas exactly", () => {
  test("an exec answer, with a failing compiler-style error in its analysis", async () => {
    const r = await call("POST", "/api/sessions/shapes/exec", { command: "printf 'src/a.ts(3,7): error TS2322: nope\\n'; false" });
    expect(r.status).toBe(200);
    expect(problems(ExecResultSchema, r.json)).toEqual([]);
    expect((r.json as { exit_code: number }).exit_code).toBe(1);
  });

  test("a wait for a pattern, the history, and a stored command looked up later", async () => {
    const w = await call("POST", "/api/sessions/shapes/wait", { pattern: "TS2322", timeout_ms: 5000 });
    expect(problems(WaitResultSchema, w.json)).toEqual([]);
    const history = (await call("GET", "/api/sessions/shapes/history")).json as unknown[];
    expect(history.length).toBeGreaterThan(0);
    for (const row of history) expect(problems(HistoryRowSchema.extend(HistoryFlagsSchema.shape).strict(), row)).toEqual([]);
    const d = await call("GET", "/api/sessions/shapes/commands/1");
    expect(d.status).toBe(200);
    expect(problems(CommandDetailSchema, d.json)).toEqual([]);
  });

  test("typing, reading, the screen and a slice of a command's output", async () => {
    expect(problems(SendAnswerSchema, (await call("POST", "/api/sessions/shapes/send", { text: "echo typed-in", enter: true })).json)).toEqual([]);
    expect(problems(ReadAnswerSchema, (await call("GET", "/api/sessions/shapes/read?since=0")).json)).toEqual([]);
    const screen = await call("GET", "/api/sessions/shapes/screen");
    expect(problems(ScreenAnswerSchema, screen.json)).toEqual([]);
    const lines = await call("GET", "/api/sessions/shapes/commands/1?lines=1-1");
    expect(lines.status).toBe(200);
    expect(problems(CommandLinesSchema, lines.json)).toEqual([]);
  });

  test("a session as create, list, one session, resize and kill give it", async () => {
    const created = await call("POST", "/api/sessions", { name: "shapes-2", cols: 100, rows: 30 });
    expect(problems(SessionInfoSchema, created.json)).toEqual([]);
    const listed = (await call("GET", "/api/sessions")).json as unknown[];
    expect(listed.length).toBe(2);
    for (const s of listed) expect(problems(SessionViewSchema, s)).toEqual([]);
    expect(problems(SessionViewSchema, (await call("GET", "/api/sessions/shapes")).json)).toEqual([]);
    expect(problems(SessionInfoSchema, (await call("POST", "/api/sessions/shapes-2/resize", { cols: 90, rows: 20 })).json)).toEqual([]);
    const killed = await call("DELETE", "/api/sessions/shapes-2");
    expect(problems(SessionInfoSchema, killed.json)).toEqual([]);
    expect((killed.json as { status: string }).status).toBe("killed");
  });

  test("the team: an agent, a message and its inbox, a task claimed and finished, a knowledge entry", async () => {
    const agent = await call("POST", "/api/agents", { name: "ann", role: "qa", session: "shapes", delivery: "none" });
    expect(agent.status).toBe(201);
    expect(problems(AgentViewSchema, agent.json)).toEqual([]);
    for (const a of (await call("GET", "/api/agents")).json as unknown[]) expect(problems(AgentViewSchema, a)).toEqual([]);
    expect(problems(AgentViewSchema, (await call("GET", "/api/agents/ann")).json)).toEqual([]);

    const sent = await call("POST", "/api/bus/messages", { to: "ann", type: "status_update", payload: { note: "hi" }, correlation_id: "c-1" });
    expect(sent.status).toBe(201);
    expect(problems(BusMessageSchema, sent.json)).toEqual([]);
    const inbox = await call("GET", "/api/bus/inbox/ann");
    expect(problems(InboxAnswerSchema, inbox.json)).toEqual([]);
    expect((inbox.json as { messages: unknown[] }).messages.length).toBe(1);
    for (const m of (await call("GET", "/api/bus/messages")).json as unknown[]) expect(problems(BusMessageSchema, m)).toEqual([]);

    const task = await call("POST", "/api/tasks", { title: "build it", depends_on: [] });
    expect(task.status).toBe(201);
    expect(problems(TaskSchema, task.json)).toEqual([]);
    const claimed = await call("POST", "/api/tasks/claim", { agent: "ann" });
    expect(problems(ClaimAnswerSchema, claimed.json)).toEqual([]);
    const id = (task.json as { id: string }).id;
    expect(problems(TaskSchema, (await call("POST", `/api/tasks/${id}/progress`, { percent: 50, note: "half" })).json)).toEqual([]);
    expect(problems(TaskSchema, (await call("POST", `/api/tasks/${id}/done`, { result: "built" })).json)).toEqual([]);
    for (const t of (await call("GET", "/api/tasks")).json as unknown[]) expect(problems(TaskSchema, t)).toEqual([]);
    expect(problems(ClaimAnswerSchema, (await call("POST", "/api/tasks/claim", { agent: "ann" })).json)).toEqual([]);

    expect(problems(EntrySchema, (await call("PUT", "/api/knowledge/api/base-url", { value: { url: "http://x" }, scope: "role:qa" })).json)).toEqual([]);
    expect(problems(EntrySchema, (await call("GET", "/api/knowledge/api/base-url")).json)).toEqual([]);
    for (const e of (await call("GET", "/api/knowledge")).json as unknown[]) expect(problems(EntrySchema, e)).toEqual([]);
    for (const e of (await call("GET", "/api/knowledge/history/api/base-url")).json as unknown[]) expect(problems(EntrySchema, e)).toEqual([]);
    expect(problems(EntrySchema, (await call("DELETE", "/api/knowledge/api/base-url")).json)).toEqual([]);
  });

  test("the context, an analysis, token counts, a snapshot and a restore from it", async () => {
    const context = await call("GET", "/api/sessions/shapes/context?max_tokens=500");
    expect(problems(ContextAnswerSchema, context.json)).toEqual([]);
    expect((context.json as { text: string }).text).toContain("shapes");
    expect(problems(AnalysisAnswerSchema, (await call("GET", "/api/sessions/shapes/analysis?command=1")).json)).toEqual([]);
    const one = await call("POST", "/api/tokens/count", { text: "hello world" });
    expect(problems(TokenCountSchema, one.json)).toEqual([]);
    expect(problems(TokenCountsSchema, (await call("POST", "/api/tokens/count", { texts: ["a", "b c"], background: true })).json)).toEqual([]);

    const snap = await call("POST", "/api/sessions/shapes/snapshot", { document: true });
    expect(problems(SnapshotAnswerSchema, snap.json)).toEqual([]);
    expect(typeof (snap.json as { file_text?: string }).file_text).toBe("string");
    for (const s of (await call("GET", "/api/snapshots?name=shapes")).json as unknown[]) expect(problems(StoredSnapshotSchema, s)).toEqual([]);
    const restored = await call("POST", "/api/restore", { name: "shapes", new_name: "shapes-back" });
    expect(problems(RestoreResultSchema, restored.json)).toEqual([]);
    expect((restored.json as { name: string }).name).toBe("shapes-back");
    expect((await call("DELETE", "/api/sessions/shapes-back")).status).toBe(200);
  });

  test("a schema is strict all the way down: an extra field anywhere is refused", () => {
    const exec = ExecResultSchema.shape;
    expect(ExecResultSchema.safeParse({}).success).toBe(false);
    expect(exec.tokens.safeParse({ raw: 1, compacted: 1, saved_pct: 0, raw_estimated: true }).success).toBe(false);
    expect(exec.analysis.shape.counts.safeParse({ passed: 0, failed: 0, skipped: 0, warnings: 0, errors: 0, todo: 1 }).success).toBe(false);
  });

  test("the OpenAPI document shows every field an exec answer and a session have", async () => {
    const doc = (await call("GET", "/api/openapi.json")).json as { paths: Record<string, Record<string, any>> };
    const body = (path: string, method: string, status = "200") => doc.paths[path]![method].responses[status].content["application/json"].schema;
    const exec = body("/api/sessions/{name}/exec", "post");
    expect(Object.keys(exec.properties).sort()).toEqual(Object.keys(ExecResultSchema.shape).sort());
    expect(exec.additionalProperties).toBe(false);
    expect(Object.keys(exec.properties.analysis.properties)).toContain("entities");
    const created = body("/api/sessions", "post", "201");
    expect(Object.keys(created.properties).sort()).toEqual(Object.keys(SessionInfoSchema.shape).sort());
    expect(Object.keys(body("/api/sessions", "get").items.properties)).toContain("agent_status");
  });
});
