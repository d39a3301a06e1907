import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { get_encoding, type TiktokenEncoding } from "tiktoken";
import { countTokensDetailed, type Encoding } from "../../server/tokens/tokens.ts";

/**
 * Counting in pieces (server/tokens/pieces.ts) must give tiktoken's own count of the whole
 * text wherever it says the count is exact, and say "estimated" wherever it is not. The reference
 * is the tiktoken package encoding the text in one call.
 */
const reference = new Map<Encoding, ReturnType<typeof get_encoding>>();
function whole(text: string, encoding: Encoding): number {
  let e = reference.get(encoding);
  if (!e) reference.set(encoding, (e = get_encoding(encoding as TiktokenEncoding)));
  return e.encode_ordinary(text).length;
}

const FIXTURES = join(import.meta.dir, "../fixtures/output");
const logs = readdirSync(FIXTURES)
  .filter((f) => f.endsWith(".txt"))
  .sort()
  .slice(0, 120)
  .map((f) => readFileSync(join(FIXTURES, f), "utf8"))
  .join("\n");

function randomBase64(bytes: number): string {
  const b = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i += 65536) crypto.getRandomValues(b.subarray(i, Math.min(bytes, i + 65536)));
  return Buffer.from(b).toString("base64");
}

const mixed = [
  "naïve café — 日本語のテキスト 🚀🚀 e\u0301 don't WON'T they're\r\n",
  "\tindented\t\ttabs   and    spaces      before words\n",
  "https://example.com/a/b?c=1&d=2 /usr/local/bin\n/etc/passwd\n",
  "x".repeat(200) + " " + "7".repeat(250) + "\n",
  "    at Object.<anonymous> (/src/app.test.ts:12:34)\n",
  "=".repeat(80) + "\n" + "-".repeat(120) + "\n",
  "ЁЖЗ Привет мир; Ελληνικά; עברית; العربية; हिन्दी\u200d\n",
].join("").repeat(400);

describe("token counts in pieces", () => {
  for (const encoding of ["o200k_base", "cl100k_base"] as const) {
    test(`${encoding}: real logs, mixed scripts and random base64 are counted exactly, and say so`, () => {
      for (const text of [logs, mixed, randomBase64(150_000), "1234567890".repeat(20_000)]) {
        const r = countTokensDetailed(text, encoding);
        expect(r.estimated).toBe(false);
        expect(r.tokens).toBe(whole(text, encoding));
      }
    }, 120_000);
  }

  test("a long run of one character is estimated, within 1% of the whole count, and says so", () => {
    // 20,000 characters: the reference itself takes about as long as the square of the run
    for (const ch of ["a", "=", " ", "é"]) {
      const text = `start ${ch.repeat(20_000)} end\n`;
      const r = countTokensDetailed(text, "o200k_base");
      expect(r.estimated).toBe(true);
      const exact = whole(text, "o200k_base");
      expect(Math.abs(r.tokens - exact) / exact).toBeLessThan(0.01);
    }
  }, 120_000);

  test("past its time budget the count is extrapolated from what was counted, and says so", () => {
    // a text alike all along (the first piece stands for the rest)
    const text = mixed;
    const r = countTokensDetailed(text, "o200k_base", { budgetMs: 0 });
    expect(r.estimated).toBe(true);
    const exact = whole(text, "o200k_base");
    expect(Math.abs(r.tokens - exact) / exact).toBeLessThan(0.05);
  }, 60_000);
});
