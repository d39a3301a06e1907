import type { NatsConnection } from "@nats-io/transport-node";
import { toAppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import type { Caller } from "../security/auth.ts";
import { openViewer, type ViewerSocket } from "../access/viewer.ts";
import type { TerminalLink, TerminalSink } from "../cluster-port.ts";
import type { Names } from "./connection.ts";

/**
 * A live terminal across nodes, on core NATS subjects of its own (ais.C.term.ID.out / .in).
 * The session's node runs the same viewer as for a local WebSocket (replay, redaction, the
 * attach and typing checks, all for the caller as it arrived) and publishes its frames; the
 * viewer's node relays them to the WebSocket and sends input back. Each frame's first byte says
 * what it is. The viewer's node pings every few seconds; a stream not pinged for 20 s is ended
 * on the session's node (the viewer's node died), and a viewer whose session's node goes down
 * is told so and closed.
 */
const OUTPUT = 0;
const EVENT = 1;
const CLOSE = 2;
const PING = '{"type":"ping"}';
const BYE = '{"type":"close"}';
const PING_MS = 5000;
const SILENT_MS = 20_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function frame(kind: number, body: Uint8Array | string): Uint8Array {
  const b = typeof body === "string" ? encoder.encode(body) : body;
  const out = new Uint8Array(b.length + 1);
  out[0] = kind;
  out.set(b, 1);
  return out;
}

/** The session's node: runs a viewer for a caller of another node and relays it over `id`'s subjects. */
export function serveTerminal(nc: NatsConnection, n: Names, rt: Runtime, caller: Caller, session: string, id: string): { stream: string } {
  const v = openViewer(rt, session, caller); // throws what refuses it: answered as the request's error
  let closed = false;
  let heard = Date.now();
  const sock: ViewerSocket = {
    send(d) {
      if (!closed) nc.publish(n.termOut(id), typeof d === "string" ? frame(EVENT, d) : frame(OUTPUT, d instanceof ArrayBuffer ? new Uint8Array(d) : (d as Uint8Array)));
    },
    close(code, reason) {
      if (closed) return;
      nc.publish(n.termOut(id), frame(CLOSE, JSON.stringify({ code, reason })));
      end();
    },
  };
  const sub = nc.subscribe(n.termIn(id), {
    callback: (err, m) => {
      if (err || closed) return;
      heard = Date.now();
      const text = m.string();
      if (text === PING) return;
      if (text === BYE) return end();
      v.onMessage({ data: text }, sock);
    },
  });
  const timer = setInterval(() => Date.now() - heard > SILENT_MS && end(), PING_MS);
  function end() {
    if (closed) return;
    closed = true;
    clearInterval(timer);
    sub.unsubscribe();
    v.onClose();
  }
  v.onOpen(undefined, sock);
  return { stream: id };
}

/**
 * The viewer's node: listens on the stream's output subject first, then asks the session's node
 * to start it (`start`, a request carrying the caller); its refusal is shown as on a local stream.
 */
export function openTerminal(
  nc: NatsConnection,
  n: Names,
  start: (id: string) => Promise<unknown>,
  node: string,
  nodeUp: () => boolean,
  to: TerminalSink,
): TerminalLink {
  const id = crypto.randomUUID();
  let open = true;
  const finish = () => {
    open = false;
    clearInterval(timer);
    sub.unsubscribe();
  };
  const sub = nc.subscribe(n.termOut(id), {
    callback: (err, m) => {
      if (err || !open) return;
      const body = m.data.subarray(1);
      if (m.data[0] === OUTPUT) to.bytes(body);
      else if (m.data[0] === EVENT) to.text(decoder.decode(body));
      else if (m.data[0] === CLOSE) {
        const { code, reason } = JSON.parse(decoder.decode(body)) as { code: number; reason: string };
        finish();
        to.close(code, reason);
      }
    },
  });
  const fail = (code: string, message: string, wsCode = 4000) => {
    if (!open) return;
    finish();
    to.text(JSON.stringify({ type: "error", code, message }));
    to.close(wsCode, code);
  };
  const timer = setInterval(() => {
    if (!nodeUp()) return fail("unavailable", `node "${node}" is down: its terminal is gone (ai-session nodes shows which are up)`, 1011);
    nc.publish(n.termIn(id), PING);
  }, PING_MS);
  start(id).catch((err) => {
    const e = toAppError(err);
    fail(e.code, e.message);
  });
  return {
    input(f) {
      if (open) nc.publish(n.termIn(id), f);
    },
    close() {
      if (!open) return;
      nc.publish(n.termIn(id), BYE);
      finish();
    },
  };
}
