import { createMemo, createSignal, For, Show } from "solid-js";
import { enc, get } from "../api/client.ts";
import { TimeChart } from "../components/chart.tsx";
import { Empty, ErrorNote } from "../components/notes.tsx";
import { int, pct } from "../lib/format.ts";
import { polled } from "../lib/live.ts";
import { linkClick } from "../lib/router.ts";
import { cumulative, loadTokenPoints, totalsBy, type Totals, type TokenPoint } from "./tokens-data.ts";

/** Raw against compacted tokens: over time, per session, per agent, and the costliest commands. */
interface MetricsDoc {
  tokens?: { total: Totals; by_session: Totals[]; by_agent: Totals[]; by_tool: Totals[] };
}

export default function TokensView() {
  const data = polled(loadTokenPoints, 4000, (e) => /command/.test(e.type));
  // Totals kept by the server (every command ever, ended sessions included), when it has the metrics route.
  const metrics = polled(() => get<MetricsDoc>("/api/metrics"), 4000, (e) => /command/.test(e.type));
  const kept = () => metrics.data()?.tokens;
  const [scope, setScope] = createSignal("all");
  const points = () => data.data()?.points ?? [];

  const chosen = createMemo(() => {
    const s = scope();
    if (s === "all") return points();
    const [kind, name] = [s.slice(0, s.indexOf(":")), s.slice(s.indexOf(":") + 1)];
    return points().filter((p) => (kind === "session" ? p.session === name : p.agent === name));
  });
  const series = createMemo(() => cumulative(chosen()));
  const bySession = createMemo(() => kept()?.by_session ?? totalsBy(points(), (p) => p.session));
  const byAgent = createMemo(() => kept()?.by_agent ?? totalsBy(points(), (p) => p.agent));
  const byTool = () => kept()?.by_tool ?? [];
  const costliest = createMemo(() => [...points()].sort((a, b) => b.raw - a.raw).slice(0, 10));
  const total = createMemo(
    () => kept()?.total ?? points().reduce((t, p) => ({ raw: t.raw + p.raw, compacted: t.compacted + p.compacted, commands: t.commands + 1 }), { raw: 0, compacted: 0, commands: 0 }),
  );

  return (
    <section aria-labelledby="tokens-title">
      <div class="view-head">
        <h1 id="tokens-title">Tokens</h1>
        <p class="muted">
          Counted with the real tokenizer: the raw output of each command against what was handed back.
          {kept() ? " Totals are the server's own (every command, ended sessions too); the chart is drawn from the live sessions' histories." : " Drawn from the live sessions' histories."}
        </p>
      </div>
      <ErrorNote error={data.error()} />
      <Show
        when={points().length > 0 || total().commands > 0}
        fallback={
          <Show when={!data.loading()}>
            <Empty title="No token counts yet.">
              Tokens are counted for every command run with <code>ai-session exec</code>; none has run in the current sessions.
            </Empty>
          </Show>
        }
      >
        <dl class="stats" data-testid="token-totals">
          <div>
            <dt>Raw tokens</dt>
            <dd>{int(total().raw)}</dd>
          </div>
          <div>
            <dt>Compacted tokens</dt>
            <dd>{int(total().compacted)}</dd>
          </div>
          <div>
            <dt>Saved</dt>
            <dd data-testid="tokens-saved">
              {int(total().raw - total().compacted)} <span class="muted">({pct(total().raw - total().compacted, total().raw)})</span>
            </dd>
          </div>
          <div>
            <dt>Commands</dt>
            <dd data-testid="token-commands">{int(total().commands)}</dd>
          </div>
        </dl>

        <section class="card" aria-labelledby="chart-title">
          <div class="card-head">
            <h2 id="chart-title">Over time (cumulative)</h2>
            <label>
              Show{" "}
              <select value={scope()} onChange={(e) => setScope(e.currentTarget.value)}>
                <option value="all">all sessions</option>
                <optgroup label="Session">
                  <For each={bySession()}>{(t) => <option value={`session:${t.key}`}>{t.key}</option>}</For>
                </optgroup>
                <optgroup label="Agent">
                  <For each={byAgent()}>{(t) => <option value={`agent:${t.key}`}>{t.key}</option>}</For>
                </optgroup>
              </select>
            </label>
          </div>
          <TimeChart
            title="Cumulative raw and compacted tokens over time"
            testid="token-chart"
            data={series}
            series={[
              { label: "raw", color: "#d97706" },
              { label: "compacted", color: "#2563eb" },
            ]}
          />
        </section>

        <div class="two-col">
          <TotalsTable title="Per session" rows={bySession()} link />
          <TotalsTable title="Per agent" rows={byAgent()} />
        </div>
        <Show when={byTool().length}>
          <TotalsTable title="Per tool" rows={byTool()} />
        </Show>
        <CostliestTable rows={costliest()} />
      </Show>
    </section>
  );
}

function TotalsTable(props: { title: string; rows: Totals[]; link?: boolean }) {
  const max = () => Math.max(1, ...props.rows.map((r) => r.raw));
  return (
    <section class="card">
      <h2>{props.title}</h2>
      <div class="table-scroll">
      <table class="data">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Commands</th>
            <th scope="col">Raw → compacted</th>
            <th scope="col">Saved</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(r) => (
              <tr>
                <th scope="row">
                  {props.link ? (
                    <a href={`/sessions/${enc(r.key)}`} onClick={linkClick}>
                      {r.key}
                    </a>
                  ) : (
                    r.key
                  )}
                </th>
                <td>{r.commands}</td>
                <td>
                  <div class="bar" aria-hidden="true">
                    <span class="bar-raw" style={{ width: `${(100 * r.raw) / max()}%` }} />
                    <span class="bar-comp" style={{ width: `${(100 * r.compacted) / max()}%` }} />
                  </div>
                  {int(r.raw)} → {int(r.compacted)}
                </td>
                <td>{pct(r.raw - r.compacted, r.raw)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      </div>
    </section>
  );
}

function CostliestTable(props: { rows: TokenPoint[] }) {
  return (
    <section class="card">
      <h2>Costliest commands</h2>
      <table class="data">
        <thead>
          <tr>
            <th scope="col">Command</th>
            <th scope="col">Session</th>
            <th scope="col">Raw tokens</th>
            <th scope="col">Compacted</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.rows}>
            {(p) => (
              <tr>
                <td class="mono ellipsis" title={p.command}>
                  {p.command}
                </td>
                <td>{p.session}</td>
                <td>{int(p.raw)}</td>
                <td>{int(p.compacted)}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </section>
  );
}
