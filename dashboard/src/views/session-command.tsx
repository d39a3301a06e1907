import { createResource, For, Show } from "solid-js";
import { enc, get } from "../api/client.ts";
import { tokensOf, type Analysis, type CommandDetail } from "../api/types.ts";
import { ErrorNote } from "../components/notes.tsx";
import { duration, int, visibleControls } from "../lib/format.ts";

/** One command: its analysis (errors with file:line, counts, suggestions) and compacted beside raw output. */
export function CommandDetailPanel(props: { session: string; commandId: string }) {
  const [detail] = createResource(
    () => `/api/sessions/${enc(props.session)}/commands/${enc(props.commandId)}`,
    (p) => get<CommandDetail>(p),
  );
  const raw = () => detail()?.raw_output;
  const compacted = () => detail()?.output;

  return (
    <section class="card command-detail" aria-labelledby="command-title">
      <Show when={detail()} fallback={<ErrorNote error={detail.error} />}>
        {(d) => (
          <>
            <h2 id="command-title">
              <span class={d().exit_code === 0 ? "exit-ok" : "exit-bad"}>exit {d().exit_code ?? d().status}</span>{" "}
              <code>{d().command}</code>
            </h2>
            <p class="muted">
              {d().status} · {duration(d().duration_ms)}
              <Show when={tokensOf(d())}>{(t) => ` · ${int(t().raw)} raw tokens → ${int(t().compacted)} compacted`}</Show>
            </p>
            <AnalysisView analysis={d().analysis} />
            <div class="side-by-side">
              <figure>
                <figcaption>Compacted (what an agent gets)</figcaption>
                <pre class="output" data-testid="compacted-output" tabindex="0">
                  {compacted() ?? "(no output)"}
                </pre>
              </figure>
              <figure>
                <figcaption>Raw (control characters as ^X: ESC is ^[)</figcaption>
                <pre class="output" data-testid="raw-output" tabindex="0">
                  {raw() != null ? visibleControls(raw()!) : "(the server did not send the raw output)"}
                </pre>
              </figure>
            </div>
          </>
        )}
      </Show>
    </section>
  );
}

function AnalysisView(props: { analysis: Analysis | null | undefined }) {
  return (
    <Show when={props.analysis} fallback={<p class="muted">No analysis for this command.</p>}>
      {(a) => (
        <section aria-label="Analysis" class="analysis" data-testid="analysis">
          <p>
            <strong>{a().tool ?? "generic"}</strong>
            <Show when={a().kind}> · {a().kind}</Show>
            <Show when={a().status}> · {a().status}</Show>
          </p>
          <Show when={a().counts && Object.keys(a().counts!).length}>
            <ul class="chips" aria-label="Counts">
              <For each={Object.entries(a().counts ?? {})}>
                {([k, v]) => (
                  <li>
                    {k}: <strong>{v}</strong>
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={a().errors?.length}>
            <h3>Errors</h3>
            <ul class="errors">
              <For each={a().errors}>
                {(e) => (
                  <li>
                    <Show when={e.file}>
                      <code class="loc">
                        {e.file}
                        {e.line != null ? `:${e.line}` : ""}
                        {e.column != null ? `:${e.column}` : ""}
                      </code>{" "}
                    </Show>
                    <Show when={e.code}>
                      <code>{e.code}</code>{" "}
                    </Show>
                    {e.message}
                  </li>
                )}
              </For>
            </ul>
          </Show>
          <Show when={a().tests_failed?.length}>
            <h3>Failing tests</h3>
            <ul>
              <For each={a().tests_failed}>{(t) => <li class="mono">{t}</li>}</For>
            </ul>
          </Show>
          <Show when={a().suggestions?.length}>
            <h3>Suggestions</h3>
            <ul>
              <For each={a().suggestions}>{(s) => <li>{s}</li>}</For>
            </ul>
          </Show>
        </section>
      )}
    </Show>
  );
}
