import { createMemo, For } from "solid-js";
import type { Span } from "../api/observability.ts";
import { TimeChart } from "../components/chart.tsx";
import { clock, duration } from "../lib/format.ts";

/** Every recent operation as a dot (time against duration, log scale), and the latest ones listed. */
export default function SpanChart(props: { spans: Span[] }) {
  const sorted = createMemo(() => [...props.spans].sort((a, b) => a.start - b.start));
  const data = createMemo((): [number[], number[], number[]] => {
    const xs: number[] = [];
    const ok: number[] = [];
    const bad: number[] = [];
    for (const s of sorted()) {
      xs.push(s.start / 1000);
      const ms = Math.max(s.duration_ms, 0.001);
      ok.push(s.ok ? ms : (null as unknown as number));
      bad.push(s.ok ? (null as unknown as number) : ms);
    }
    return [xs, ok, bad];
  });
  const latest = () => sorted().slice(-12).reverse();
  return (
    <>
      <TimeChart
        title="Duration of recent server operations over time"
        data={data}
        logY
        height={220}
        series={[
          { label: "ok (ms)", color: "#2563eb", points: true },
          { label: "failed (ms)", color: "#dc2626", points: true },
        ]}
      />
      <table class="data">
        <caption class="sr-only">The latest operations</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Operation</th>
            <th scope="col">Took</th>
            <th scope="col">Session</th>
            <th scope="col">Agent</th>
          </tr>
        </thead>
        <tbody>
          <For each={latest()}>
            {(s) => (
              <tr>
                <td class="nowrap">{clock(s.start)}</td>
                <td class="mono">
                  {s.op}
                  {s.ok ? "" : <span class="exit-bad"> · {s.error ?? "failed"}</span>}
                </td>
                <td class="nowrap">{duration(s.duration_ms)}</td>
                <td>{String(s.attrs?.session ?? "—")}</td>
                <td>{String(s.attrs?.agent ?? "—")}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </>
  );
}
