import { createMemo, createSignal, For, lazy, Show } from "solid-js";
import { get } from "../api/client.ts";
import { listOf, normalizeLatency, type Decision, type Span } from "../api/observability.ts";
import { Empty, ErrorNote, NotAvailable } from "../components/notes.tsx";
import { clock, toMs } from "../lib/format.ts";
import { polled } from "../lib/live.ts";
import { LatencyTable } from "./traces-latency.tsx";

const SpanChart = lazy(() => import("./traces-spans.tsx"));

interface TraceDoc {
  decisions?: Decision[];
  spans?: Span[];
}

/** Decisions agents recorded on a timeline, latency per server operation, and the recent operations. */
export default function TracesView() {
  const trace = polled(() => get<TraceDoc>("/api/trace?limit=500"), 3000, (e) => /decision|trace/.test(e.type));
  const metrics = polled(async () => normalizeLatency(listOf(await get("/api/metrics"), "latency")), 4000);
  const [agent, setAgent] = createSignal("");

  const decisions = () => listOf<Decision>(trace.data(), "decisions");
  const agents = createMemo(() => [...new Set(decisions().map((d) => d.agent ?? "").filter(Boolean))].sort());
  const shown = createMemo(() =>
    decisions()
      .filter((d) => !agent() || d.agent === agent())
      .sort((a, b) => (toMs(b.time ?? b.created_at) ?? 0) - (toMs(a.time ?? a.created_at) ?? 0)),
  );
  const spans = () => listOf<Span>(trace.data(), "spans");

  return (
    <section aria-labelledby="traces-title">
      <div class="view-head">
        <h1 id="traces-title">Traces</h1>
      </div>
      <ErrorNote error={trace.error()} />
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
          <Show when={!trace.missing()} fallback={<NotAvailable what="decision records" route="/api/trace" />}>
            <Show
              when={shown().length}
              fallback={
                <Empty title="No decisions recorded yet.">
                  Agents record them with <code>ai-session decide</code>, the MCP <code>record_decision</code> tool or <code>POST /api/trace/decisions</code>.
                </Empty>
              }
            >
              <ol class="timeline" data-testid="decisions" aria-label="Decisions, newest first">
                <For each={shown()}>
                  {(d) => (
                    <li>
                      <p>
                        <span class="muted">{clock(d.time ?? d.created_at)}</span> <strong>{d.agent ?? "(no agent)"}</strong>
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
          <ErrorNote error={metrics.error()} />
          <Show when={!metrics.missing()} fallback={<NotAvailable what="latency figures" route="/api/metrics" />}>
            <Show when={metrics.data()?.length} fallback={<Empty title="No operations measured yet." />}>
              <LatencyTable rows={metrics.data() ?? []} />
            </Show>
          </Show>
        </section>
      </div>

      <section class="card" aria-labelledby="spans-title">
        <h2 id="spans-title">Recent operations</h2>
        <Show when={spans().length} fallback={<p class="muted">No operations recorded yet.</p>}>
          <SpanChart spans={spans()} />
        </Show>
      </section>
    </section>
  );
}
