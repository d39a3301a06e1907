/**
 * The worker thread's entry (see pool.ts): runs one job per message and answers with its result,
 * or with the error's code and sentence. Added to the compiled binary as an entrypoint (build.ts).
 */
import { AppError } from "../errors.ts";
import { batchWriter, type WriteBatch } from "./bus-writes.ts";
import { platform } from "../platform/index.ts";
import { type JobName, jobs } from "./jobs.ts";

declare const self: { onmessage: ((e: MessageEvent) => void) | null; postMessage(data: unknown, transfer?: Transferable[]): void };

/** Set when this thread is the bus store's writer (server/bus/store-thread.ts): it then does nothing else. */
let busWrite: ((b: WriteBatch) => void) | null = null;
let busDone: Int32Array | null = null;

function onBusMessage(d: { busInit?: { path: string; done: Int32Array }; busWrite?: WriteBatch }): void {
  if (d.busInit) {
    busDone = d.busInit.done;
    busWrite = batchWriter(d.busInit.path, platform.openSqlite);
    return;
  }
  const b = d.busWrite!;
  const t = performance.now();
  try {
    busWrite!(b);
  } catch (err) {
    self.postMessage({ busFailed: { id: b.id, message: err instanceof Error ? err.message : String(err) } });
    return;
  }
  Atomics.store(busDone!, 0, b.id);
  Atomics.notify(busDone!, 0);
  const rows = b.messages.length / 10 + b.inbox.length / 3 + (b.floors.length + b.removals.length) / 2;
  self.postMessage({ busCommitted: { id: b.id, maxSeq: b.maxSeq, rows, ms: performance.now() - t } });
}

self.onmessage = (e: MessageEvent) => {
  if (e.data?.busInit || e.data?.busWrite) return onBusMessage(e.data);
  const { id, name, input } = e.data as { id: number; name: JobName; input: never };
  try {
    const output: unknown = jobs[name](input);
    // bytes back by transfer too (the stored form of an output can be megabytes)
    if (output instanceof Uint8Array && output.byteOffset === 0 && output.byteLength === output.buffer.byteLength) {
      self.postMessage({ id, output }, [output.buffer as ArrayBuffer]);
    } else self.postMessage({ id, output });
  } catch (err) {
    const code = err instanceof AppError ? err.code : "internal";
    self.postMessage({ id, error: { code, message: err instanceof Error ? err.message : String(err) } });
  }
};
