import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { estimateTokens } from "../../server/work/background-tokens.ts";
import { countTokens } from "../../server/tokens/tokens.ts";

/**
 * The count a result carries while the tokenizer still loads is an estimate that says so; it should
 * be near the exact count for real output (colours and all), not a third short as four characters
 * a token was for a coloured pytest run (916 against 1,635).
 */
const FIXTURES = join(import.meta.dir, "../fixtures/output");
const raw = (name: string) => readFileSync(join(FIXTURES, `${name}.txt`), "utf8");

describe("the token estimate while the tokenizer loads", () => {
  test("is flagged, and within a quarter of the exact count for coloured test, build and lint output", () => {
    for (const name of ["pytest-failing", "tsc-type-errors", "cargo-build-type-errors", "jest-failing", "eslint-stylish-errors", "gcc-compile-errors"]) {
      const text = raw(name);
      const e = estimateTokens(text);
      const exact = countTokens(text);
      expect(e.estimated).toBe(true);
      expect([name, Math.abs(e.tokens - exact) / exact < 0.25]).toEqual([name, true]);
    }
  });
  test("is zero and exact for no text, and reads a long text in a head and a tail", () => {
    expect(estimateTokens("")).toEqual({ tokens: 0, estimated: false });
    const long = raw("pytest-failing").repeat(200);
    const e = estimateTokens(long);
    const exact = countTokens(long);
    expect(Math.abs(e.tokens - exact) / exact).toBeLessThan(0.3);
  });
});
