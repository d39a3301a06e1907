// The tokenizer's own thread: loads tiktoken (150 ms to over a second on a busy machine) and counts
// texts sent by server/context/background-tokens.ts, so neither ever stalls the server's event loop.
import { countTokensLarge, warmTokenizer } from "./tokens.ts";

declare const self: { onmessage: ((e: MessageEvent) => void) | null; postMessage(m: unknown): void };

export interface CountRequest {
  id: number;
  texts: string[];
  exactLimit?: number;
}
export interface CountAnswer {
  id: number;
  counts?: Array<{ tokens: number; estimated: boolean }>;
  error?: string;
}

try {
  warmTokenizer();
  self.postMessage({ ready: true });
} catch (err) {
  self.postMessage({ ready: false, error: (err as Error).message });
}

self.onmessage = (e: MessageEvent) => {
  const req = e.data as CountRequest;
  try {
    const counts = req.texts.map((t) => countTokensLarge(t, "o200k_base", req.exactLimit));
    self.postMessage({ id: req.id, counts } satisfies CountAnswer);
  } catch (err) {
    self.postMessage({ id: req.id, error: (err as Error).message } satisfies CountAnswer);
  }
};
