/**
 * A client of its own (test/bench/bus.ts starts it): asks the server for `GET /api/status` and
 * `GET /api/bus/stats` in turn, one request every INTERVAL ms, and runs `BIN status --json` for
 * HOME every tenth round, until it reads a line on stdin; then prints the time each took, as JSON.
 * In its own process so the bench's busy WebSocket clients do not delay its readings.
 * Usage: bun test/bench/_bus-poll.ts BASE_URL TOKEN INTERVAL_MS BIN HOME
 */
const [base, token, interval, bin, home] = process.argv.slice(2) as [string, string, string, string, string];
const ms: Record<string, number[]> = { "/api/status": [], "/api/bus/stats": [], cli: [] };
let running = true;
const stopped = (async () => {
  for await (const _ of console) break;
  running = false;
})();
process.stdout.write("ready\n");
for (let round = 0; running; round++) {
  if (round % 10 === 0) {
    const t = performance.now();
    const p = Bun.spawn([bin, "status", "--json"], { env: { ...process.env, AI_SESSION_HOME: home }, stdout: "ignore", stderr: "ignore" });
    if ((await p.exited) !== 0) throw new Error("ai-session status failed");
    ms.cli!.push(performance.now() - t);
  }
  for (const path of ["/api/status", "/api/bus/stats"]) {
    const t = performance.now();
    const r = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
    await r.arrayBuffer();
    if (!r.ok) throw new Error(`${path} answered ${r.status}`);
    ms[path]!.push(performance.now() - t);
  }
  await Bun.sleep(Number(interval));
}
await stopped;
process.stdout.write(`${JSON.stringify(ms)}\n`);
export {};
