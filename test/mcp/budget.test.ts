import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { countTokens } from "../../server/tokens/tokens.ts";
import { aiSessionArgv, startServer, type RunningServer } from "./harness.ts";
import { call, expectOk, textOf, type ToolAnswer } from "./tour.ts";

/**
 * The result budget, measured on what a client receives: the complete JSON-RPC result of exec
 * for a failing 30-error tsc build (real tsc in the session's PTY) and a failing pytest run (its
 * captured bytes replayed with cat) costs its text block (as JSON) plus a fixed part of under 110
 * tokens (the envelope, status fields, counts) plus failing tests and error rows within a tenth of the text, and the
 * text block no more than the raw output; every error location stays in the text.
 */
const ROOT = resolve(import.meta.dir, "../..");
const TSC = join(ROOT, "node_modules/.bin/tsc");
const ERRORS = 30;

let server: RunningServer;
let project: string;
beforeAll(async () => {
  server = await startServer();
  project = mkdtempSync(join(tmpdir(), "ais-tsc-"));
  mkdirSync(join(project, "src"));
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: "es2020" }, include: ["src"] }));
  const lines = Array.from({ length: ERRORS }, (_, i) => `export const value${i + 1}: number = "text ${i + 1}";`);
  writeFileSync(join(project, "src/values.ts"), `${lines.join("\n")}\n`);
});
afterAll(async () => {
  await server?.stop();
  rmSync(project, { recursive: true, force: true });
});

const complete = (id: number, r: ToolAnswer) => countTokens(JSON.stringify({ jsonrpc: "2.0", id, result: r }));
/** What any result costs whatever its output: the envelope and the status fields, with no text, no error rows, no failing tests. */
const fixed = (id: number, r: ToolAnswer) =>
  complete(id, { content: [{ type: "text", text: "" }], structuredContent: { ...r.structuredContent, analysis: r.structuredContent.analysis && { ...r.structuredContent.analysis, errors: [], tests_failed: undefined } } });

async function measure(client: Client, session: string, command: string) {
  const r = await call(client, "exec", { session, command, timeout_seconds: 120 });
  expectOk(r);
  const text = textOf(r);
  const textTokens = countTokens(text);
  const completeTokens = complete(7, r);
  // the text block as JSON (newlines and quotes escaped), plus the fixed fields, plus failing tests and error rows within 10% of the text
  const bound = countTokens(JSON.stringify(text)) + fixed(7, r) + Math.ceil(textTokens * 0.1) + 2;
  if (process.env.DUMP) console.log(command, { textTokens, completeTokens, bound, fixed: fixed(7, r), ratio: (completeTokens / textTokens).toFixed(2) });
  expect(fixed(7, r)).toBeLessThan(110);
  return { r, text, textTokens, completeTokens, bound, raw: r.structuredContent.tokens.raw as number };
}

async function checkBudget(client: Client, session: string) {
  expectOk(await call(client, "create_session", { name: session, cwd: project }));
  // the first count may be an estimate while the tokenizer loads in its worker; later ones are exact
  for (let i = 0; i < 50; i++) {
    const warm = await call(client, "exec", { session, command: "echo warm" });
    if (!warm.structuredContent.tokens.estimated) break;
    await Bun.sleep(200);
  }

  // --pretty: what tsc prints in a terminal (code frames, colours) when NO_COLOR is not set
  const tsc = await measure(client, session, `${TSC} -p . --pretty`);
  expect(tsc.r.structuredContent.status).toBe("failed");
  const analysis = tsc.r.structuredContent.analysis;
  expect(analysis.counts.errors).toBe(ERRORS);
  // error rows for programs, as many as fit in a tenth of the text's tokens, and the result says how many that is
  // (none at all when not one fits: then counts says how many there are, and no empty list is sent)
  expect(analysis.errors?.length ?? 0).toBe(analysis.errors_cap ?? 0);
  expect(analysis.errors_cap ?? 0).toBeLessThan(ERRORS);
  if (analysis.errors) expect(analysis.errors_total).toBe(ERRORS);
  else expect(Object.keys(analysis)).not.toContain("errors_total");
  // every location is in the text, so the header is the status alone, with no pointer to the full list
  expect(tsc.text.split("\n")[0]).toMatch(/^exit 2 · (?:[\d.]+ s · )?command_id \d+$/);
  expect(tsc.completeTokens).toBeLessThanOrEqual(tsc.bound);
  expect(tsc.textTokens).toBeLessThanOrEqual(tsc.raw);
  expect(tsc.r.structuredContent.tokens.result).toBe(tsc.completeTokens);
  for (let line = 1; line <= ERRORS; line++) expect(tsc.text).toContain(`${line}:14`);

  const pytest = await measure(client, session, `cat ${join(ROOT, "test/fixtures/output/pytest-failing.txt")}`);
  expect(pytest.completeTokens).toBeLessThanOrEqual(pytest.bound);
  expect(pytest.textTokens).toBeLessThanOrEqual(pytest.raw);
  for (const fact of ["test_remove_missing_item_is_noop", "test_total_after_removing_all", "inventory.py:11", "tests/test_inventory.py:28", "2 failed, 45 passed, 1 skipped"]) {
    expect(pytest.text).toContain(fact);
  }
  // everything left out is one analyze_output call away
  const all = await call(client, "analyze_output", { session, command_id: tsc.r.structuredContent.command_id });
  expect(all.structuredContent.errors.length).toBe(ERRORS);
  await call(client, "kill_session", { session });
}

describe("MCP result budget", () => {
  test("over HTTP (the domain in the server)", async () => {
    const client = new Client({ name: "budget-http", version: "1" });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${server.token}` } } }));
    try {
      await checkBudget(client, "budget-http");
    } finally {
      await client.close();
    }
  }, 120_000);

  test("over stdio (ai-session mcp and the typed client)", async () => {
    const [command, ...args] = aiSessionArgv("mcp", "--home", server.home);
    const client = new Client({ name: "budget-stdio", version: "1" });
    await client.connect(new StdioClientTransport({ command: command!, args, env: { ...(process.env as Record<string, string>), AI_SESSION_HOME: server.home }, stderr: "pipe" }));
    try {
      await checkBudget(client, "budget-stdio");
    } finally {
      await client.close();
    }
  }, 120_000);
});
