/**
 * The floor of the bus's latency on this machine: a bare Bun WebSocket relay in its own process,
 * with no persistence, routing, inboxes or acknowledgements. It takes the bus stream's publish frames
 * (`{"op":"publish","to":NAME,"payload":…}`) from a connection opened with `?agent=NAME` and writes
 * the payload to the connection named `to` in a frame shaped like the bus's (`{"kind":"message",
 * "seq":N,…,"payload":…}`); everything else it drops. Prints its port, then serves until killed.
 * test/bench/bus.ts measures it with the same client and schedule as the real bus.
 */
const byName = new Map<string, Bun.ServerWebSocket<string>>();
let seq = 0;
const server = Bun.serve<string>({
  port: 0,
  hostname: "127.0.0.1",
  fetch(req, srv) {
    if (srv.upgrade(req, { data: new URL(req.url).searchParams.get("agent") ?? "" })) return undefined;
    return new Response("a WebSocket relay", { status: 400 });
  },
  websocket: {
    open(ws) {
      byName.set(ws.data, ws);
    },
    close(ws) {
      byName.delete(ws.data);
    },
    message(_ws, raw) {
      const text = String(raw);
      const to = /"to":"([^"]*)"/.exec(text)?.[1];
      const at = text.indexOf('"payload":');
      if (!to || at < 0) return;
      byName.get(to)?.send(`{"kind":"message","seq":${++seq},"to":"${to}","payload":${text.slice(at + 10, -1)}}`);
    },
  },
});
console.log(server.port);
