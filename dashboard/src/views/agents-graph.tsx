import { createMemo, For } from "solid-js";
import { destination, type BusMessage } from "../api/observability.ts";

const SIZE = 420;
const MAX_NODES = 24;
/** Radius of a node's circle; edges start this far from a centre, plus a small gap. */
const NODE_R = 12;
const EDGE_GAP = 2;
/** Length of the arrowhead: the line stops at its base, its tip touches the target circle. */
const ARROW = 10;

interface Point {
  x: number;
  y: number;
}

/** `p` moved `by` towards `q`. */
function toward(p: Point, q: Point, by: number): Point {
  const dx = q.x - p.x;
  const dy = q.y - p.y;
  const len = Math.hypot(dx, dy) || 1;
  return { x: p.x + (dx / len) * by, y: p.y + (dy / len) * by };
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * A gently curved edge from circle `a` to circle `b` (a loop for a self-edge). It starts on `a`'s
 * edge and stops ARROW short of `b`'s edge, on the line from the curve's control point to `b`'s
 * centre: the arrowhead (base on the path's end, pointing along its last tangent) then ends
 * exactly at `b`'s edge, aimed at its centre, and the thick line never pokes past it.
 */
export function edgePath(a: Point, b: Point, self: boolean): string {
  const off = NODE_R + EDGE_GAP;
  if (self) {
    const end = { x: a.x + off + ARROW, y: a.y };
    return `M ${round(a.x)} ${round(a.y - off)} C ${round(a.x)} ${round(a.y - off - 40)} ${round(end.x + 40)} ${round(end.y)} ${round(end.x)} ${round(end.y)}`;
  }
  const c = { x: (a.x + b.x) / 2 + (b.y - a.y) * 0.12, y: (a.y + b.y) / 2 - (b.x - a.x) * 0.12 };
  const s = toward(a, c, off);
  const t = toward(b, c, Math.min(off + ARROW, 0.9 * Math.hypot(c.x - b.x, c.y - b.y)));
  return `M ${round(s.x)} ${round(s.y)} Q ${round(c.x)} ${round(c.y)} ${round(t.x)} ${round(t.y)}`;
}

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
    // Each edge's path is drawn from the same positions as the circles, in this same pass.
    const kept = [...edges.values()]
      .filter((e) => pos.has(e.from) && pos.has(e.to))
      .map((e) => ({ ...e, d: edgePath(pos.get(e.from)!, pos.get(e.to)!, e.from === e.to) }));
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
          {/* The base's middle (0, 5) sits on the path's end; the tip is ARROW further, on the target's edge. */}
          <marker id="arrow" viewBox="0 0 10 10" refX="0" refY="5" markerWidth={ARROW} markerHeight={ARROW} markerUnits="userSpaceOnUse" orient="auto">
            <path d="M 0 0 L 10 5 L 0 10 z" class="edge-head" />
          </marker>
        </defs>
        <For each={graph().edges}>
          {(e) => (
            <path
              class="edge"
              data-from={e.from}
              data-to={e.to}
              d={e.d}
              stroke-width={1 + 5 * (e.count / graph().max)}
              marker-end="url(#arrow)"
            >
              <title>
                {e.from} → {e.to}: {e.count} messages
              </title>
            </path>
          )}
        </For>
        {/* Keyed by name, so a node's <g> outlives layout changes: its position must be read reactively. */}
        <For each={graph().names}>
          {(n) => {
            const p = () => graph().pos.get(n) ?? { x: SIZE / 2, y: SIZE / 2 };
            const topic = n.startsWith("#") || n === "everyone";
            return (
              <g data-node={n}>
                <circle class={`node${topic ? " topic" : ""}`} cx={p().x} cy={p().y} r={NODE_R} />
                <text x={p().x} y={p().y + (p().y > SIZE / 2 ? 28 : -18)} text-anchor="middle">
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
