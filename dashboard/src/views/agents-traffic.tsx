import { createMemo, createSignal, For, onCleanup, Show } from "solid-js";
import { ApiError, get } from "../api/client.ts";
import { onServerEvent } from "../api/events.ts";
import { destination, listOf, payloadText, type BusMessage } from "../api/observability.ts";
import { Empty, ErrorNote, NotAvailable } from "../components/notes.tsx";
import { VirtualList } from "../components/virtual-list.tsx";
import { clock } from "../lib/format.ts";
import { TalkGraph } from "./agents-graph.tsx";

/** The page keeps the latest messages; older ones stay in `ai-session bus history`. */
export const KEEP = 10_000;
const ROW = 30;

/** Bus messages as a live stream, filtered by agent, topic and type, with a picture of who talks to whom. */
export function Traffic() {
  const [messages, setMessages] = createSignal<BusMessage[]>([]);
  const [dropped, setDropped] = createSignal(0);
  const [error, setError] = createSignal<ApiError>();
  const [agent, setAgent] = createSignal("");
  const [topic, setTopic] = createSignal("");
  const [type, setType] = createSignal("");
  let lastSeq = -1;
  let busy = false;

  async function pull() {
    if (busy) return;
    busy = true;
    try {
      const q = lastSeq < 0 ? `limit=${KEEP}` : `after=${lastSeq}&limit=${KEEP}`;
      const fresh = listOf<BusMessage>(await get(`/api/bus/messages?${q}`), "messages").filter((m) => m.seq > lastSeq);
      setError(undefined);
      if (!fresh.length) return;
      lastSeq = Math.max(lastSeq, ...fresh.map((m) => m.seq));
      const all = [...messages(), ...fresh];
      if (all.length > KEEP) {
        setDropped((d) => d + all.length - KEEP);
        all.splice(0, all.length - KEEP);
      }
      setMessages(all);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "internal", String(e)));
    } finally {
      busy = false;
    }
  }
  void pull();
  const timer = setInterval(() => document.visibilityState === "visible" && void pull(), 1500);
  const off = onServerEvent((e) => /bus|message/.test(e.type) && void pull());
  onCleanup(() => {
    clearInterval(timer);
    off();
  });

  const agents = createMemo(() => [...new Set(messages().flatMap((m) => [m.sender, m.to ?? ""]).filter(Boolean))].sort());
  const topics = createMemo(() => [...new Set(messages().map((m) => m.topic ?? "").filter(Boolean))].sort());
  const types = createMemo(() => [...new Set(messages().map((m) => m.type))].sort());
  const shown = createMemo(() =>
    messages().filter(
      (m) => (!agent() || m.sender === agent() || m.to === agent()) && (!topic() || m.topic === topic()) && (!type() || m.type === type()),
    ),
  );

  const select = (label: string, value: () => string, set: (v: string) => void, options: () => string[], all: string) => (
    <label>
      {label}
      <select value={value()} onChange={(e) => set(e.currentTarget.value)}>
        <option value="">{all}</option>
        <For each={options()}>{(o) => <option value={o}>{o}</option>}</For>
      </select>
    </label>
  );

  return (
    <div class="two-col traffic">
      <section class="card" aria-labelledby="traffic-title">
        <h2 id="traffic-title">Message traffic</h2>
        <ErrorNote error={error()} />
        <Show when={!error()?.missingRoute} fallback={<NotAvailable what="message bus history" route="/api/bus/messages" />}>
          <div class="filters" role="group" aria-label="Filter messages">
            {select("Agent", agent, setAgent, agents, "all agents")}
            {select("Topic", topic, setTopic, topics, "all topics")}
            {select("Type", type, setType, types, "all types")}
            <p class="muted" aria-live="polite">
              {shown().length.toLocaleString("en")} of {messages().length.toLocaleString("en")} messages
              {dropped() ? ` (${dropped().toLocaleString("en")} older ones not kept on this page)` : ""}
            </p>
          </div>
          <Show
            when={shown().length}
            fallback={<Empty title={messages().length ? "No message matches these filters." : "No messages yet."}>Agents talk with <code>ai-session bus send</code>.</Empty>}
          >
            <VirtualList items={shown()} rowHeight={ROW} height="24rem" label="Messages, oldest first" role="log" follow>
              {(m) => (
                <div class="msg-grid" data-testid="bus-message">
                  <span class="muted">{clock(m.time)}</span>
                  <span class="badge">{m.type}</span>
                  <span class="ellipsis">
                    <strong>{m.sender}</strong> → {destination(m)}
                  </span>
                  <span class="mono ellipsis" title={`${payloadText(m.payload)}${m.correlation_id ? `\ncorrelation ${m.correlation_id}` : ""}`}>
                    {payloadText(m.payload)}
                  </span>
                </div>
              )}
            </VirtualList>
          </Show>
        </Show>
      </section>
      <section class="card" aria-labelledby="graph-title">
        <h2 id="graph-title">Who talks to whom</h2>
        <Show when={messages().length} fallback={<p class="muted">Drawn from the messages once there are some.</p>}>
          <TalkGraph messages={shown()} />
        </Show>
      </section>
    </div>
  );
}
