import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { startServer, type RunningServer } from "./harness.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer({ env: { AI_SESSION_MCP_WAIT: "20" } });
});
afterAll(async () => {
  await server?.stop();
});

const headers = () => ({
  authorization: `Bearer ${server.token}`,
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2025-11-25",
});

/** Reads SSE frames from a response until `stop` says enough; returns them as {id, retry, data}. */
async function frames(res: Response, stop: (f: { id?: string; retry?: string; data?: string }) => boolean) {
  const reader = res.body!.getReader();
  const out: Array<{ id?: string; retry?: string; data?: string }> = [];
  let buf = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += new TextDecoder().decode(value);
    let end: number;
    while ((end = buf.indexOf("\n\n")) !== -1) {
      const block = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const f: { id?: string; retry?: string; data?: string } = {};
      for (const line of block.split("\n")) {
        const m = /^(id|retry|data): ?(.*)$/.exec(line);
        if (m) f[m[1] as "id"] = m[2];
      }
      if (f.id === undefined && f.data === undefined) continue; // a keepalive comment
      out.push(f);
      if (stop(f)) {
        await reader.cancel();
        return out;
      }
    }
  }
  return out;
}

describe("MCP over HTTP: resumable streams and JSON-RPC errors", () => {
  test("a stream starts with a priming event and retry; dropped, it is resumed with Last-Event-ID and the result arrives", async () => {
    await fetch(`${server.base}/api/sessions`, { method: "POST", headers: headers(), body: JSON.stringify({ name: "resume" }) });
    const call = { jsonrpc: "2.0", id: 41, method: "tools/call", params: { name: "exec", arguments: { session: "resume", command: "sleep 2; echo resumed-ok" } } };
    const first = await fetch(`${server.base}/mcp`, { method: "POST", headers: headers(), body: JSON.stringify(call) });
    expect(first.headers.get("content-type")).toContain("text/event-stream");
    // take the priming event, then drop the connection while the command still runs
    const [priming] = await frames(first, () => true);
    expect(priming!.id).toBeTruthy();
    expect(priming!.data ?? "").toBe("");
    expect(Number(priming!.retry)).toBeGreaterThan(0);

    const again = await fetch(`${server.base}/mcp`, { method: "GET", headers: { ...headers(), "last-event-id": priming!.id! } });
    expect(again.status).toBe(200);
    const rest = await frames(again, (f) => (f.data ?? "").includes('"id":41'));
    const result = JSON.parse(rest.at(-1)!.data!);
    expect(result.id).toBe(41);
    expect(result.result.structuredContent.status).toBe("ok");
    expect(result.result.content[0].text).toContain("resumed-ok");

    // an unknown event id, or somebody else's stream, is refused with a JSON-RPC error
    const unknown = await fetch(`${server.base}/mcp`, { method: "GET", headers: { ...headers(), "last-event-id": "nope:1" } });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: number } }).error.code).toBe(-32000);
  }, 30_000);

  test("a body that is not JSON is answered -32700, a JSON body that is no request -32600", async () => {
    const garbage = await fetch(`${server.base}/mcp`, { method: "POST", headers: headers(), body: "this is not json" });
    expect(((await garbage.json()) as { error: { code: number } }).error.code).toBe(-32700);
    const invalid = await fetch(`${server.base}/mcp`, { method: "POST", headers: headers(), body: JSON.stringify({ hello: "world" }) });
    const answer = (await invalid.json()) as { error: { code: number } };
    expect(answer.error.code).toBe(-32600);
  });
});
