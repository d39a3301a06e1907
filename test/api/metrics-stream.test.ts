import { afterAll, beforeAll, expect, test } from "bun:test";
import { startServer, type RunningServer } from "../mcp/harness.ts";

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(async () => {
  await server?.stop();
});

function samples(url: string, count: number): Promise<any[]> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${server.token}` } } as never);
    const got: any[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${got.length} samples`)), 10_000);
    ws.onmessage = (ev) => {
      got.push(JSON.parse(String(ev.data)));
      if (got.length === count) {
        clearTimeout(timer);
        ws.close();
        resolve(got);
      }
    };
    ws.onerror = () => reject(new Error("the WebSocket failed"));
  });
}

test("the metrics stream sends a sample at once and then every interval", async () => {
  await fetch(`${server.base}/api/sessions`, { method: "POST", headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" }, body: JSON.stringify({ name: "m" }) });
  const t0 = Date.now();
  const got = await samples(`ws://127.0.0.1:${server.port}/api/metrics/stream?interval_ms=300`, 3);
  expect(Date.now() - t0).toBeLessThan(3_000);
  expect(got[0]).toMatchObject({ type: "metrics", sessions: 1 });
  expect(got[0].latency).toBeArray();
  expect(got[0].tokens).toBeDefined();
  expect(got[2].time).toBeGreaterThan(got[0].time);
});

test("the metrics stream needs a token, and refuses a too-short interval", async () => {
  const res = await fetch(`${server.base}/api/metrics/stream`, { headers: { upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
  expect(res.status).toBe(401);
  const fast = await fetch(`${server.base}/api/metrics/stream?interval_ms=1`, { headers: { authorization: `Bearer ${server.token}`, upgrade: "websocket", connection: "Upgrade", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==", "sec-websocket-version": "13" } });
  expect(fast.status).toBe(400);
});
