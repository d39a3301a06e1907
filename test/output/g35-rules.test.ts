/** Rules that came from corpus group g35 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";

describe("a sanitizer's runtime error from a program a build ran", () => {
  test("is an error at its place, with gcc's rules too", () => {
    const raw = ["cache.c:41:9: runtime error: load of null pointer of type 'struct entry'", "cache hits: 0", "cache.c:58:14: runtime error: index 16 out of bounds for type 'int [16]'"].join("\n");
    const a = analyzeOutput(raw, { command: "gcc -fsanitize=undefined cache.c -o cache && ./cache", exitCode: 0 });
    expect(a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`)).toEqual(["cache.c:41", "cache.c:58"]);
    expect(a.counts.errors).toBe(2);
  });
});
