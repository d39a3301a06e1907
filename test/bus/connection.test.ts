/**
 * A bus connection after close(): frames queued in the same tick as the close are never written,
 * and no drain timer keeps running for a transport that is gone.
 */
import { afterAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { createBusService } from "../../server/bus/index.ts";
import { BusConnection, connectionStats } from "../../server/bus/connection.ts";
import { freshHome } from "./fresh.ts";

const { home, db } = freshHome();
const svc = createBusService({ db, home });
afterAll(() => {
  svc.close();
  db.$client.close();
  rmSync(home, { recursive: true, force: true });
});

test("a frame queued in the same tick as close() is never written, and no drain poll starts", async () => {
  let sends = 0;
  // a transport that is backed up: every frame it is offered would wait in the outbox for a drain
  const conn = new BusConnection(svc, "watcher", { all: true }, { send: () => void sends++, buffered: () => 1 << 30, close: () => {} });
  const open = connectionStats.open;
  conn.open(); // queues the "ready" frame for the end of this tick
  conn.receive(JSON.stringify({ op: "ping", ref: 1 }));
  svc.bus.publish({ sender: "someone", broadcast: true, payload: "late" });
  conn.close();
  await Bun.sleep(60);
  expect(sends).toBe(0);
  expect(conn.stats.queued).toBe(0);
  expect(connectionStats.open).toBe(open); // open() counted it, close() uncounted it once
  conn.close(); // a second close changes nothing
  expect(connectionStats.open).toBe(open);
  expect(conn.isClosed).toBe(true);
});
