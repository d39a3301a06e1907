/** Rules that came from corpus group g47 (captured before them): configuration and environment inspected with go env, go list, git config, node -p, npm config, go doc and pydoc. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";
import { compactOutput } from "../../server/output/compact.ts";

const hint = (a: number, b: number) => `ai-session read s --command 1 --lines ${a}-${b}`;

const goEnv = Array.from({ length: 40 }, (_, k) => `GOVAR${k}="${k % 3 ? `/usr/lib/go-1.19/part${k}` : ""}"`).join("\n");
const gitConfig = Array.from({ length: 36 }, (_, k) => `file:.git/config        section${k % 4}.key${k}=value-${k}`).join("\n");

describe("configuration and environment asked for", () => {
  test("a dump of settings comes back whole as a listing, whatever printed it", () => {
    for (const [raw, command] of [
      [goEnv, "go env"],
      [goEnv, "docker exec api env"],
      [gitConfig, "git config --list --show-origin"],
    ] as const) {
      const r = compactOutput(raw, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(raw);
      expect(r.analysis).toMatchObject({ kind: "listing", errors: [] });
    }
  });

  test("the query subcommands of build and package tools print data: go list, npm config, pip show, node -p", () => {
    const json = JSON.stringify({ Dir: "/p/internal/config", ImportPath: "example.com/p/internal/config", Deps: Array.from({ length: 40 }, (_, k) => `internal/dep${k}`) }, null, 2);
    const versions = ["{", ...Array.from({ length: 30 }, (_, k) => `  lib${k}: '1.${k}.0',`), "}"].join("\n");
    for (const [raw, command] of [
      [json, "go list -json ./internal/config"],
      [versions, "node -p process.versions"],
      [versions, "npm config list"],
      [versions, "pip show -f requests"],
    ] as const) {
      const r = compactOutput(raw, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(raw);
      expect(r.analysis.kind).toBe("listing");
    }
  });

  test("a documentation reader's page is a document: whole, with no findings in its words", () => {
    const doc = ["Help on function dumps in json:", "", ...Array.from({ length: 50 }, (_, k) => `    If option${k} is false, then it will be a ValueError to serialize it; raise TypeError on failure.`)].join("\n");
    for (const command of ["PAGER=cat python3 -m pydoc json.dumps", "go doc -all ./internal/config", "man tar", "pydoc3 json"]) {
      const r = compactOutput(doc, { command, exitCode: 0, expandHint: hint });
      expect(r.text).toBe(doc);
      expect(r.analysis).toMatchObject({ kind: "listing", errors: [] });
    }
  });
});

test("read by shapes alone, a JSON document whose values say error is data, not findings", () => {
  const json = JSON.stringify({ ImportPath: "example.com/p/internal/config", Stale: true, StaleReason: "build ID mismatch", Error: null, Deps: Array.from({ length: 30 }, (_, k) => `internal/oserror${k}`) }, null, 2);
  const r = compactOutput(json, { command: "go list -json ./internal/config", exitCode: 0, rules: "generic", expandHint: hint });
  expect(r.analysis).toMatchObject({ kind: "listing", errors: [] });
  expect(r.text).toBe(json);
});

describe("what is no dump of settings", () => {
  test("a build that prints its variables and then fails is read as the build", () => {
    const raw = ["CC=gcc", "CFLAGS=-O2 -Wall", "LDFLAGS=-lm", "gcc -O2 -Wall -c src/main.c -o build/main.o", "src/main.c:12:5: error: 'count' undeclared (first use in this function)", "make: *** [Makefile:14: build/main.o] Error 1"].join("\n");
    const a = analyzeOutput(raw, { command: "make", exitCode: 2 });
    expect(a.kind).toBe("build");
    expect(a.errors.some((e) => e.file === "src/main.c" && e.line === 12)).toBe(true);
  });
});
