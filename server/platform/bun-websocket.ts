// Bun's WebSockets (see types.ts, NativeHandlers): the `websocket` handlers Bun.serve takes, and the
// native upgrade the bus stream uses.
import type { Context } from "hono";
import { websocket as honoWebsocket } from "hono/bun";
import type { ServerWebSocket } from "bun";
import type { NativeHandlers } from "./types.ts";
import { notAnUpgrade } from "./upgrade.ts";

type Data = { native?: NativeHandlers } | undefined;
const nativeOf = (ws: ServerWebSocket<unknown>) => (ws.data as Data)?.native;
type HonoWs = Parameters<typeof honoWebsocket.open>[0];

/**
 * The `websocket` handlers given to Bun.serve: sockets upgraded with upgradeNative go straight to
 * their handlers (the bus stream: hundreds of thousands of frames a second, and it needs `drain`);
 * every other socket goes through Hono's upgradeWebSocket as before.
 */
export const websocket = {
  open(ws: ServerWebSocket<unknown>) {
    const n = nativeOf(ws);
    if (n) n.open(ws);
    else honoWebsocket.open(ws as HonoWs);
  },
  message(ws: ServerWebSocket<unknown>, data: string | Buffer) {
    const n = nativeOf(ws);
    if (n) n.message(ws, data);
    else honoWebsocket.message(ws as HonoWs, data as never);
  },
  close(ws: ServerWebSocket<unknown>, code: number, reason: string) {
    const n = nativeOf(ws);
    if (n) n.close(ws, code, reason);
    else honoWebsocket.close(ws as HonoWs, code, reason);
  },
  drain(ws: ServerWebSocket<unknown>) {
    nativeOf(ws)?.drain?.(ws);
  },
};

/** Upgrades the request to a WebSocket served by `handlers`; a Response when it is not an upgrade. */
export function upgradeNative(c: Context, handlers: NativeHandlers): Response {
  const env = c.env as { server?: { upgrade(req: Request, o: { data: unknown }): boolean } } | undefined;
  const server = env && "server" in env ? env.server : (env as never);
  if (server?.upgrade?.(c.req.raw, { data: { native: handlers } })) return new Response(null);
  return notAnUpgrade(c);
}
