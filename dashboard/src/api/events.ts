import { createSignal } from "solid-js";
import { sseUrl, wsUrl } from "./client.ts";

export interface ServerEvent {
  type: string;
  [k: string]: unknown;
}

type Listener = (e: ServerEvent) => void;
const listeners = new Set<Listener>();

/** "ws" or "sse" when live events flow, "poll" when the server has no event stream (views then poll). */
export const [eventMode, setEventMode] = createSignal<"ws" | "sse" | "poll">("poll");

export function onServerEvent(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Tells the page's views about a change the page itself made (they refresh at once instead of at the next poll). */
export function announce(type: string): void {
  for (const fn of listeners) fn({ type });
}

function dispatch(raw: string): void {
  let e: ServerEvent;
  try {
    const parsed = JSON.parse(raw) as Partial<ServerEvent> & { event?: string };
    e = { ...parsed, type: String(parsed.type ?? parsed.event ?? "message") };
  } catch {
    return;
  }
  for (const fn of listeners) fn(e);
}

let started = false;

/** Connects to GET /api/events: SSE first, then a WebSocket; without either, retries now and then while views poll. */
export function startEvents(): void {
  if (started) return;
  started = true;
  trySse();
}

function tryWs(): void {
  let opened = false;
  const ws = new WebSocket(wsUrl("/api/events"));
  ws.onopen = () => {
    opened = true;
    setEventMode("ws");
  };
  ws.onmessage = (m) => typeof m.data === "string" && dispatch(m.data);
  ws.onclose = () => {
    setEventMode("poll");
    setTimeout(opened ? tryWs : trySse, opened ? 2000 : 60_000);
  };
}

function trySse(): void {
  const es = new EventSource(sseUrl("/api/events"));
  let opened = false;
  es.onopen = () => {
    opened = true;
    setEventMode("sse");
  };
  es.onmessage = (m) => dispatch(m.data);
  es.onerror = () => {
    if (es.readyState !== EventSource.CLOSED) return; // the browser reconnects by itself
    setEventMode("poll");
    if (opened) setTimeout(trySse, 2000);
    else tryWs();
  };
}
