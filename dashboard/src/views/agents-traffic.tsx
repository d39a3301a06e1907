import { createMemo, createSignal, For, onCleanup, Show } from "solid-js";
import { ApiError, get, wsUrl } from "../api/client.ts";
import { onServerEvent } from "../api/events.ts";
import { clusterNode } from "../api/cluster.ts";
import { destination, listOf, payloadText, type BusMessage } from "../api/observability.ts";
import { Empty, ErrorNote, NotAvailable } from "../components/notes.tsx";
import { VirtualList } from "../components/virtual-list.tsx";
import { clock } from "../lib/format.ts";
import { TalkGraph } from "./agents-graph.tsx";

/** The page keeps the latest messages; older ones stay in `ai-session bus history`. */
export const KEEP = 10_000;
/** The most messages one node gives for one read of the cluster's traffic (TRAFFIC_LIMIT on the server). */
const PAGE = 2000;
const ROW = 30;

/** A message's key on this page: its seq, and in a cluster the node whose seq it is. */
const keyOf = (m: BusMessage) => (m.node ? `${m.node}:${m.seq}` : String(m.seq));
/** Oldest first: by seq on one server; by time across a cluster's nodes (each has its own seqs). */
const order = (a: BusMessage, b: BusMessage) => (a.node || b.node ? a.time - b.time || keyOf(a).localeCompare(keyOf(b)) : a.seq - b.seq);

/**
 * Bus messages as a live stream, filtered by agent, topic and type, with a picture of who talks to
 * whom. In a cluster: every node's messages (GET /api/cluster/bus/messages), polled each second.
 */
export function Traffic() {
  const [messages, setMessages] = createSignal<BusMessage[]>([]);
  const [dropped, setDropped] = createSignal(0);
  const [error, setError] = createSignal<ApiError>();
  const [agent, setAgent] = createSignal("");
  const [topic, setTopic] = createSignal("");
  const [type, setType] = createSignal("");
  const [live, setLive] = createSignal(false);
  let lastSeq = -1;
  /** In a cluster: the last seq read of each node. */
  const lastOf = new Map<string, number>();
  let cluster = false;
  let busy = false;
  let pending: BusMessage[] = [];

  const seen = new Set<string>();

  /** Adds new messages (no repeats; the live stream and the history may both bring one), oldest first, keeping the latest KEEP. */
  function append(fresh: BusMessage[]) {
    const add = fresh.filter((m) => !seen.has(keyOf(m))).sort(order);
    if (!add.length) return;
    for (const m of add) {
      seen.add(keyOf(m));
      if (m.node) lastOf.set(m.node, Math.max(lastOf.get(m.node) ?? 0, m.seq));
    }
    const last = messages().at(-1);
    const inOrder = !last || order(last, add[0]!) < 0;
    lastSeq = Math.max(lastSeq, add[add.length - 1]!.seq);
    const all = inOrder ? [...messages(), ...add] : [...messages(), ...add].sort(order);
    if (all.length > KEEP) {
      for (const m of all.slice(0, all.length - KEEP)) seen.delete(keyOf(m));
      setDropped((d) => d + all.length - KEEP);
      all.splice(0, all.length - KEEP);
    }
    setMessages(all);
  }

  /** Catches up through the history route (at start, after a reconnect, and while there is no live stream). */
  async function pull() {
    if (busy) return;
    busy = true;
    try {
      if (cluster) {
        // a page after each node's last seq is that node's next 2,000: a node that gave a full page has more
        for (let turn = 0; turn < 10; turn++) {
          const after = [...lastOf].map(([node, seq]) => `${node}:${seq}`).join(",");
          const page = await get<BusMessage[]>(`/api/cluster/bus/messages?limit=${PAGE}${after ? `&after=${after}` : ""}`);
          append(page);
          const perNode = new Map<string, number>();
          for (const m of page) perNode.set(m.node!, (perNode.get(m.node!) ?? 0) + 1);
          if (!after || ![...perNode.values()].some((n) => n >= PAGE)) break;
        }
      } else {
        const q = lastSeq < 0 ? `limit=${KEEP}` : `after=${lastSeq}&limit=${KEEP}`;
        append(listOf<BusMessage>(await get(`/api/bus/messages?${q}`), "messages"));
      }
      setError(undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, "internal", String(e)));
    } finally {
      busy = false;
    }
  }

  // Live: every message as it is published (WS /api/bus/stream?all=1), batched into the list 5 times a second.
  let ws: WebSocket | undefined;
  let stopped = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  function connect() {
    const sock = new WebSocket(wsUrl("/api/bus/stream?all=1"));
    ws = sock;
    sock.onopen = () => {
      setLive(true);
      void pull(); // whatever was published while connecting
    };
    sock.onmessage = (e) => {
      if (typeof e.data !== "string") return;
      const frame = JSON.parse(e.data) as { kind?: string; message?: BusMessage; count?: number };
      if (frame.kind === "message" && frame.message) pending.push(frame.message);
      else if (frame.kind === "dropped" && frame.count) setDropped((d) => d + frame.count!);
    };
    sock.onclose = () => {
      setLive(false);
      if (!stopped) retry = setTimeout(connect, 5000);
    };
  }
  const flush = setInterval(() => {
    if (!pending.length) return;
    const batch = pending;
    pending = [];
    append(batch);
  }, 200);

  // a cluster's other nodes send no live stream here: their messages are polled
  void clusterNode()
    .then((node) => (cluster = node !== null))
    .then(pull)
    .then(() => !cluster && !stopped && connect());
  const timer = setInterval(() => !live() && document.visibilityState === "visible" && void pull(), 1000);
  const off = onServerEvent((e) => !live() && /bus|message/.test(e.type) && void pull());
  onCleanup(() => {
    stopped = true;
    clearTimeout(retry);
    clearInterval(timer);
    clearInterval(flush);
    ws?.close(1000);
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
              {dropped() ? ` (${dropped().toLocaleString("en")} not kept on this page)` : ""}
              {live() ? " · live" : " · polling"}
            </p>
          </div>
          <Show
            when={shown().length}
            fallback={<Empty title={messages().length ? "No message matches these filters." : "No messages yet."}>Agents talk with <code>ai-session bus send</code>.</Empty>}
          >
            <VirtualList items={shown()} rowHeight={ROW} height="24rem" label="Messages, oldest first" role="log" follow>
              {(m) => (
                <div class="msg-grid" data-testid="bus-message">
                  <span class="muted">{clock(m().time)}</span>
                  <span class="badge">{m().type}</span>
                  <span class="ellipsis">
                    <strong>{m().sender}</strong> → {destination(m())}
                    <Show when={m().node}>{(node) => <span class="muted" data-testid="message-node"> · {node()}</span>}</Show>
                  </span>
                  <span class="mono ellipsis" title={`${payloadText(m().payload)}${m().correlation_id ? `\ncorrelation ${m().correlation_id}` : ""}`}>
                    {payloadText(m().payload)}
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
