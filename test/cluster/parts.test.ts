import { describe, expect, test } from "bun:test";
import { RequestParts } from "../../server/cluster/parts.ts";

describe("a large request received in parts", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  test("comes whole once every part came, in any order", () => {
    const parts = new RequestParts();
    expect(parts.put("r1", 1, 2, 6, bytes("def"))).toBeUndefined();
    expect(parts.put("r1", 0, 2, 6, bytes("abc"))).toBeUndefined();
    expect(new TextDecoder().decode(parts.take({ id: "r1", count: 2, bytes: 6 })!)).toBe("abcdef");
  });

  test("with a part missing is not taken, and nothing throws (the caller is told to send again)", () => {
    const parts = new RequestParts();
    parts.put("r2", 0, 3, 9, bytes("abc"));
    parts.put("r2", 2, 3, 9, bytes("ghi"));
    expect(parts.take({ id: "r2", count: 3, bytes: 9 })).toBeUndefined();
  });

  test("numbered wrongly is refused with a sentence, not a crash", () => {
    const parts = new RequestParts();
    expect(parts.put("r3", 0, Number.NaN, 3, bytes("abc"))).toMatch(/numbered wrongly/);
    expect(parts.put("r3", 0, -1, 3, bytes("abc"))).toMatch(/numbered wrongly/);
    expect(parts.put("r3", 5, 2, 3, bytes("abc"))).toMatch(/out of place/);
    expect(parts.put("r3", 0, 1, 3, bytes("abc"))).toBeUndefined();
    expect(parts.put("r3", 0, 1, 3, bytes("abc"))).toMatch(/out of place/);
  });
});
