/**
 * The worker thread's entry (see pool.ts): runs one job per message and answers with its result,
 * or with the error's code and sentence. Added to the compiled binary as an entrypoint (build.ts).
 */
import { AppError } from "../errors.ts";
import { type JobName, jobs } from "./jobs.ts";

declare const self: { onmessage: ((e: MessageEvent) => void) | null; postMessage(data: unknown, transfer?: Transferable[]): void };

self.onmessage = (e: MessageEvent) => {
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
