import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Hono } from "hono";
import type { DashboardAsset } from "../../dashboard/asset.ts";
import { renderManifest } from "../../dashboard/embed.ts";
import type { AppEnv } from "../../server/routes/env.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import { dashboardRoutes } from "../../server/routes/dashboard.ts";

const dir = mkdtempSync(join(tmpdir(), "ai-session-dashboard-route-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const built: DashboardAsset[] = [
  { path: "/index.html", file: file("index.html", "<!doctype html><title>app</title>"), type: "text/html; charset=utf-8" },
  { path: "/assets/index-abc.js", file: file("index-abc.js", "console.log('app');".repeat(50)), type: "text/javascript; charset=utf-8" },
  { path: "/assets/index-abc.css", file: file("index-abc.css", "body{}"), type: "text/css; charset=utf-8" },
];

function appWith(assets: DashboardAsset[]) {
  const app = new Hono<AppEnv>();
  app.use("*", async (c, next) => {
    c.set("caller", ownerCaller());
    await next();
  });
  app.get("/api/status", (c) => c.json({ ok: true }));
  app.route("/", dashboardRoutes(assets));
  app.notFound((c) => c.json({ error: { code: "not_found", message: "no route" } }, 404));
  return app;
}

describe("the dashboard route", () => {
  test("serves each built file with its content type, and index.html at /", async () => {
    const app = appWith(built);
    const root = await app.request("/");
    expect(root.status).toBe(200);
    expect(root.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await root.text()).toContain("<title>app</title>");
    const js = await app.request("/assets/index-abc.js");
    expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(await js.text()).toStartWith("console.log('app');");
    expect((await app.request("/assets/index-abc.css")).headers.get("content-type")).toBe("text/css; charset=utf-8");
  });

  test("gzips text files for browsers that accept it", async () => {
    const res = await appWith(built).request("/assets/index-abc.js", { headers: { "accept-encoding": "gzip, br" } });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const body = new Uint8Array(await res.arrayBuffer());
    expect(new TextDecoder().decode(Bun.gunzipSync(body))).toStartWith("console.log('app');");
  });

  test("answers page paths with index.html (the app routes in the browser) but not missing files or /api", async () => {
    const app = appWith(built);
    expect(await (await app.request("/sessions/dev")).text()).toContain("<title>app</title>");
    expect((await app.request("/assets/gone-123.js")).status).toBe(404);
    const api = await app.request("/api/nothing-here");
    expect(api.status).toBe(404);
    expect(await api.json()).toEqual({ error: { code: "not_found", message: "no route" } });
    expect(await (await app.request("/api/status")).json()).toEqual({ ok: true });
  });

  test("keeps the login token out of referrers and the page out of frames", async () => {
    const res = await appWith(built).request("/");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(res.headers.get("content-security-policy")).not.toContain("http");
  });

  test("says plainly when the binary was built without the dashboard", async () => {
    const res = await appWith([]).request("/");
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("this build has no dashboard in it");
    expect(text).toContain("npm run build");
  });

  test("tells the page who its token is, so it offers typing only with the exec scope", async () => {
    const res = await appWith(built).request("/api/whoami");
    expect(await res.json()).toEqual({ kind: "owner", name: "owner", scopes: ["admin", "exec", "read"], agent: null });
  });

  test("the manifest imports every file so bun build --compile embeds it", () => {
    const text = renderManifest([join(import.meta.dir, "../../dashboard/dist/index.html"), join(import.meta.dir, "../../dashboard/dist/assets/a-1.js")]);
    expect(text).toContain('import f0 from "./dist/index.html" with { type: "file" };');
    expect(text).toContain('{ path: "/assets/a-1.js", file: f1, type: "text/javascript; charset=utf-8" }');
  });
});
