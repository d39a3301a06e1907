/** All a page without a valid token shows: how to get in. No data is fetched or shown. */
export function Login(props: { hadToken: boolean; onForget: () => void }) {
  return (
    <main class="page login" id="main">
      <h1>ai-session</h1>
      <section aria-labelledby="login-title" class="card">
        <h2 id="login-title">{props.hadToken ? "This token is not accepted" : "Log in with the link from the server"}</h2>
        <p>
          Open the address that <code>ai-session serve</code> printed: it ends in <code>?token=…</code>. The page keeps
          the token for this tab only.
        </p>
        <p>
          Lost it? Run <code>ai-session serve</code> again, or ask the owner for a token (
          <code>ai-session token create</code>).
        </p>
        {props.hadToken && (
          <button type="button" onClick={props.onForget}>
            Forget the stored token
          </button>
        )}
      </section>
    </main>
  );
}
