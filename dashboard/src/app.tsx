import { createResource, lazy, Match, Switch } from "solid-js";
import { authLost, forgetToken, token } from "./api/auth.ts";
import { canExec, caller, controlOn, loadCaller, setControlOn } from "./api/caller.ts";
import { ApiError } from "./api/client.ts";
import { eventMode, startEvents } from "./api/events.ts";
import { linkClick, path } from "./lib/router.ts";
import { Login } from "./views/login.tsx";
import { SessionsView } from "./views/sessions.tsx";

// The first page is the sessions list; the heavier views load when opened.
const SessionView = lazy(() => import("./views/session.tsx"));
const TokensView = lazy(() => import("./views/tokens.tsx"));
const TracesView = lazy(() => import("./views/traces.tsx"));
const AgentsView = lazy(() => import("./views/agents.tsx"));

const NAV = [
  { href: "/", label: "Sessions" },
  { href: "/tokens", label: "Tokens" },
  { href: "/traces", label: "Traces" },
  { href: "/agents", label: "Agents" },
];

function current(href: string): boolean {
  const p = path();
  return href === "/" ? p === "/" || p.startsWith("/sessions") : p.startsWith(href);
}

export function App() {
  // With no token, ask anyway: a server started with --no-token answers; otherwise show the login message.
  const [who] = createResource(
    () => !authLost(),
    async () => {
      try {
        const c = await loadCaller();
        startEvents();
        return c;
      } catch (e) {
        if (e instanceof ApiError && e.status === 401) return null;
        throw e;
      }
    },
  );

  return (
    <Switch>
      <Match when={authLost() || who() === null}>
        <Login hadToken={!!token()} onForget={forgetToken} />
      </Match>
      <Match when={who.error}>
        <main class="page">
          <h1>ai-session</h1>
          <p class="error" role="alert">
            {(who.error as Error).message}
          </p>
        </main>
      </Match>
      <Match when={who()}>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <a class="brand" href="/" onClick={linkClick}>
            ai-session
          </a>
          <nav aria-label="Views">
            <ul>
              {NAV.map((n) => (
                <li>
                  <a href={n.href} onClick={linkClick} aria-current={current(n.href) ? "page" : undefined}>
                    {n.label}
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div class="top-right">
            <span class="live" title="How this page hears about changes">
              {eventMode() === "poll" ? "polling" : `live (${eventMode()})`}
            </span>
            <span class="who" title={caller()?.source === "assumed" ? "scopes assumed: the server has no whoami route" : ""}>
              {caller()?.name} · {caller()?.scopes.join(", ") || "no scopes"}
            </span>
            <label class="switch" title={canExec() ? "" : "this token has no exec scope"}>
              <input
                type="checkbox"
                role="switch"
                aria-checked={controlOn()}
                checked={controlOn()}
                disabled={!canExec()}
                onChange={(e) => setControlOn(e.currentTarget.checked)}
                data-testid="control-switch"
              />
              <span>{canExec() ? (controlOn() ? "Control on" : "Read-only") : "Read-only (no exec scope)"}</span>
            </label>
          </div>
        </header>
        <main id="main" class="page" tabindex="-1">
          <Switch fallback={<SessionsView />}>
            <Match when={path().match(/^\/sessions\/([^/]+)/)}>
              {(m) => <SessionView name={decodeURIComponent(m()[1]!)} />}
            </Match>
            <Match when={path().startsWith("/tokens")}>
              <TokensView />
            </Match>
            <Match when={path().startsWith("/traces")}>
              <TracesView />
            </Match>
            <Match when={path().startsWith("/agents")}>
              <AgentsView />
            </Match>
          </Switch>
        </main>
      </Match>
      <Match when={who.loading}>
        <p class="page">Connecting…</p>
      </Match>
    </Switch>
  );
}

export default App;
