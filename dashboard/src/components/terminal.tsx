import { FitAddon } from "@xterm/addon-fit";
import { Terminal } from "@xterm/xterm";
import "@xterm/xterm/css/xterm.css";
import { createEffect, createSignal, onCleanup, onMount } from "solid-js";
import { enc, wsUrl } from "../api/client.ts";

interface Props {
  session: string;
  /** Keys typed go to the shell only while this is true (exec scope and the control switch). */
  writable: () => boolean;
  /** The session's size, used while read-only (the page then does not resize the shell). */
  cols?: number;
  rows?: number;
}

type Link = "connecting" | "live" | "closed";

/**
 * A live view of the session's PTY: @xterm/xterm fed by WS /api/sessions/:name/stream (which starts
 * with the current scrollback). With control on, keys and the panel's size go back to the shell.
 */
export function LiveTerminal(props: Props) {
  let host!: HTMLDivElement;
  const [link, setLink] = createSignal<Link>("connecting");
  const [closedWhy, setClosedWhy] = createSignal("");
  const [notice, setNotice] = createSignal("");

  onMount(() => {
    const dark = matchMedia("(prefers-color-scheme: dark)").matches;
    const term = new Terminal({
      convertEol: false,
      cursorBlink: false,
      fontFamily: "ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      fontSize: 12,
      scrollback: 5000,
      disableStdin: true,
      theme: dark
        ? { background: "#0d1117", foreground: "#e6edf3", cursor: "#e6edf3", selectionBackground: "#264f78" }
        : { background: "#ffffff", foreground: "#1f2328", cursor: "#1f2328", selectionBackground: "#b6d7ff" },
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);

    let ws: WebSocket | undefined;
    let stopped = false;
    let retry: ReturnType<typeof setTimeout> | undefined;
    let backoff = 500;
    let shellSize: { cols: number; rows: number } | undefined;

    const send = (msg: object) => ws?.readyState === WebSocket.OPEN && ws.send(JSON.stringify(msg));

    function sizeToShell() {
      if (props.writable()) {
        fit.fit();
        send({ type: "resize", cols: term.cols, rows: term.rows });
      } else {
        const size = shellSize ?? (props.cols && props.rows ? { cols: props.cols, rows: props.rows } : undefined);
        if (size && (term.cols !== size.cols || term.rows !== size.rows)) term.resize(size.cols, size.rows);
      }
    }

    function connect() {
      setLink("connecting");
      const sock = new WebSocket(wsUrl(`/api/sessions/${enc(props.session)}/stream`));
      sock.binaryType = "arraybuffer";
      ws = sock;
      let first = true;
      sock.onopen = () => {
        setLink("live");
        backoff = 500;
        sizeToShell();
      };
      sock.onmessage = (m) => {
        if (first) {
          term.reset(); // the stream starts with the scrollback again after a reconnect
          first = false;
        }
        if (m.data instanceof ArrayBuffer) term.write(new Uint8Array(m.data));
        else if (typeof m.data === "string") onControl(m.data);
      };
      sock.onclose = (e) => {
        if (ws !== sock) return;
        setLink("closed");
        setClosedWhy(e.reason || (e.code === 1000 ? "the session ended" : `connection closed (${e.code})`));
        // 1000: the session ended; 4xxx: the server refused (no such session, denied): retrying would not help.
        if (!stopped && e.code !== 1000 && e.code < 4000) retry = setTimeout(connect, (backoff = Math.min(backoff * 2, 8000)));
      };
    }

    /** Text frames are JSON events: hello (the shell's size), error (e.g. input refused), exit. */
    function onControl(text: string) {
      let msg: { type?: string; cols?: number; rows?: number; message?: string; status?: string; exit_code?: number | null };
      try {
        msg = JSON.parse(text);
      } catch {
        return;
      }
      if ((msg.type === "hello" || msg.type === "resize") && msg.cols && msg.rows) {
        shellSize = { cols: msg.cols, rows: msg.rows };
        if (!props.writable()) term.resize(msg.cols, msg.rows);
      } else if (msg.type === "error") setNotice(msg.message ?? "the server refused that");
      else if (msg.type === "exit") setClosedWhy(`the session ended (exit ${msg.exit_code ?? "?"})`);
    }

    // No keyboard trap: read-only, Tab moves focus on as anywhere; with typing on, Esc then Tab leaves.
    let escAt = 0;
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== "keydown") return true;
      if (e.key === "Escape") escAt = e.timeStamp;
      if (e.key !== "Tab") return true;
      return props.writable() && e.timeStamp - escAt > 1000;
    });

    term.onData((data) => {
      if (props.writable()) send({ type: "input", data });
    });

    createEffect(() => {
      term.options.disableStdin = !props.writable();
      term.options.cursorBlink = props.writable();
      sizeToShell();
    });

    const ro = new ResizeObserver(() => props.writable() && sizeToShell());
    ro.observe(host);
    connect();

    onCleanup(() => {
      stopped = true;
      clearTimeout(retry);
      ro.disconnect();
      ws?.close(1000);
      term.dispose();
    });
  });

  return (
    <div class="term-wrap">
      <p class="term-status" role="status" aria-live="polite" data-testid="terminal-status" data-link={link()}>
        <span class={`dot dot-${link()}`} aria-hidden="true" />
        {link() === "live" ? "Live" : link() === "connecting" ? "Connecting…" : `Disconnected: ${closedWhy()}`}
        {" · "}
        {props.writable() ? "typing goes to the shell (Esc then Tab leaves the terminal)" : "read-only"}
        {notice() ? ` · ${notice()}` : ""}
      </p>
      <div
        class="term"
        ref={host}
        role="group"
        aria-label={`Terminal of session ${props.session}`}
        data-testid="terminal"
        data-writable={props.writable() ? "true" : "false"}
      />
    </div>
  );
}
