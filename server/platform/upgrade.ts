import type { Context } from "hono";

/** The answer to a plain request at a WebSocket endpoint. */
export function notAnUpgrade(c: Context): Response {
  return c.json({ error: { code: "invalid", message: "this is a WebSocket endpoint: connect with a WebSocket client (Upgrade: websocket)" } }, 426);
}
