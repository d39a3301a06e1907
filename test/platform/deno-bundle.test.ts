import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseResponse } from "../../server/platform/deno-unix-http.ts";
import { requireBinary } from "../e2e/cli.ts";

const DIST = resolve(import.meta.dir, "../../dist/deno");
/** Chunks a command imports only when a flag asks for them: create --limits (server/security/limits.ts). */
const ON_A_FLAG = /^limits-[a-z0-9]+\.js$/;

/**
 * The chunks a command reads: static imports, and the dynamic imports of chunks outside `shared`
 * (the command's own, which it makes on its way to the server; the start's chunks import every
 * command and the server's parts lazily). Returns each node: module or package imported statically.
 */
function staticGraph(entries: string[], shared?: Set<string>): { chunks: Set<string>; builtins: Map<string, string> } {
  const chunks = new Set<string>();
  const builtins = new Map<string, string>();
  const visit = (name: string) => {
    if (chunks.has(name)) return;
    chunks.add(name);
    const text = readFileSync(join(DIST, name), "utf8");
    for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*)"([^"]+)"/g)) {
      const spec = m[1]!;
      if (spec.startsWith("./")) visit(spec.slice(2));
      else builtins.set(spec, name);
    }
    if (shared && !shared.has(name)) for (const m of text.matchAll(/\bimport\("\.\/([^"]+)"\)/g)) if (!ON_A_FLAG.test(m[1]!)) visit(m[1]!);
  };
  for (const e of entries) visit(e);
  return { chunks, builtins };
}

/** The chunk a command's dynamic import in the CLI's main chunk names. */
function commandChunk(main: string, command: string): string {
  const text = readFileSync(join(DIST, main), "utf8");
  const m = new RegExp(`\\b${command}:\\(\\)=>import\\("\\./([^"]+)"\\)`).exec(text);
  if (!m) throw new Error(`no chunk for ${command} in ${main}`);
  return m[1]!;
}

describe("the Deno bundle (dist/deno)", () => {
  // Deno sets up its Node layer at the first node: module a program loads, 40 to 90 ms; a command
  // that only talks to its server loads none (server/platform/node-builtin.ts).
  test("exec, create and the other session commands load no node: module and no npm package on their way to the server", () => {
    requireBinary();
    const entryText = readFileSync(join(DIST, "deno-main.js"), "utf8");
    const main = /import\("\.\/(main-[^"]+)"\)/.exec(entryText)?.[1];
    expect(main).toBeDefined();
    const entry = staticGraph(["deno-main.js", main!]);
    expect(Object.fromEntries(entry.builtins)).toEqual({});
    for (const command of ["exec", "create", "send", "read", "list", "wait", "kill"]) {
      const { chunks, builtins } = staticGraph(["deno-main.js", main!, commandChunk(main!, command)], entry.chunks);
      expect(chunks.size).toBeGreaterThan(entry.chunks.size);
      expect([command, Object.fromEntries(builtins)]).toEqual([command, {}]);
    }
  });

  test("Bun's require helper is made on first use, not from an import of node:module", () => {
    requireBinary();
    const helpers = staticGraph(["deno-main.js"]).chunks;
    const texts = [...helpers].map((c) => readFileSync(join(DIST, c), "utf8"));
    expect(texts.some((t) => t.includes("__requireMade"))).toBe(true);
    expect(texts.filter((t) => t.includes('from"node:module"'))).toEqual([]);
  });
});

describe("HTTP answers read off a Unix socket on Deno (deno-unix-http.ts)", () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  test("a content-length answer is cut at its length; status and ok as fetch gives them", async () => {
    // the length counts bytes (é is two), and what follows it is not the body
    const r = parseResponse(bytes('HTTP/1.1 404 Not Found\r\ncontent-type: application/json\r\nContent-Length: 10\r\n\r\n{"a":"é"}XYZ'));
    expect([r.status, r.ok, await r.text()]).toEqual([404, false, '{"a":"é"}']);
    const ok = parseResponse(bytes("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}"));
    expect([ok.status, ok.ok, await ok.text()]).toEqual([200, true, "{}"]);
  });

  test("a chunked answer is put back together; one without a length runs to the end", async () => {
    const chunked = parseResponse(bytes("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nWiki\r\n6;x=y\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n\r\n"));
    expect(await chunked.text()).toBe("Wikipedia in \r\n\r\nchunks.");
    expect(await parseResponse(bytes("HTTP/1.1 201 Created\r\n\r\nall of it")).text()).toBe("all of it");
  });

  test("an answer cut short is a closed connection, not a short body", () => {
    expect(() => parseResponse(bytes("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort"))).toThrow(expect.objectContaining({ code: "ConnectionClosed" }));
    expect(() => parseResponse(bytes("HTTP/1.1 200 OK\r\ncontent-le"))).toThrow(expect.objectContaining({ code: "ConnectionClosed" }));
    expect(() => parseResponse(bytes("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10\r\nabc"))).toThrow(expect.objectContaining({ code: "ConnectionClosed" }));
    expect(() => parseResponse(bytes("SSH-2.0-OpenSSH\r\n\r\n"))).toThrow(expect.objectContaining({ code: "InvalidData" }));
  });
});
