/** Rules that came from corpus group g40 (captured before them), checked on output written in the tools' formats. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";

describe("a numbered list under a heading that names its severity", () => {
  const raw = ["@acme/maps lint results:", "Errors:", "1. pkg.main is ./lib/index.js but the file does not exist.", "2. pkg.types is ./lib/index.d.ts but the file does not exist.", "Warnings:", "1. pkg.repository is not set.", "Suggestions:", "1. Consider adding pkg.sideEffects."].join("\n");

  test("is that many errors, warnings and notes (publint)", () => {
    const a = analyzeOutput(raw, { command: "npx publint", exitCode: 1, rules: "generic" });
    expect(a.counts.errors).toBe(2);
    expect(a.counts.warnings).toBe(1);
    expect(a.errors.filter((e) => e.severity === "error").map((e) => e.message)).toEqual(["1. pkg.main is ./lib/index.js but the file does not exist.", "2. pkg.types is ./lib/index.d.ts but the file does not exist."]);
  });
});

describe("what a command says it does", () => {
  test("go's module commands install (`go mod tidy`, `go get`), with go's rules and without", () => {
    const raw = ['go: example.com/app imports\n\tgithub.com/pkg/errors: module github.com/pkg/errors: Get "https://proxy.golang.org/github.com/pkg/errors/@v/list": dial tcp: lookup proxy.golang.org: no such host'].join("\n");
    for (const rules of [undefined, "generic" as const]) {
      expect(analyzeOutput(raw, { command: "go mod tidy", exitCode: 1, rules }).kind).toBe("install");
      expect(analyzeOutput(raw, { command: "go get github.com/pkg/errors@v0.9.1", exitCode: 1, rules }).kind).toBe("install");
    }
  });

  test("a documentation generator's run is a build (`npm run docs`, typedoc)", () => {
    const raw = ["[warning] The signature area has an @param with name \"w\", which was not used", "[warning] Found 0 errors and 1 warnings"].join("\n");
    expect(analyzeOutput(raw, { command: "npx typedoc src/index.ts", exitCode: 0, rules: "generic" }).kind).toBe("build");
    expect(analyzeOutput(raw, { command: "npm run docs", exitCode: 0, rules: "generic" }).kind).toBe("build");
  });

  test("a checker that crashed was a check, not a runtime error", () => {
    const raw = ["", "> web@1.0.0 lint", "> eslint src", "", "Oops! Something went wrong! :(", "", "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'eslint-plugin-vue' imported from /src/web/eslint.config.js", "    at packageResolve (node:internal/modules/esm/resolve:873:9)", "    at moduleResolve (node:internal/modules/esm/resolve:946:18)", "    at defaultResolve (node:internal/modules/esm/resolve:1188:11)"].join("\n");
    expect(analyzeOutput(raw, { command: "npm run lint", exitCode: 2, rules: "generic" }).kind).toBe("lint");
  });
});
