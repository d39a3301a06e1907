import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { contentTypeOf } from "../../dashboard/content-type.ts";
import { ROOT, startServer, type Server } from "./harness.ts";

const DIST = join(ROOT, "dashboard/dist");
const fromSource = process.env.AI_SESSION_TEST_FROM_SOURCE === "1";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

describe.skipIf(fromSource)("the compiled binary", () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  });

  test("serves every file of the dashboard build, byte for byte, with its content type", async () => {
    const all = files(DIST);
    expect(all.length).toBeGreaterThan(3);
    for (const file of all) {
      const path = "/" + relative(DIST, file).split(sep).join("/");
      for (const encoding of ["gzip", "identity"]) {
        const res = await fetch(server.origin + path, { headers: { "accept-encoding": encoding }, decompress: true });
        expect(`${path} ${res.status}`).toBe(`${path} 200`);
        expect(res.headers.get("content-type")).toBe(contentTypeOf(path));
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array(readFileSync(file)));
      }
    }
  });

  test("answers any page path with the app, and needs no token for it (the data needs one)", async () => {
    const page = await fetch(`${server.origin}/sessions/anything`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain('<div id="app">');
    const data = await fetch(`${server.origin}/api/sessions`);
    expect(data.status).toBe(401);
  });

  test("loads nothing from the internet: every script and stylesheet is served by the binary", () => {
    const html = readFileSync(join(DIST, "index.html"), "utf8");
    const css = files(DIST).filter((f) => f.endsWith(".css") || f.endsWith(".js")).map((f) => readFileSync(f, "utf8"));
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const text of css) expect(text).not.toMatch(/url\(\s*["']?https?:/);
    expect(html).not.toMatch(/fonts\.googleapis|cdn\.|unpkg|jsdelivr/);
  });
});
