import { toAppError } from "../errors.ts";
import type { Runtime } from "../runtime.ts";
import type { Caller } from "../security/auth.ts";
import { requireFrameScope, type Access } from "./sessions.ts";
import type { Session } from "../session/session.ts";
import { redactionEnabled } from "../security/redact.ts";
import { StreamRedactor } from "../security/stream-redact.ts";

/**
 * What a viewer is sent: output with known secret shapes redacted (unless AI_SESSION_REDACT=0), as
 * stored output is. The redactor holds back a chunk's tail that may be the start of a secret until
 * the next chunk (or a moment of quiet), so a secret split across two reads is still caught.
 */
function shownTo(ws: ViewerSocket): { push(bytes: Uint8Array): void; flush(): void; close(): void } {
  const send = (bytes: Uint8Array) => ws.send(bytes as Uint8Array<ArrayBuffer>);
  if (!redactionEnabled()) return { push: send, flush() {}, close() {} };
  return new StreamRedactor(send);
}

/** Scrollback replayed to a new viewer so the terminal shows what was there. */
const REPLAY_BYTES = 256 * 1024;
/** A viewer that stops reading is cut off past this much unsent output. */
export const MAX_BUFFERED = 8 * 1024 * 1024;

/** What a viewer writes to: the WebSocket, or (for a viewer on another node) its NATS subjects. */
export interface ViewerSocket {
  send(data: string | Uint8Array<ArrayBuffer>): void;
  close(code?: number, reason?: string): void;
  raw?: unknown;
}

/** A viewer of a session of this server, after the attach check; throws the AppError that refuses it. */
export function openViewer(rt: Runtime, name: string, caller: Caller) {
  const session = rt.sessions.get(name);
  rt.sessions.check({ kind: "attach", agent: caller.agent, role: roleOf(caller), session: session.info() });
  return viewer(rt, session, caller);
}

/** Reading the stream needs read; typing and resizing, like POST .../send and .../resize, exec. */
export const STREAM_ACCESS: Access = { scope: "read", session: { param: "name" }, frames: { input: "exec", resize: "exec" } };

function roleOf(caller: Caller): string | undefined {
  return caller.role;
}

/** Why this caller may not type raw keys, or null when it may. */
function typingRefusal(caller: Caller): string | null {
  try {
    requireFrameScope(caller, STREAM_ACCESS, "input");
  } catch (err) {
    return `${(err as Error).message}: it is read-only here`;
  }
  const held = caller.agent ? `agent "${caller.agent}"` : roleOf(caller) ? `the token "${caller.name}" (role ${roleOf(caller)})` : null;
  if (held) return `${held} may not type raw keys into a terminal: keystrokes cannot be checked against its role's policy; use exec or send (ai-session exec / send), which are checked`;
  return null;
}

function viewer(rt: Runtime, session: Session, caller: Caller) {
  const refusal = typingRefusal(caller);
  const canType = refusal === null;
  let off: (() => void) | undefined;
  return {
    onOpen(_ev: Event | undefined, ws: ViewerSocket) {
      const from = Math.max(session.scrollback.start, session.scrollback.end - REPLAY_BYTES);
      const first = session.scrollback.read(from);
      ws.send(JSON.stringify({ type: "hello", session: session.name, cols: session.config.cols, rows: session.config.rows, writable: canType, offset: first.offset }));
      const shown = shownTo(ws);
      if (first.data.length) shown.push(first.data);
      const onOutput = (id: string, bytes: Uint8Array) => {
        if (id !== session.id) return;
        const raw = ws.raw as { getBufferedAmount?: () => number } | undefined;
        if ((raw?.getBufferedAmount?.() ?? 0) > MAX_BUFFERED) {
          ws.close(4008, "viewer too slow");
          return;
        }
        shown.push(bytes);
      };
      const onEnded = (info: { id: string; status: string }) => {
        if (info.id !== session.id) return;
        shown.flush();
        ws.send(JSON.stringify({ type: "exit", status: info.status, exit_code: session.exitCode }));
        ws.close(1000, "session ended");
      };
      rt.sessions.events.on("output", onOutput);
      rt.sessions.events.on("session:ended", onEnded);
      off = () => {
        shown.close();
        rt.sessions.events.off("output", onOutput);
        rt.sessions.events.off("session:ended", onEnded);
      };
    },
    onMessage(ev: Pick<MessageEvent, "data">, ws: ViewerSocket) {
      let msg: { type?: string; data?: unknown; cols?: unknown; rows?: unknown };
      try {
        msg = JSON.parse(typeof ev.data === "string" ? ev.data : new TextDecoder().decode(ev.data as ArrayBuffer));
      } catch {
        ws.send(JSON.stringify({ type: "error", code: "invalid", message: "messages are JSON: {type:\"input\",data} or {type:\"resize\",cols,rows}" }));
        return;
      }
      const deny = (message: string) => ws.send(JSON.stringify({ type: "error", code: "denied", message }));
      try {
        if (msg.type === "input" && typeof msg.data === "string") {
          if (!canType) return deny(refusal!);
          rt.sessions.check({ kind: "send", agent: caller.agent, role: roleOf(caller), session: session.info() });
          session.writeRaw(msg.data);
          session.commands.noteInput();
        } else if (msg.type === "resize" && Number.isInteger(msg.cols) && Number.isInteger(msg.rows)) {
          requireFrameScope(caller, STREAM_ACCESS, "resize");
          rt.sessions.check({ kind: "send", agent: caller.agent, role: roleOf(caller), session: session.info() });
          const cols = Math.min(1000, Math.max(10, msg.cols as number));
          const rows = Math.min(500, Math.max(2, msg.rows as number));
          session.resize(cols, rows);
        } else {
          ws.send(JSON.stringify({ type: "error", code: "invalid", message: `unknown message type ${JSON.stringify(msg.type)}` }));
        }
      } catch (err) {
        const e = toAppError(err);
        ws.send(JSON.stringify({ type: "error", code: e.code, message: e.message }));
      }
    },
    onClose() {
      off?.();
    },
  };
}
