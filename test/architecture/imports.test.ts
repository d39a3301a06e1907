import { describe, expect, test } from "bun:test";
import { describeCycles, importsUnder, packageGraph } from "./import-graph.ts";

/**
 * Everything but these is domain (sessions, output, the bus…) and knows nothing of HTTP, MCP or the
 * CLI. The adapters are the HTTP routes, the MCP tools, the typed API over both, the Hono app and
 * the server's start; server/platform is the runtime seam, which serves that app on Bun or Deno.
 */
const ADAPTERS = new Set(["routes", "mcp", "app.ts", "main.ts", "platform"]);
const FRAMEWORKS = /^(hono|@hono\/|@modelcontextprotocol\/|citty$)/;
const ADAPTER_FILES = /^(server\/(routes|mcp|api)\/|server\/(app|main)\.ts$|cli\/)/;

describe("the import graph of server/", () => {
  const imports = importsUnder("server");
  const graph = packageGraph(imports);

  test("is read from every source file, static and dynamic imports alike", () => {
    expect(graph.size).toBeGreaterThan(15);
    expect(imports.some((i) => i.file === "server/main.ts" && i.spec === "./app.ts")).toBe(true);
    // a dynamic import(…) counts as much as a static one
    expect(imports.some((i) => i.file === "server/runtime.ts" && i.spec === "./bus/index.ts")).toBe(true);
  });

  test("has no cycle between packages (each folder of server/, and each file directly in it)", () => {
    expect(describeCycles(graph)).toEqual([]);
  });

  test("the domain packages import no HTTP, MCP or CLI code", () => {
    const domain = [...graph.keys()].filter((p) => !ADAPTERS.has(p));
    expect(domain).toEqual(expect.arrayContaining(["session", "bus", "output", "persist", "context", "work", "security"]));
    const found = imports
      .filter((i) => !ADAPTERS.has(i.file.split("/")[1] ?? ""))
      .filter((i) => FRAMEWORKS.test(i.spec) || (i.target !== undefined && ADAPTER_FILES.test(i.target)))
      .map((i) => `${i.file} imports ${i.spec}`);
    expect(found).toEqual([]);
  });
});
