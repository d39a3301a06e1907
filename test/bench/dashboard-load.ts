/**
 * The dashboard under load, in Debian's Chromium against a real server (the compiled binary when
 * built): 100 live sessions and 10,000 bus messages. Measures how soon the first page shows its
 * sessions (target: interactive under 1 s) and the frame times while scrolling the 10,000-message
 * traffic list (virtualised: no frame should stall).
 */
import { existsSync } from "node:fs";
import { CHROMIUM, openBrowser, startServer } from "../dashboard/harness.ts";
import type { BenchRow } from "./run.ts";

const SESSIONS = 100;
const MESSAGES = 10_000;

async function parallel<T>(items: T[], width: number, fn: (t: T) => Promise<unknown>) {
  const queue = [...items];
  await Promise.all(Array.from({ length: width }, async () => {
    for (let t = queue.shift(); t !== undefined; t = queue.shift()) await fn(t);
  }));
}

/** Scrolls a list element top to bottom over `frames` animation frames; returns each frame's duration in ms. */
const SCROLL_FRAMES = `(async ([selector, frames]) => {
  const box = document.querySelector(selector);
  box.scrollTop = 0;
  const times = [];
  let last = performance.now();
  for (let i = 1; i <= frames; i++) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    times.push(now - last);
    last = now;
    box.scrollTop = (box.scrollHeight - box.clientHeight) * (i / frames);
  }
  return times;
})`;

const pct = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? 0;

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  const server = await startServer();
  const browser = await openBrowser();
  try {
    const headers = { authorization: `Bearer ${server.token}`, "content-type": "application/json" };
    const call = (method: string, path: string, body?: unknown) =>
      fetch(server.origin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }).then(async (r) => {
        if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
        return r;
      });
    await parallel([...Array(SESSIONS).keys()], 8, (i) => call("POST", "/api/sessions", { name: `load-${i}` }));
    await parallel([...Array(MESSAGES).keys()], 32, (i) =>
      call("POST", "/api/bus/messages", { type: i % 3 ? "progress" : "status_update", topic: `build-${i % 7}`, payload: { step: i, text: `step ${i} of the load test` } }),
    );

    const page = await browser.page();
    await page.addInitScript(() => {
      const w = window as unknown as { __firstRow?: number };
      new MutationObserver((_, obs) => {
        if (document.querySelector("[data-session]")) {
          w.__firstRow = performance.now();
          obs.disconnect();
        }
      }).observe(document, { childList: true, subtree: true });
    });
    await page.goto(server.url);
    await page.locator("[data-session]").first().waitFor();
    const firstRowMs = await page.evaluate(() => (window as unknown as { __firstRow: number }).__firstRow);
    const sessionFrames = (await page.evaluate(`${SCROLL_FRAMES}([".vlist", 120])`)) as number[];

    const t0 = await page.evaluate(() => performance.now());
    await page.getByRole("link", { name: "Agents" }).click();
    await page.getByTestId("bus-message").first().waitFor({ timeout: 30_000 });
    await page.getByText(`${MESSAGES.toLocaleString("en")} of ${MESSAGES.toLocaleString("en")} messages`).waitFor({ timeout: 30_000 });
    const trafficMs = (await page.evaluate(() => performance.now())) - t0;
    const messageFrames = (await page.evaluate(`${SCROLL_FRAMES}(['[role="log"]', 240])`)) as number[];

    return [
      { bench: "dashboard-load", metric: `first page shows ${SESSIONS} sessions (from navigation)`, value: Math.round(firstRowMs), unit: "ms", target: "< 1000 ms", ok: firstRowMs < 1000 },
      { bench: "dashboard-load", metric: `sessions list scroll: p95 frame`, value: +pct(sessionFrames, 0.95).toFixed(1), unit: "ms" },
      { bench: "dashboard-load", metric: `agents view shows ${MESSAGES.toLocaleString("en")} messages (from click)`, value: Math.round(trafficMs), unit: "ms" },
      { bench: "dashboard-load", metric: "10,000-message scroll: p95 frame", value: +pct(messageFrames, 0.95).toFixed(1), unit: "ms", target: "< 50 ms", ok: pct(messageFrames, 0.95) < 50 },
      { bench: "dashboard-load", metric: "10,000-message scroll: worst frame", value: +Math.max(...messageFrames).toFixed(1), unit: "ms" },
    ];
  } finally {
    await browser.close();
    await server.stop();
  }
}

if (import.meta.main) console.table(await run());
