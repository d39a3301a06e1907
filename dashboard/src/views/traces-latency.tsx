import { For, Show } from "solid-js";
import type { OpLatency } from "../api/observability.ts";
import { duration, int } from "../lib/format.ts";

/** p50, p95, p99 per operation, slowest first, with a histogram (or the spread when only percentiles are known). */
export function LatencyTable(props: { rows: OpLatency[] }) {
  return (
    <div class="table-scroll">
      <table class="data" data-testid="latency">
        <thead>
          <tr>
            <th scope="col">Operation</th>
            <th scope="col">Count</th>
            <th scope="col">p50</th>
            <th scope="col">p95</th>
            <th scope="col">p99</th>
            <th scope="col">
              Spread <span class="sr-only">(p50 to p99, log scale 0.1 ms to 10 s)</span>
            </th>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(o) => (
              <tr>
                <th scope="row" class="mono">
                  {o.op}
                  <Show when={o.errors}>
                    <span class="exit-bad"> · {o.errors} failed</span>
                  </Show>
                </th>
                <td>{int(o.count)}</td>
                <td class="nowrap">{duration(o.p50)}</td>
                <td class="nowrap">{duration(o.p95)}</td>
                <td class="nowrap">{duration(o.p99)}</td>
                <td>
                  <Show when={o.buckets?.length} fallback={<Spread op={o} />}>
                    <Buckets op={o} />
                  </Show>
                </td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

function Buckets(props: { op: OpLatency }) {
  const max = () => Math.max(1, ...(props.op.buckets ?? []));
  return (
    <div class="hist" role="img" aria-label={`Distribution of ${props.op.op} latencies`}>
      <For each={props.op.buckets}>
        {(n, i) => <span style={{ height: `${(100 * n) / max()}%` }} title={`${n} under ${props.op.bounds?.[i()] ?? "?"} ms`} />}
      </For>
    </div>
  );
}

/** p50 to p99 as a bar and p95 as a mark, on a log scale from 0.1 ms to 10 s. */
function Spread(props: { op: OpLatency }) {
  const x = (ms: number) => Math.min(100, Math.max(0, ((Math.log10(Math.max(ms, 0.1)) + 1) / 5) * 100));
  return (
    <div class="spread" role="img" aria-label={`${props.op.op}: p50 ${duration(props.op.p50)}, p95 ${duration(props.op.p95)}, p99 ${duration(props.op.p99)}`}>
      <span class="spread-range" style={{ left: `${x(props.op.p50)}%`, width: `${Math.max(1, x(props.op.p99) - x(props.op.p50))}%` }} />
      <span class="spread-mark" style={{ left: `${x(props.op.p95)}%` }} />
    </div>
  );
}
