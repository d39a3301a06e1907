import { createMemo, createSignal, For, Show } from "solid-js";
import { get } from "../api/client.ts";
import { listOf, normalizeLatency, type Decision, type OpLatency } from "../api/observability.ts";
import { Empty, ErrorNote, NotAvailable } from "../components/notes.tsx";
import { clock, duration, int } from "../lib/format.ts";
import { polled } from "../lib/live.ts";

/** Decisions agents recorded, on a timeline, and latency per server operation (p50, p95, p99). */
export default function TracesView() {
  const decisions = polled(async () => listOf<Decision>(await get("/api/trace/decisions?limit=500"), "decisions"), 4000, (e) => /decision|trace/.test(e.type));
  const latency = polled(async () => normalizeLatency(listOf(await get("/api/metrics/latency"), "operations")), 5000);
  const [agent, setAgent] = createSignal("");

  const agents = createMemo(() => [...new Set((decisions.data() ?? []).map((d) => d.agent ?? "").filter(Boolean))].sort());
  const shown = createMemo(() =>
    [...(decisions.data() ?? [])].filter((d) => !agent() || d.agent === agent()).reverse(),
  );

  return (
    <section aria-labelledby="traces-title">
      <div class="view-head">
        <h1 id="traces-title">Traces</h1>
      </div>
      <div class="two-col">
        <section class="card" aria-labelledby="decisions-title">
          <div class="card-head">
            <h2 id="decisions-title">Decisions</h2>
            <label>
              Agent
              <select value={agent()} onChange={(e) => setAgent(e.currentTarget.value)}>
                <option value="">all</option>
                <For each={agents()}>{(a) => <option value={a}>{a}</option>}</For>
              </select>
            </label>
          </div>
          <ErrorNote error={decisions.error()} />
          <Show when={!decisions.missing()} fallback={<NotAvailable what="decision records" route="/api/trace/decisions" />}>
            <Show
              when={shown().length}
              fallback={
                <Empty title="No decisions recorded yet.">
                  Agents record them with <code>ai-session trace decide</code> or the MCP <code>record_decision</code> tool.
                </Empty>
              }
            >
              <ol class="timeline" data-testid="decisions">
                <For each={shown()}>
                  {(d) => (
                    <li>
                      <p>
                        <span class="muted">{clock(d.created_at ?? d.time)}</span> <strong>{d.agent ?? "(no agent)"}</strong>
                        <Show when={d.session}> in {d.session}</Show>: {d.what}
                      </p>
                      <ul class="options" aria-label="Options considered">
                        <For each={d.options?.length ? d.options : [d.choice]}>
                          {(o) => <li class={o === d.choice ? "chosen" : ""}>{o === d.choice ? `✓ ${o}` : o}</li>}
                        </For>
                      </ul>
                      <Show when={d.reasoning}>
                        <p class="muted">{d.reasoning}</p>
                      </Show>
                    </li>
                  )}
                </For>
              </ol>
            </Show>
          </Show>
        </section>

        <section class="card" aria-labelledby="latency-title">
          <h2 id="latency-title">Latency per operation</h2>
          <ErrorNote error={latency.error()} />
          <Show when={!latency.missing()} fallback={<NotAvailable what="latency figures" route="/api/metrics/latency" />}>
            <Show when={latency.data()?.length} fallback={<Empty title="No operations measured yet." />}>
              <table class="data" data-testid="latency">
                <thead>
                  <tr>
                    <th scope="col">Operation</th>
                    <th scope="col">Count</th>
                    <th scope="col">p50</th>
                    <th scope="col">p95</th>
                    <th scope="col">p99</th>
                    <th scope="col">Histogram</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={latency.data()}>
                    {(o) => (
                      <tr>
                        <th scope="row" class="mono">
                          {o.op}
                        </th>
                        <td>{int(o.count)}</td>
                        <td>{duration(o.p50)}</td>
                        <td>{duration(o.p95)}</td>
                        <td>{duration(o.p99)}</td>
                        <td>
                          <Histogram op={o} />
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </Show>
          </Show>
        </section>
      </div>
    </section>
  );
}

function Histogram(props: { op: OpLatency }) {
  const max = () => Math.max(1, ...(props.op.buckets ?? []));
  return (
    <Show when={props.op.buckets?.length} fallback={<Spread op={props.op} />}>
      <div class="hist" role="img" aria-label={`Distribution of ${props.op.op} latencies`}>
        <For each={props.op.buckets}>
          {(n, i) => (
            <span
              style={{ height: `${(100 * n) / max()}%` }}
              title={`${n} under ${props.op.bounds?.[i()] ?? "?"} ms`}
            />
          )}
        </For>
      </div>
    </Show>
  );
}

/** Without bucket counts: p50, p95 and p99 as marks on a log scale from 0.1 ms to 10 s. */
function Spread(props: { op: OpLatency }) {
  const x = (ms: number) => Math.min(100, Math.max(0, ((Math.log10(Math.max(ms, 0.1)) + 1) / 5) * 100));
  return (
    <div class="spread" role="img" aria-label={`${props.op.op}: p50 ${duration(props.op.p50)}, p95 ${duration(props.op.p95)}, p99 ${duration(props.op.p99)}`}>
      <span class="spread-range" style={{ left: `${x(props.op.p50)}%`, width: `${Math.max(1, x(props.op.p99) - x(props.op.p50))}%` }} />
      <span class="spread-mark" style={{ left: `${x(props.op.p95)}%` }} />
    </div>
  );
}
