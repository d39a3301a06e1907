import { errors, type NatsConnection } from "@nats-io/transport-node";
import { AppError, toAppError, type ErrorCode } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { requireScope, type Caller, type Scope } from "../security/auth.ts";
import { requireSessionVisible, sessionView, visibleSessions } from "../access/sessions.ts";
import { commandDetail, commandLines, createSession, execCommand, historyOf, killSession, readOutput, resizeSession, screenOf, sendInput, waitFor } from "../session/operations.ts";
import type { OutputMode } from "../session/exec-result.ts";
import { applyHistoryFilter } from "../persist/history.ts";
import { snapshotSession } from "../persist/snapshot.ts";
import { restoreByName } from "../persist/restore.ts";
import { SessionContexts } from "../context/session-context.ts";
import { localAnalysis, localContext, localConversation, localConverse, localSummarize } from "../anywhere.ts";
import type { Names } from "./connection.ts";
import { TRAFFIC_LIMIT, type NodeMessage, type NodeSession, type RemoteOp } from "../cluster-port.ts";
import type { BusMessage } from "../bus/message.ts";
import { agentView, viewerOf } from "../access/callers.ts";
import { AnswerParts, fetchParts, fits, RequestParts, sendParts, type Parted, type PartedRequest } from "./parts.ts";
import { serveTerminal } from "./terminal.ts";

/** A caller as it travels: who it is on its own node, which node that is. */
interface WireCaller {
  kind: Caller["kind"];
  name: string;
  scopes: Scope[];
  agent?: string;
  role?: string;
  sessions?: readonly string[];
  node: string;
}

interface Request {
  op: RemoteOp;
  caller: WireCaller;
  args: Record<string, unknown>;
}

type Answer = { ok: unknown } | { error: { code: ErrorCode; message: string } } | Parted;

function toWire(c: Caller, node: string): WireCaller {
  const w: WireCaller = { kind: c.kind, name: c.name, scopes: [...c.scopes], node };
  if (c.agent !== undefined) w.agent = c.agent;
  if (c.role !== undefined) w.role = c.role;
  if (c.sessions !== undefined) w.sessions = c.sessions;
  return w;
}

/**
 * The caller again, named after its node for the audit trail; this node's own checks apply to it.
 * A token held to some sessions reaches here those it names NAME@THIS-NODE (a plain name is a
 * session of the token's own node).
 */
function fromWire(w: WireCaller, self: string): Caller {
  const c: Caller & { boundAgent?: string } = { kind: w.kind, name: w.kind === "owner" ? "owner" : `${w.name}@${w.node}`, scopes: new Set(w.scopes) };
  if (w.agent !== undefined) c.agent = w.agent;
  if (w.role !== undefined) c.role = w.role;
  if (w.sessions !== undefined) c.sessions = w.sessions.filter((s) => s.endsWith(`@${self}`)).map((s) => s.slice(0, -self.length - 1));
  return c;
}

type Args = Record<string, unknown>;

/** Each operation a node answers for another node: the scope it needs and the domain function it runs. */
const OPS: Record<Exclude<RemoteOp, "sessions" | "traffic" | "agents" | "part" | "attach">, { scope: Scope; run: (rt: Runtime, c: Caller, session: string, a: Args) => unknown }> = {
  exec: { scope: "exec", run: (rt, c, s, a) => execCommand(rt, c, s, a as Parameters<typeof execCommand>[3]) },
  wait: { scope: "read", run: (rt, c, s, a) => waitFor(rt, c, s, a as Parameters<typeof waitFor>[3]) },
  send: { scope: "exec", run: (rt, c, s, a) => sendInput(rt, c, s, a as Parameters<typeof sendInput>[3]) },
  read: { scope: "read", run: (rt, c, s, a) => readOutput(rt, c, s, a as Parameters<typeof readOutput>[3]) },
  screen: { scope: "read", run: (rt, c, s) => screenOf(rt, c, s) },
  kill: { scope: "exec", run: (rt, c, s) => killSession(rt, c, s) },
  info: { scope: "read", run: (rt, _c, s) => sessionView(rt, s) },
  command: { scope: "read", run: (rt, c, s, a) => commandDetail(rt, c, s, Number(a.id), a.mode as OutputMode) },
  lines: { scope: "read", run: (rt, c, s, a) => commandLines(rt, c, s, Number(a.id), { from: Number(a.from), to: Number(a.to) }, !!a.raw) },
  resize: { scope: "exec", run: (rt, c, s, a) => resizeSession(rt, c, s, Number(a.cols), Number(a.rows)) },
  history: { scope: "read", run: (rt, c, s, a) => applyHistoryFilter(rt.db, historyOf(rt, c, s), a as Parameters<typeof applyHistoryFilter>[2]) },
  snapshot: { scope: "exec", run: (rt, _c, s, a) => snapshotSession(rt, s, { withFile: !!a.document }) },
  context: { scope: "read", run: (rt, c, s, a) => localContext(rt, c, contextsOf(rt), s, a as Parameters<typeof localContext>[4]) },
  analysis: { scope: "read", run: (rt, c, s, a) => localAnalysis(rt, c, contextsOf(rt), s, a.command_id === undefined ? undefined : Number(a.command_id)) },
  conversation: { scope: "read", run: (rt, c, s) => localConversation(rt, c, contextsOf(rt), s) },
  converse: { scope: "exec", run: (rt, c, s, a) => localConverse(rt, c, contextsOf(rt), s, a as Parameters<typeof localConverse>[4]) },
  summarize: { scope: "exec", run: (rt, c, s, a) => localSummarize(rt, c, contextsOf(rt), s, a as Parameters<typeof localSummarize>[4]) },
  create: { scope: "exec", run: (rt, c, s, a) => createSession(rt, c, { ...createArgs(a), name: s }) },
  restore: { scope: "exec", run: (rt, c, s, a) => restoreByName(rt, s, { newName: typeof a.new_name === "string" ? a.new_name : undefined, caller: c }) },
};

/** What a session is created with, as another node asked: only these fields, each of its type. */
function createArgs(a: Args): { cwd?: string; shell?: string; env?: Record<string, string>; cols?: number; rows?: number; role?: string } {
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : undefined);
  const env = a.env && typeof a.env === "object" ? Object.fromEntries(Object.entries(a.env).filter((e): e is [string, string] => typeof e[1] === "string")) : undefined;
  return { cwd: str(a.cwd), shell: str(a.shell), env, cols: num(a.cols), rows: num(a.rows), role: str(a.role) };
}

/** Each runtime's context builder (it keeps per-session facts between calls), made on first use. */
const contexts = new WeakMap<Runtime, SessionContexts>();
function contextsOf(rt: Runtime): SessionContexts {
  let c = contexts.get(rt);
  if (!c) contexts.set(rt, (c = new SessionContexts(rt)));
  return c;
}

/** This node's sessions the caller may see, each named with its node. */
export function nodeSessions(rt: Runtime, caller: Caller, self: string): NodeSession[] {
  return visibleSessions(rt, caller).map((s) => ({ ...s.info(), node: self }));
}

/**
 * This node's bus messages the caller may see (as GET /api/bus/messages shows them), after `after`,
 * each with this node's name; without the copies of other nodes' topic messages and broadcasts
 * (`isCopy`), which their sender's node shows.
 */
export function nodeTraffic(rt: Runtime, caller: Caller, self: string, q: { after?: number; limit?: number; topics?: unknown }, isCopy: (id: string) => boolean): NodeMessage[] {
  // the calling node parsed these, but this node does not lean on that: a page is 1 to TRAFFIC_LIMIT messages
  const limit = Math.max(1, Math.min(Math.trunc(Number(q.limit)) || TRAFFIC_LIMIT, TRAFFIC_LIMIT));
  const after = Number.isInteger(q.after) ? q.after : undefined;
  // an agent registered on the calling node: its topics are known there, not here
  const topics = Array.isArray(q.topics) ? q.topics.filter((t): t is string => typeof t === "string").slice(0, 1000) : [];
  const viewer = viewerOf(rt, caller, topics);
  const own = (m: BusMessage) => m.to !== undefined || !isCopy(m.id);
  // without a seq: the newest page. After one, paging forward, a page of copies alone would hold the
  // poller's place for ever: read on past them (up to TRAFFIC_SCAN pages) to this node's next own messages
  if (after === undefined) return rt.bus.bus.history({ limit, viewer }).filter(own).map((m) => ({ ...m, node: self }));
  const out: BusMessage[] = [];
  let scanned = after;
  for (let page = 0; out.length < limit && page < TRAFFIC_SCAN; page++) {
    const rows = rt.bus.bus.history({ afterSeq: scanned, limit, viewer });
    out.push(...rows.filter(own));
    if (rows.length < limit) break;
    scanned = rows.at(-1)!.seq;
  }
  return out.slice(0, limit).map((m) => ({ ...m, node: self }));
}

/** How many pages of another node's copies a traffic page reads past before it answers. */
const TRAFFIC_SCAN = 50;

/** The agents registered on this node, each with this node's name. */
export function nodeAgents(rt: Runtime, self: string) {
  return rt.bus.agents.list().map((a) => ({ ...agentView(rt, a), node: self }));
}

/** What this node does for a caller from another node: the same domain functions as a local call. */
async function answer(rt: Runtime, self: string, req: Request, terminal: (caller: Caller, session: string, id: string) => unknown, isCopy: (id: string) => boolean): Promise<unknown> {
  const caller = fromWire(req.caller, self);
  if (req.op === "sessions") {
    requireScope(caller, "read");
    return nodeSessions(rt, caller, self);
  }
  if (req.op === "agents") {
    requireScope(caller, "read");
    return nodeAgents(rt, self);
  }
  if (req.op === "traffic") {
    requireScope(caller, "read");
    return nodeTraffic(rt, caller, self, req.args as { after?: number; limit?: number; topics?: unknown }, isCopy);
  }
  if (req.op === "attach") {
    requireScope(caller, "read");
    requireSessionVisible(rt, caller, String(req.args.session));
    return terminal(caller, String(req.args.session), String(req.args.id));
  }
  const op = OPS[req.op as keyof typeof OPS];
  if (!op) throw new AppError("invalid", `this node does not know the operation "${String(req.op)}" (is it an older version?)`);
  requireScope(caller, op.scope);
  const { session, ...args } = req.args as Args & { session: string };
  requireSessionVisible(rt, caller, String(session));
  const r = (await op.run(rt, caller, String(session), args)) as Record<string, unknown>;
  // named as the caller names it: NAME@NODE
  return r && typeof r === "object" && typeof r.session === "string" ? { ...r, session: `${r.session}@${self}` } : r;
}

/**
 * Answers requests sent to this node's subject (they run concurrently). An answer larger than one
 * NATS message is kept in parts that the caller fetches with further requests (parts.ts).
 */
export function serveCalls(nc: NatsConnection, n: Names, self: string, rt: Runtime, isCopy: (id: string) => boolean): { unsubscribe(): void } {
  const parts = new AnswerParts(nc.info!.max_payload);
  const requests = new RequestParts();
  const puts = nc.subscribe(`${n.put(self)}.>`, {
    callback: (err, msg) => {
      if (err) return;
      const [id, index, count, bytes] = msg.subject.split(".").slice(-4);
      msg.respond(requests.put(id!, Number(index), Number(count), Number(bytes), msg.data) ?? "");
    },
  });
  const calls = nc.subscribe(n.call(self), {
    callback: (err, msg) => {
      if (err) return;
      void (async () => {
        let req: Request | PartedRequest;
        try {
          req = msg.json<Request | PartedRequest>();
          if ("parted" in req) {
            const whole = requests.take(req.parted);
            if (!whole) return void msg.respond(JSON.stringify({ error: { code: "unavailable", message: `the parts of a large request did not all reach node "${self}" within a minute; send it again` } }));
            req = JSON.parse(new TextDecoder().decode(whole)) as Request;
          }
        } catch (e) {
          return void msg.respond(JSON.stringify({ error: { code: "invalid", message: `node "${self}" could not read the request: ${(e as Error).message}` } }));
        }
        if (req.op === "part") return void msg.respond(parts.take(String(req.args.id), Number(req.args.index)));
        let a: Answer;
        try {
          a = { ok: await answer(rt, self, req, (caller, session, id) => serveTerminal(nc, n, rt, caller, session, id), isCopy) };
        } catch (e) {
          const x = toAppError(e);
          a = { error: { code: x.code, message: x.message } };
        }
        msg.respond(parts.fit(JSON.stringify(a)));
      })();
    },
  });
  return {
    unsubscribe() {
      calls.unsubscribe();
      puts.unsubscribe();
    },
  };
}

/** Sends one request to a node and gives back its answer, or throws the AppError it answered. */
export async function callNode(nc: NatsConnection, n: Names, from: string, node: string, op: RemoteOp, caller: Caller, args: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
  const req: Request = { op, caller: toWire(caller, from), args };
  let a: Exclude<Answer, Parted>;
  try {
    let body: Uint8Array | string = new TextEncoder().encode(JSON.stringify(req));
    // larger than one NATS message: its parts go first (a `send` of a few MB, a long conversation message)
    if (!fits(body, nc.info!.max_payload)) {
      const put = async (id: string, index: number, count: number, data: Uint8Array) => (await nc.request(`${n.put(node)}.${id}.${index}.${count}.${body.length}`, data, { timeout: 30_000 })).string();
      body = JSON.stringify(await sendParts(body, nc.info!.max_payload, put, node));
    }
    const first = (await nc.request(n.call(node), body, { timeout: timeoutMs })).json<Answer>();
    const part = (args: { id: string; index: number }) => nc.request(n.call(node), JSON.stringify({ op: "part", caller: req.caller, args }), { timeout: 30_000 });
    a = "parts" in first ? ((await fetchParts(first, part, node)) as Exclude<Answer, Parted>) : first;
  } catch (err) {
    if (err instanceof AppError) throw err;
    const cause = (err as { cause?: unknown }).cause;
    if (err instanceof errors.NoRespondersError || cause instanceof errors.NoRespondersError) {
      throw new AppError("unavailable", `node "${node}" does not answer (it is down or has left; ai-session nodes shows which are up)`);
    }
    if (err instanceof errors.TimeoutError || cause instanceof errors.TimeoutError) throw new AppError("timeout", `node "${node}" did not answer within ${Math.round(timeoutMs / 1000)} s`);
    throw new AppError("unavailable", `the request to node "${node}" failed (${(err as Error).message})`);
  }
  if ("error" in a) throw new AppError(a.error.code, a.error.message);
  return a.ok;
}
