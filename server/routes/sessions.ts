import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "./env.ts";
import type { Runtime } from "../runtime.ts";
import { visibleSessions } from "../access/sessions.ts";
import { allow } from "./access.ts";
import {
  commandDetail,
  commandLines,
  resizeSession,
  screenOf,
  execCommand,
  historyOf,
  killSession,
  readOutput,
  sendInput,
  waitFor,
} from "../session/operations.ts";
import { applyHistoryFilter } from "../persist/history.ts";
import { AppError } from "../errors.ts";
import { OutputModeSchema } from "../session/exec-result.ts";
import { SessionInfoSchema, type SessionInfo } from "../session/session.ts";
import { AgentStatusSchema } from "../bus/agent-status.ts";
import { onNode, remoteWaitMs } from "../cluster-port.ts";
import { createAnywhere, sessionDetails } from "../anywhere.ts";
import { jsonBody, queryOf } from "./validate.ts";
import { LimitsBody, limitsFromBody, limitsWrapper } from "../security/limits.ts";

const envRecord = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "environment names are letters, digits and _"), z.string());
export const CreateSessionBody = z.strictObject({
  name: z.string().optional(),
  cwd: z.string().optional(),
  shell: z.string().optional(),
  env: envRecord.optional(),
  cols: z.number().int().optional(),
  rows: z.number().int().optional(),
  role: z.string().optional(),
  agent: z.string().optional(),
  shared: z.boolean().optional(),
  ai_context: z.boolean().optional(),
  limits: LimitsBody.optional(),
});
/** How fold markers name the way to read what they hid: {session} {id} {from} {to} are filled in. */
const ExpandHint = z.string().max(200).optional();
export const ExecBody = z.strictObject({
  command: z.string(),
  timeout_ms: z.number().int().positive().optional(),
  mode: OutputModeSchema.optional(),
  expand_hint: ExpandHint,
});
export const WaitBody = z.strictObject({
  command_id: z.number().int().optional(),
  pattern: z.string().optional(),
  timeout_ms: z.number().int().positive().optional(),
  mode: OutputModeSchema.optional(),
  expand_hint: ExpandHint,
});
export const SendBody = z
  .strictObject({
    text: z.string().max(4 * 1024 * 1024, "text over 4 MB: write it to a file instead").optional(),
    keys: z.array(z.string()).optional(),
    enter: z.boolean().optional(),
    secret: z.boolean().optional(),
  })
  .refine((b) => b.text !== undefined || (b.keys?.length ?? 0) > 0 || b.enter, { message: "send needs text, keys or enter" });
export const ReadQuery = z.object({
  since: z.coerce.number().int().min(0).optional(),
  max_bytes: z.coerce.number().int().min(1).optional(),
  lines: z.coerce.number().int().min(0).optional(),
  raw: z.enum(["1", "true", "0", "false"]).optional(),
});
export const ResizeBody = z.strictObject({ cols: z.number().int().min(10).max(1000), rows: z.number().int().min(2).max(500) });
export const HistoryQuery = z.object({
  grep: z.string().optional(),
  failed: z.enum(["1", "true", "0", "false", ""]).optional(),
});
const LinesQuery = z.object({
  lines: z.string().regex(/^\d+-\d+$/, "lines are FROM-TO, e.g. 120-400").optional(),
  raw: z.enum(["1", "true", "0", "false"]).optional(),
  mode: OutputModeSchema.optional(),
});

/** A session as GET /api/sessions shows it: with what its occupant is doing (idle, working, blocked...) as the bus sees it. */
export const SessionViewSchema = SessionInfoSchema.extend({ agent_status: AgentStatusSchema.nullable() });
export type SessionView = z.infer<typeof SessionViewSchema>;

/** How long a request to another node may take: the command's own timeout, and some. */
/** REST for sessions: thin adapters over server/session/operations.ts (NAME@NODE: on that node, server/cluster). */
export function sessionRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  const ops = rt;
  const truthy = (v?: string) => v === "1" || v === "true";

  const withStatus = (info: SessionInfo): SessionView => ({ ...info, agent_status: rt.bus?.status?.get(info.id) ?? null });
  // a session-limited token, or an agent, sees only the sessions it may use
  app.get("/sessions", allow({ scope: "read", across: "filtered" }), (c) => {
    return c.json(visibleSessions(rt, c.get("caller")).map((s) => withStatus(s.info())));
  });
  // a session-limited token may only create sessions it is allowed to use
  app.post("/sessions", allow({ scope: "exec", session: { body: "name", required: "limited" } }), async (c) => {
    const caller = c.get("caller");
    const { limits, ai_context: _ctx, ...body } = await jsonBody(c, CreateSessionBody);
    const wrapArgv = limits ? limitsWrapper(limitsFromBody(limits), rt.sessions.events, body.name) : undefined;
    // NAME@NODE: made on that node (server/anywhere.ts), named so in the answer
    const info = await createAnywhere(ops, caller, { ...body, wrapArgv });
    c.set("auditNote", { name: info.name });
    return c.json(info, 201);
  });
  const reads = allow({ scope: "read", session: { param: "name" } });
  const acts = allow({ scope: "exec", session: { param: "name" } });
  app.get("/sessions/:name", reads, async (c) => c.json(await sessionDetails(rt, c.get("caller"), c.req.param("name"))));
  app.delete("/sessions/:name", acts, async (c) => {
    const caller = c.get("caller");
    return c.json(await onNode(rt.cluster, caller, c.req.param("name"), "kill", {}, (name) => killSession(ops, caller, name)));
  });
  app.post("/sessions/:name/exec", acts, async (c) => {
    const caller = c.get("caller");
    const body = await jsonBody(c, ExecBody);
    // NAME@NODE: that node runs it through the same execCommand, under its own checks
    const result = await onNode(rt.cluster, caller, c.req.param("name"), "exec", body, (name) => execCommand(ops, caller, name, body), remoteWaitMs(body.timeout_ms));
    c.set("auditNote", { exit_code: result.exit_code, status: result.status });
    return c.json(result);
  });
  app.post("/sessions/:name/wait", reads, async (c) => {
    const caller = c.get("caller");
    const body = await jsonBody(c, WaitBody);
    return c.json(await onNode(rt.cluster, caller, c.req.param("name"), "wait", body, (name) => waitFor(ops, caller, name, body, c.req.raw.signal), remoteWaitMs(body.timeout_ms)));
  });
  app.post("/sessions/:name/send", acts, async (c) => {
    const caller = c.get("caller");
    const body = await jsonBody(c, SendBody);
    return c.json(await onNode(rt.cluster, caller, c.req.param("name"), "send", body, (name) => sendInput(ops, caller, name, body)));
  });
  app.get("/sessions/:name/read", reads, async (c) => {
    const caller = c.get("caller");
    const q = queryOf(c, ReadQuery);
    const req = { since: q.since, lines: q.lines, raw: truthy(q.raw), maxBytes: q.max_bytes };
    return c.json(await onNode(rt.cluster, caller, c.req.param("name"), "read", req, (name) => readOutput(ops, caller, name, req)));
  });
  app.get("/sessions/:name/screen", reads, async (c) => {
    const caller = c.get("caller");
    return c.json(await onNode(rt.cluster, caller, c.req.param("name"), "screen", {}, (name) => screenOf(ops, caller, name)));
  });
  app.post("/sessions/:name/resize", acts, async (c) => {
    const caller = c.get("caller");
    const body = await jsonBody(c, ResizeBody);
    return c.json(await onNode(rt.cluster, caller, c.req.param("name"), "resize", body, (name) => resizeSession(ops, caller, name, body.cols, body.rows)));
  });
  app.get("/sessions/:name/history", reads, async (c) => {
    const caller = c.get("caller");
    const q = queryOf(c, HistoryQuery);
    return c.json(await onNode(rt.cluster, caller, c.req.param("name"), "history", q, (name) => applyHistoryFilter(rt.db, historyOf(ops, caller, name), q)));
  });
  app.get("/sessions/:name/commands/:id", reads, async (c) => {
    const caller = c.get("caller");
    const name = c.req.param("name");
    const id = Number(c.req.param("id"));
    if (!Number.isInteger(id)) throw new AppError("invalid", `"${c.req.param("id")}" is not a command id`);
    const q = queryOf(c, LinesQuery);
    if (q.lines) {
      const [from, to] = q.lines.split("-").map(Number) as [number, number];
      const raw = truthy(q.raw);
      return c.json(await onNode(rt.cluster, caller, name, "lines", { id, from, to, raw }, (n) => commandLines(ops, caller, n, id, { from, to }, raw)));
    }
    const mode = q.mode ?? "compact";
    return c.json(await onNode(rt.cluster, caller, name, "command", { id, mode }, (n) => commandDetail(ops, caller, n, id, mode)));
  });
  return app;
}
