import { describe, expect, test } from "bun:test";
import { posix } from "node:path";
import { basename, join, normalize, resolve } from "../../server/posix-path.ts";

// server/posix-path.ts stands in for node:path on the CLI's start path: it must give node:path's answers.
const PATHS = ["", ".", "./", "/", "//", "a", "a/", "a//b", "/a/../..", "../a", "a/../..", "./a/./b/", "/a/b/../c/", "..", "../", "a/..", "a/../", "/..", "/.", "x/./../../y", "/tmp/ais-x/"];

describe("POSIX paths without node:path", () => {
  test("normalize, resolve and basename answer as node:path's posix ones", () => {
    for (const p of PATHS) {
      expect([p, normalize(p)]).toEqual([p, posix.normalize(p)]);
      expect([p, resolve("/cwd/d", p)]).toEqual([p, posix.resolve("/cwd/d", p)]);
      expect([p, basename(p)]).toEqual([p, posix.basename(p)]);
    }
  });

  test("join answers as node:path's posix join", () => {
    for (const parts of [["a", "b"], ["/a/", "/b"], ["", ""], ["a", "", "b/"], ["/h/", "x"], ["..", "x"], ["/tmp/x/", "server.sock"], ["/d", "..", "..", "e"]]) {
      expect([parts, join(...parts)]).toEqual([parts, posix.join(...parts)]);
    }
  });
});
