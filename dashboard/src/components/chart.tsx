import { createEffect, onCleanup, onMount } from "solid-js";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface Series {
  label: string;
  color: string;
  dash?: number[];
  /** Dots only, no line (a scatter of events over time). */
  points?: boolean;
}

interface Props {
  title: string;
  /** x values (seconds since the epoch) then one array per series. */
  data: () => [number[], ...number[][]];
  series: Series[];
  /** Logarithmic y axis (latencies). */
  logY?: boolean;
  height?: number;
  testid?: string;
}

/** A small time chart (uPlot); data updates in place without rebuilding the chart. */
export function TimeChart(props: Props) {
  let host!: HTMLDivElement;
  onMount(() => {
    const css = getComputedStyle(document.documentElement);
    const axisColor = css.getPropertyValue("--muted").trim() || "#888";
    const gridColor = css.getPropertyValue("--line").trim() || "#8884";
    const axis = { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor } };
    const plot = new uPlot(
      {
        width: Math.max(300, host.clientWidth),
        height: props.height ?? 260,
        series: [
          {},
          ...props.series.map((s) =>
            s.points
              ? { label: s.label, stroke: s.color, fill: s.color, width: 0, paths: () => null, points: { show: true, size: 5, fill: s.color } }
              : { label: s.label, stroke: s.color, width: 2, dash: s.dash, points: { show: false } },
          ),
        ],
        axes: [axis, { ...axis, size: 80 }],
        scales: { x: { time: true }, y: props.logY ? { distr: 3 } : {} },
        legend: { live: true },
        cursor: { drag: { x: true, y: false } },
      },
      props.data(),
      host,
    );
    createEffect(() => plot.setData(props.data()));
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(300, host.clientWidth), height: props.height ?? 260 }));
    ro.observe(host);
    onCleanup(() => {
      ro.disconnect();
      plot.destroy();
    });
  });
  return <div class="chart" ref={host} role="img" aria-label={props.title} data-testid={props.testid} />;
}
