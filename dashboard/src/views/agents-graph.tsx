import { createMemo, For } from "solid-js";
import { destination, type BusMessage } from "../api/observability.ts";

const SIZE = 420;
const MAX_NODES = 24;

interface Edge {
  from: string;
  to: string;
  count: number;
}

/** Agents (and topics) on a circle, an arrow per sender → receiver, thicker for more messages. */
export function TalkGraph(props: { messages: BusMessage[] }) {
  const graph = createMemo(() => {
    const edges = new Map<string, Edge>();
    const weight = new Map<string, number>();
    for (const m of props.messages) {
      const to = destination(m);
      const key = `${m.sender}\u0000${to}`;
      const e = edges.get(key) ?? { from: m.sender, to, count: 0 };
      e.count++;
      edges.set(key, e);
      weight.set(m.sender, (weight.get(m.sender) ?? 0) + 1);
      weight.set(to, (weight.get(to) ?? 0) + 1);
    }
    const names = [...weight.entries()].sort((a, b) => b[1] - a[1]).slice(0, MAX_NODES).map(([n]) => n);
    const r = SIZE / 2 - 60;
    const pos = new Map(
      names.map((n, i) => {
        const a = (2 * Math.PI * i) / names.length - Math.PI / 2;
        return [n, { x: SIZE / 2 + r * Math.cos(a), y: SIZE / 2 + r * Math.sin(a) }];
      }),
    );
    const kept = [...edges.values()].filter((e) => pos.has(e.from) && pos.has(e.to));
    const max = Math.max(1, ...kept.map((e) => e.count));
    return { names, pos, edges: kept, max };
  });

  const summary = () =>
    graph()
      .edges.slice()
      .sort((a, b) => b.count - a.count)
      .slice(0, 8)
      .map((e) => `${e.from} → ${e.to}: ${e.count}`)
      .join("; ");

  return (
    <figure>
      <svg class="graph" viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-label={`Who talks to whom: ${summary()}`} data-testid="talk-graph">
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="24" refY="5" markerWidth="10" markerHeight="10" markerUnits="userSpaceOnUse" orient="auto">
            <path d="M 0 0 L 10 5 L 0 10 z" class="edge-head" />
          </marker>
        </defs>
        <For each={graph().edges}>
          {(e) => {
            const a = graph().pos.get(e.from)!;
            const b = graph().pos.get(e.to)!;
            const self = e.from === e.to;
            const d = self
              ? `M ${a.x} ${a.y - 14} c 30 -40 50 0 14 14`
              : `M ${a.x} ${a.y} Q ${(a.x + b.x) / 2 + (b.y - a.y) * 0.12} ${(a.y + b.y) / 2 - (b.x - a.x) * 0.12} ${b.x} ${b.y}`;
            return (
              <path class="edge" d={d} stroke-width={1 + 5 * (e.count / graph().max)} marker-end="url(#arrow)">
                <title>
                  {e.from} → {e.to}: {e.count} messages
                </title>
              </path>
            );
          }}
        </For>
        <For each={graph().names}>
          {(n) => {
            const p = graph().pos.get(n)!;
            const topic = n.startsWith("#") || n === "everyone";
            return (
              <g>
                <circle class={`node${topic ? " topic" : ""}`} cx={p.x} cy={p.y} r="12" />
                <text x={p.x} y={p.y + (p.y > SIZE / 2 ? 28 : -18)} text-anchor="middle">
                  {n}
                </text>
              </g>
            );
          }}
        </For>
      </svg>
      <figcaption class="muted">{summary() || "No messages match the filters."}</figcaption>
    </figure>
  );
}
