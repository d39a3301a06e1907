import { errors, type NatsConnection, type Subscription } from "@nats-io/transport-node";
import { AppError, toAppError, type ErrorCode } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import { requireScope, type Caller, type Scope } from "../security/auth.ts";
import { requireSessionVisible, visibleSessions } from "../access/sessions.ts";
import { execCommand, killSession, readOutput, screenOf, sendInput, waitFor } from "../session/operations.ts";
import type { Names } from "./connection.ts";
import type { NodeSession, RemoteOp } from "../cluster-port.ts";

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

type Answer = { ok: unknown } | { error: { code: ErrorCode; message: string } };

function toWire(c: Caller, node: string): WireCaller {
  const w: WireCaller = { kind: c.kind, name: c.name, scopes: [...c.scopes], node };
  if (c.agent !== undefined) w.agent = c.agent;
  if (c.role !== undefined) w.role = c.role;
  if (c.sessions !== undefined) w.sessions = c.sessions;
  return w;
}

/** The caller again, named after its node for the audit trail; this node's own checks apply to it. */
function fromWire(w: WireCaller): Caller {
  const c: Caller & { boundAgent?: string } = { kind: w.kind, name: w.kind === "owner" ? "owner" : `${w.name}@${w.node}`, scopes: new Set(w.scopes) };
  if (w.agent !== undefined) c.agent = w.agent;
  if (w.role !== undefined) c.role = w.role;
  if (w.sessions !== undefined) c.sessions = w.sessions;
  return c;
}

type Args = Record<string, unknown>;

/** Each operation a node answers for another node: the scope it needs and the domain function it runs. */
const OPS: Record<Exclude<RemoteOp, "sessions">, { scope: Scope; run: (rt: Runtime, c: Caller, session: string, a: Args) => unknown }> = {
  exec: { scope: "exec", run: (rt, c, s, a) => execCommand(rt, c, s, a as Parameters<typeof execCommand>[3]) },
  wait: { scope: "read", run: (rt, c, s, a) => waitFor(rt, c, s, a as Parameters<typeof waitFor>[3]) },
  send: { scope: "exec", run: (rt, c, s, a) => sendInput(rt, c, s, a as Parameters<typeof sendInput>[3]) },
  read: { scope: "read", run: (rt, c, s, a) => readOutput(rt, c, s, a as Parameters<typeof readOutput>[3]) },
  screen: { scope: "read", run: (rt, c, s) => screenOf(rt, c, s) },
  kill: { scope: "exec", run: (rt, c, s) => killSession(rt, c, s) },
};

/** This node's sessions the caller may see, each named with its node. */
export function nodeSessions(rt: Runtime, caller: Caller, self: string): NodeSession[] {
  return visibleSessions(rt, caller).map((s) => ({ ...s.info(), node: self }));
}

/** What this node does for a caller from another node: the same domain functions as a local call. */
async function answer(rt: Runtime, self: string, req: Request): Promise<unknown> {
  const caller = fromWire(req.caller);
  if (req.op === "sessions") {
    requireScope(caller, "read");
    return nodeSessions(rt, caller, self);
  }
  const op = OPS[req.op];
  if (!op) throw new AppError("invalid", `this node does not know the operation "${String(req.op)}" (is it an older version?)`);
  requireScope(caller, op.scope);
  const { session, ...args } = req.args as Args & { session: string };
  requireSessionVisible(rt, caller, String(session));
  const r = (await op.run(rt, caller, String(session), args)) as Record<string, unknown>;
  // named as the caller names it: NAME@NODE
  return r && typeof r === "object" && typeof r.session === "string" ? { ...r, session: `${r.session}@${self}` } : r;
}

/** Answers requests sent to this node's subject, one at a time per request (they run concurrently). */
export function serveCalls(nc: NatsConnection, n: Names, self: string, rt: Runtime): Subscription {
  return nc.subscribe(n.call(self), {
    callback: (err, msg) => {
      if (err) return;
      void (async () => {
        let a: Answer;
        try {
          a = { ok: await answer(rt, self, msg.json<Request>()) };
        } catch (e) {
          const x = toAppError(e);
          a = { error: { code: x.code, message: x.message } };
        }
        let text = JSON.stringify(a);
        if (text.length > nc.info!.max_payload) {
          text = JSON.stringify({ error: { code: "too_large", message: `the answer (${text.length} bytes) is larger than NATS carries (${nc.info!.max_payload}); use --raw less or read the output in pieces on node ${self}` } });
        }
        msg.respond(text);
      })();
    },
  });
}

/** Sends one request to a node and gives back its answer, or throws the AppError it answered. */
export async function callNode(nc: NatsConnection, n: Names, from: string, node: string, op: RemoteOp, caller: Caller, args: Record<string, unknown>, timeoutMs: number): Promise<unknown> {
  const req: Request = { op, caller: toWire(caller, from), args };
  let a: Answer;
  try {
    a = (await nc.request(n.call(node), JSON.stringify(req), { timeout: timeoutMs })).json<Answer>();
  } catch (err) {
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
