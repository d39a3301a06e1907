/** Rules that came from corpus group g34 (captured before them), checked on output written in the tool's format. */
import { describe, expect, test } from "bun:test";
import { analyzeOutput } from "../../server/output/analyze.ts";

describe("npm's error report over many prefixed lines", () => {
  test("is one error", () => {
    const raw = ["npm error code ENOWORKSPACES", "npm error This command does not support workspaces.", "npm error", "npm error A complete log of this run can be found in: /root/.npm/_logs/x-debug-0.log"].join("\n");
    expect(analyzeOutput(raw, { command: "npm run lint", exitCode: 1, rules: "generic" }).counts.errors).toBe(1);
    const missing = ['npm error Missing script: "build:css"', "npm error", "npm error To see a list of scripts, run:", "npm error   npm run"].join("\n");
    expect(analyzeOutput(missing, { command: "npm run build:css", exitCode: 1 }).counts.errors).toBe(1);
  });
});

describe("node's link-time SyntaxError under a file:// header", () => {
  test("is placed at the header's file and line", () => {
    const raw = [
      "file:///srv/app/src/index.js:3",
      'import { parse } from "./csv.js";',
      "         ^^^^^",
      "SyntaxError: The requested module './csv.js' does not provide an export named 'parse'",
      "    at ModuleJob._instantiate (node:internal/modules/esm/module_job:213:21)",
      "",
      "Node.js v20.20.2",
    ].join("\n");
    const a = analyzeOutput(raw, { command: "node src/index.js", exitCode: 1 });
    expect(a.errors.filter((e) => e.severity === "error").map((e) => `${e.file}:${e.line}`)).toEqual(["/srv/app/src/index.js:3"]);
  });
});

describe("npm and git named by their output alone", () => {
  test("npm's log prefix, git's words about itself", () => {
    expect(analyzeOutput('npm error Missing script: "e2e"\nnpm error\nnpm error To see a list of scripts, run:\nnpm error   npm run').tool).toBe("npm");
    expect(analyzeOutput("fatal: not a git repository (or any of the parent directories): .git").tool).toBe("git");
  });
});
