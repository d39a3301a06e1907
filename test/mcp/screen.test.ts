import { afterAll, beforeAll, expect, test } from "bun:test";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { startServer, type RunningServer } from "./harness.ts";
import { call, expectOk, textOf } from "./tour.ts";

/**
 * screen has a stated cap: a full 300×60 screen (18,000 characters) comes back as its bottom rows
 * within 4,000 characters, the result says the cap and the rows shown, and `next` pages up to the top.
 */
let server: RunningServer;
let client: Client;
beforeAll(async () => {
  server = await startServer();
  client = new Client({ name: "screen-cap", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.base}/mcp`), { requestInit: { headers: { authorization: `Bearer ${server.token}` } } }));
});
afterAll(async () => {
  await client?.close();
  await server?.stop();
});

test("a screen bigger than the cap comes back in pages of rows", async () => {
  expectOk(await call(client, "create_session", { name: "wide", cols: 300, rows: 60 }));
  // 59 full rows of 290 characters, each starting with its number, then the prompt
  expectOk(await call(client, "exec", { session: "wide", command: "clear; for i in $(seq -w 1 59); do printf 'row%s%0286d\\n' $i 0; done" }));
  const first = await call(client, "screen", { session: "wide" });
  expectOk(first);
  const s = first.structuredContent;
  expect(s.cap).toBe(4_000);
  expect(textOf(first).length).toBeLessThan(4_200);
  const from = Number(textOf(first).match(/^rows (\d+)-\d+ of \d+ \(cap 4000 chars\)/)?.[1]);
  expect(from).toBeGreaterThan(1);
  expect(textOf(first)).toContain("row59");
  expect(textOf(first)).not.toContain("row01");
  expect(s.next).toBe(`screen {rows: "1-${from - 1}"}`);
  // follow next until the top row is shown
  let rows = `1-${from - 1}`;
  let seenTop = false;
  for (let i = 0; i < 10 && rows; i++) {
    const page = await call(client, "screen", { session: "wide", rows });
    expectOk(page);
    expect(textOf(page).length).toBeLessThan(4_200);
    if (textOf(page).includes("row01")) seenTop = true;
    rows = page.structuredContent.next ? (page.structuredContent.next.match(/"(\d+-\d+)"/)?.[1] ?? "") : "";
  }
  expect(seenTop).toBe(true);
  // the session's screen resource is capped the same way and names the call for the rows above
  const resource = ((await client.readResource({ uri: "session://wide/screen" })).contents[0] as { text: string }).text;
  expect(resource.length).toBeLessThan(4_200);
  expect(resource).toContain("row59");
  expect(resource).toMatch(/^rows \d+-\d+ of \d+ \(cap 4000 chars\) — above: screen \{rows: "1-\d+"\}\n/);
  // a small screen is whole, with the cap stated and no paging fields
  expectOk(await call(client, "exec", { session: "wide", command: "clear; echo small-screen" }));
  const small = await call(client, "screen", { session: "wide" });
  expect(textOf(small)).toContain("small-screen");
  expect(small.structuredContent.cap).toBe(4_000);
  expect(small.structuredContent.next).toBeUndefined();
  await call(client, "kill_session", { session: "wide" });
}, 60_000);
