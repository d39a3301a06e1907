import { Hono } from "hono";
import { upgradeWebSocket } from "../platform/index.ts";
import type { WSContext } from "hono/ws";
import type { AppEnv } from "./env.ts";
import { toAppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import type { Caller } from "../security/auth.ts";
import { allow } from "./access.ts";
import { MAX_BUFFERED, openViewer, STREAM_ACCESS } from "../access/viewer.ts";
import { sessionTarget, type ClusterPort, type TerminalLink } from "../cluster-port.ts";

/**
 * WS /api/sessions/:name/stream — the live terminal (attach, the dashboard). Server → client:
 * binary frames of output (the recent scrollback first), text frames of JSON events
 * ({type:"exit"} | {type:"error"}). Client → server: {type:"input",data} and {type:"resize",cols,rows},
 * each an operation with the scope of its HTTP twin (send, resize: exec); a read-only viewer's
 * input is refused. Opening the stream is reading the session: the ownership check applies. Raw
 * keystrokes cannot be judged by a role's policy (a command is typed a key at a time, edited,
 * recalled from history), so a caller acting as an agent or held to a role may watch and resize but
 * not type: it uses exec and send, which the policy checks.
 */
export function sessionStreamRoutes(rt: Runtime) {
  const app = new Hono<AppEnv>();
  app.get(
    "/sessions/:name/stream",
    allow(STREAM_ACCESS),
    upgradeWebSocket((c) => {
      const caller = c.get("caller");
      const to = sessionTarget(rt.cluster, c.req.param("name") ?? "");
      if (to.node) return remoteViewer(rt.cluster!, to.node, to.session, caller);
      try {
        return openViewer(rt, to.session, caller);
      } catch (err) {
        const e = toAppError(err);
        return {
          onOpen: (_ev, ws) => {
            ws.send(JSON.stringify({ type: "error", code: e.code, message: e.message }));
            ws.close(4000, e.code);
          },
        };
      }
    }),
  );
  return app;
}

/** The live terminal of a session on another node, relayed over the cluster (server/cluster/terminal.ts). */
function remoteViewer(cluster: ClusterPort, node: string, session: string, caller: Caller) {
  let link: TerminalLink | undefined;
  return {
    onOpen(_ev: Event, ws: WSContext) {
      link = cluster.terminal(node, session, caller, {
        text: (t) => ws.send(t),
        bytes(b) {
          const raw = ws.raw as { getBufferedAmount?: () => number } | undefined;
          if ((raw?.getBufferedAmount?.() ?? 0) > MAX_BUFFERED) link?.close(), ws.close(4008, "viewer too slow");
          else ws.send(b as Uint8Array<ArrayBuffer>);
        },
        close: (code, reason) => ws.close(code, reason),
      });
    },
    onMessage(ev: MessageEvent) {
      link?.input(typeof ev.data === "string" ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer));
    },
    onClose() {
      link?.close();
    },
  };
}
