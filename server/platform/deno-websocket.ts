// Deno's native WebSocket upgrade (see types.ts, NativeHandlers): the bus stream's handlers get a
// socket with Bun's shape. Deno has no cork, no read pause and no drain event: writes go one by
// one, and the bus's own poll comes round to write more.
import type { Context } from "hono";
import { notAnUpgrade } from "./upgrade.ts";
import type { NativeHandlers, NativeSocket } from "./types.ts";

interface DenoUpgrade {
  upgradeWebSocket(req: Request): { socket: WebSocket; response: Response };
}
const Deno = (globalThis as unknown as { Deno: DenoUpgrade }).Deno;

export function upgradeNative(c: Context, handlers: NativeHandlers): Response {
  if (c.req.header("upgrade")?.toLowerCase() !== "websocket") return notAnUpgrade(c);
  const { socket, response } = Deno.upgradeWebSocket(c.req.raw);
  const ws: NativeSocket = {
    send: (text) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    close: (code, reason) => socket.close(code, reason),
    getBufferedAmount: () => socket.bufferedAmount,
    cork: (fn) => fn(),
    pause: () => {},
    resume: () => {},
  };
  socket.onopen = () => handlers.open(ws);
  socket.onmessage = (e) => handlers.message(ws, typeof e.data === "string" ? e.data : Buffer.from(e.data as ArrayBuffer));
  socket.onclose = (e) => handlers.close(ws, e.code, e.reason);
  return response;
}
