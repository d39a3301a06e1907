import { afterEach, describe, expect, test } from "bun:test";
import { decodeOutput, encodeOutput } from "../../server/output/codec.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

afterEach(() => {
  delete process.env.AI_SESSION_KEY;
  delete process.env.AI_SESSION_REDACT;
});

describe("stored output codec", () => {
  test("output comes back as it went in, compressed", () => {
    const raw = enc.encode("\x1b[1mcompiling\x1b[0m\r\n".repeat(500));
    const stored = encodeOutput(raw);
    expect(stored.length).toBeLessThan(raw.length / 10);
    expect(decodeOutput(stored)).toEqual(raw);
  });

  test("secrets are redacted before storing unless AI_SESSION_REDACT=0", () => {
    const raw = enc.encode("key AKIAIOSFODNN7EXAMPLE\n");
    expect(dec.decode(decodeOutput(encodeOutput(raw)))).toBe("key [redacted:aws-access-key]\n");
    process.env.AI_SESSION_REDACT = "0";
    expect(decodeOutput(encodeOutput(raw))).toEqual(raw);
  });

  test("with a key the stored bytes are encrypted; without it they cannot be read back", () => {
    process.env.AI_SESSION_KEY = "0123456789abcdef".repeat(4);
    const stored = encodeOutput(enc.encode("the secret plan\n"));
    expect(String.fromCharCode(...stored.subarray(0, 4))).toBe("AISE");
    expect(dec.decode(decodeOutput(stored))).toBe("the secret plan\n");
    process.env.AI_SESSION_KEY = "f".repeat(64);
    expect(() => decodeOutput(stored)).toThrow(/different key/);
    delete process.env.AI_SESSION_KEY;
    expect(() => decodeOutput(stored)).toThrow(/no key is set/);
  });

  test("rows written before a key was set stay readable after", () => {
    const plain = encodeOutput(enc.encode("old row\n"));
    process.env.AI_SESSION_KEY = "0123456789abcdef".repeat(4);
    expect(dec.decode(decodeOutput(plain))).toBe("old row\n");
  });
});
