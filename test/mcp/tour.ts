import { expect } from "bun:test";

/** What both SDK generations' clients have in common for these tests. */
export interface AnyClient {
  listTools(): Promise<{ tools: Array<{ name: string; outputSchema?: unknown; description?: string }> }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }, ...rest: unknown[]): Promise<any>;
}

export const SESSION_TOOLS = [
  "create_session", "list_sessions", "exec", "wait", "send_input", "send_secret", "read_output", "screen",
  "get_context", "analyze_output", "history", "snapshot", "restore", "kill_session",
];

export type ToolAnswer = { isError?: boolean; content: Array<{ type: string; text: string }>; structuredContent?: any };

/** Every successful result a tour saw, by tool: checked against the tools' outputSchemas. */
export const seen = new Map<string, unknown[]>();

export async function call(client: AnyClient, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  const r = (await client.callTool({ name, arguments: args })) as ToolAnswer;
  if (!r.isError && r.structuredContent) seen.set(name, [...(seen.get(name) ?? []), r.structuredContent]);
  return r;
}

/** Fails with the tool's own error text, which says what went wrong. */
export function expectOk(r: { isError?: boolean; content: Array<{ type: string; text?: string }> }): void {
  if (r.isError) throw new Error(`tool error: ${textOf(r)}`);
}

export function textOf(r: { content: Array<{ type: string; text?: string }> }): string {
  return r.content.map((c) => c.text ?? "").join("\n");
}

/**
 * Calls every session tool once, as an agent would, and checks the results. `waitCapS` is the
 * server's bound on one call (set low in tests so `running` shows quickly).
 */
export async function tourEveryTool(client: AnyClient, name: string, waitCapS: number): Promise<void> {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const t of SESSION_TOOLS) expect(names).toContain(t);
  for (const t of tools) {
    expect(t.outputSchema).toBeDefined();
    expect((t.description ?? "").length).toBeGreaterThan(40);
  }

  const created = await call(client, "create_session", { name, cols: 100, rows: 30 });
  expectOk(created);
  expect(created.structuredContent.name).toBe(name);
  expect(created.structuredContent.pid).toBeNumber();

  const listed = await call(client, "list_sessions");
  expect(listed.structuredContent.sessions.map((s: { name: string }) => s.name)).toContain(name);

  // $TMPDIR: an agent's sandboxed session has its own, the policy's $TMPDIR (the machine's /tmp is out of its reach)
  const ok = await call(client, "exec", { session: name, command: 'cd "${TMPDIR:-/tmp}" && echo hello-from-mcp' });
  expect(ok.structuredContent).toMatchObject({ exit_code: 0, status: "ok" });
  expect(ok.structuredContent.output).toBeUndefined(); // the output is the text block, not repeated
  expect(ok.structuredContent.tokens.raw).toBeNumber();
  expect(ok.structuredContent.tokens.result).toBeGreaterThan(0);
  expect(textOf(ok)).toContain("hello-from-mcp");
  expect(textOf(ok).split("\n")[0]).toMatch(/^exit 0 · (?:.* · )?command_id \d+/);

  const kept = await call(client, "exec", { session: name, command: 'pwd; echo "${TMPDIR:-/tmp}"', include_output: true });
  const [here, tmp] = kept.structuredContent.output.trim().split("\n");
  expect(here).toBe(tmp);

  const failed = await call(client, "exec", { session: name, command: "ls /definitely/not/here" });
  expectOk(failed);
  expect(failed.structuredContent.status).toBe("failed");
  expect(failed.structuredContent.exit_code).not.toBe(0);
  expect(textOf(failed)).toMatch(/^exit [1-9]/);

  const long = await call(client, "exec", { session: name, command: `sleep ${waitCapS + 1}; echo long-done`, timeout_seconds: 600 });
  expect(long.structuredContent.status).toBe("running");
  expect(long.structuredContent.command_id).toBeNumber();
  expect(long.structuredContent.next).toContain(`wait {session: "${name}", command_id: ${long.structuredContent.command_id}}`);
  const waited = await call(client, "wait", { session: name, command_id: long.structuredContent.command_id, timeout_seconds: waitCapS + 5 });
  expect(["ok", "running"]).toContain(waited.structuredContent.status);
  if (waited.structuredContent.status === "running") {
    const again = await call(client, "wait", { session: name, command_id: long.structuredContent.command_id });
    expect(again.structuredContent.status).toBe("ok");
  }
  // nothing runs now: wait without an id is an error, never the previous result passed off as new
  const idle = await call(client, "wait", { session: name });
  expect(idle.isError).toBe(true);
  expect(textOf(idle)).toContain("nothing is running");

  const numbered = await call(client, "exec", { session: name, command: "seq 1 30" });
  const lines = await call(client, "read_output", { session: name, command_id: numbered.structuredContent.command_id, lines: "10-12" });
  expectOk(lines);
  expect(textOf(lines)).toContain("lines 10-12 of");
  expect(textOf(lines).split("\n").slice(1)).toEqual(["10", "11", "12"]);

  const before = await call(client, "read_output", { session: name, lines: 5 });
  expect(before.structuredContent.offset).toBeNumber();
  const typed = await call(client, "send_input", { session: name, text: "echo typed-by-agent", enter: true });
  expect(typed.structuredContent.sent).toBe(true);
  let text = "";
  for (let i = 0; i < 40 && !/typed-by-agent\s*\n/.test(text); i++) {
    await Bun.sleep(100);
    const page = await call(client, "read_output", { session: name, since: before.structuredContent.offset });
    text = textOf(page);
  }
  expect(text).toContain("typed-by-agent");

  const screen = await call(client, "screen", { session: name });
  expect(screen.structuredContent.cols).toBe(100);
  expect(textOf(screen)).toContain("typed-by-agent");

  const context = await call(client, "get_context", { session: name, max_tokens: 500 });
  expectOk(context);
  expect(textOf(context)).toContain("ls /definitely/not/here");
  expect(context.structuredContent.tokens).toBeLessThanOrEqual(500);

  const analysis = await call(client, "analyze_output", { session: name, command_id: failed.structuredContent.command_id });
  expectOk(analysis);
  expect(analysis.structuredContent.command_id).toBe(failed.structuredContent.command_id);

  // a heredoc is shown by its first line, not echoed whole
  expectOk(await call(client, "exec", { session: name, command: ": <<'EOF'\nheredoc-body-one\nheredoc-body-two\nEOF" }));
  const history = await call(client, "history", { session: name });
  expect(history.structuredContent.commands.map((c: { command: string }) => c.command)).toContain("ls /definitely/not/here");
  expect(textOf(history)).toContain(": <<'EOF' …(+3 lines)");
  expect(textOf(history)).not.toContain("heredoc-body-two");
  expect(textOf(await call(client, "get_context", { session: name }))).not.toContain("heredoc-body-two");

  const snap = await call(client, "snapshot", { session: name });
  expectOk(snap);

  const killed = await call(client, "kill_session", { session: name });
  expect(killed.structuredContent).toEqual({ session: name, killed: true });

  const gone = await call(client, "exec", { session: name, command: "true" });
  expect(gone.isError).toBe(true);
  expect(textOf(gone)).toContain(`restore {session: "${name}"}`); // an MCP call, not a CLI command
  expect(textOf(gone)).not.toContain("ai-session ");

  const restored = await call(client, "restore", { session: name });
  expectOk(restored);
  expect(restored.structuredContent.name).toBe(name);
  await call(client, "kill_session", { session: name });

  const unknown = await call(client, "read_output", { session: "no-such-session" });
  expect(unknown.isError).toBe(true);
  expect(textOf(unknown)).toMatch(/^not_found: .*no-such-session/);
}
