/**
 * Every route of the app says who may call it, where it is registered: its scope, and the session
 * it reads or acts on. An app with a route that declares nothing does not start. These tests list
 * the app's own route table (what the router will match), not a copy of it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { Hono } from "hono";
import type { AppEnv } from "../../server/routes/env.ts";
import { createApp } from "../../server/app.ts";
import { BUS_OPS } from "../../server/bus/connection.ts";
import { allow, assertEveryRouteDeclared, routeTable, type DeclaredRoute } from "../../server/routes/access.ts";
import { documentedRoutes, openApiPath } from "../../server/routes/openapi.ts";
import { securityServer, type SecurityServer } from "./harness.ts";

let s: SecurityServer;
let table: DeclaredRoute[];
beforeAll(async () => {
  s = await securityServer("ais-routes-");
  table = routeTable(createApp(s.server.rt));
});
afterAll(async () => {
  await s?.stop();
});

const find = (method: string, path: string) => {
  const r = table.find((x) => x.method === method && x.path === path);
  if (!r) throw new Error(`the app has no route ${method} ${path}`);
  return r.access!;
};

describe("route declarations", () => {
  test("every route of the app declares who may call it", () => {
    expect(table.length).toBeGreaterThan(60);
    const undeclared = table.filter((r) => !r.access).map((r) => `${r.method} ${r.path}`);
    expect(undeclared).toEqual([]);
    // only the dashboard's files need no token
    expect(table.filter((r) => r.access?.scope === "public").map((r) => `${r.method} ${r.path}`)).toEqual(["GET /*"]);
  });

  test("an app with a route that declares nothing refuses to start, naming it", () => {
    const sub = new Hono<AppEnv>();
    sub.get("/fine", allow({ scope: "read" }), (c) => c.text("ok"));
    sub.post("/forgotten", (c) => c.text("no declaration"));
    const app = new Hono<AppEnv>();
    app.route("/api", sub);
    expect(() => assertEveryRouteDeclared(app)).toThrow("POST /api/forgotten declares no access");

    const wrongParam = new Hono<AppEnv>();
    wrongParam.get("/api/sessions/:name/peek", allow({ scope: "read", session: { param: "session" } }), (c) => c.text("x"));
    expect(() => assertEveryRouteDeclared(wrongParam)).toThrow(`names the session parameter "session", which its path lacks`);

    const declared = new Hono<AppEnv>();
    declared.route("/api", new Hono<AppEnv>().get("/fine", allow({ scope: "read" }), (c) => c.text("ok")));
    expect(() => assertEveryRouteDeclared(declared)).not.toThrow();
  });

  test("every route about one session names it, so the ownership check runs on it", () => {
    const about = table.filter((r) => r.path.startsWith("/api/sessions/:name"));
    expect(about.length).toBeGreaterThan(15);
    for (const r of about) expect([r.method, r.path, r.access!.session]).toEqual([r.method, r.path, { param: "name" }]);
    // creating names the session in the body; a token held to some sessions must name one
    expect(find("POST", "/api/sessions").session).toEqual({ body: "name", required: "limited" });
  });

  test("every route that answers about many sessions keeps the caller to its own", () => {
    for (const [m, p] of [["GET", "/api/sessions"], ["GET", "/api/snapshots"], ["GET", "/api/agent-status"], ["GET", "/api/trace"], ["GET", "/api/trace/otel"], ["GET", "/api/trace/decisions"]]) {
      expect([m, p, find(m!, p!).across]).toEqual([m, p, "filtered"]);
    }
    expect(find("GET", "/api/events").across).toBe("feed");
    for (const p of ["/api/trace", "/api/metrics", "/api/metrics/stream"]) expect(find("GET", p).session).toEqual({ query: "session", required: "limited" });
  });

  test("server settings need admin; pure computations over given text need read", () => {
    for (const [m, p] of [["GET", "/api/tokens"], ["POST", "/api/tokens"], ["DELETE", "/api/tokens/:name"], ["POST", "/api/policies/reload"], ["POST", "/api/server/shutdown"], ["GET", "/api/audit"]]) {
      expect([m, p, find(m!, p!).scope]).toEqual([m, p, "admin"]);
    }
    for (const p of ["/api/compact", "/api/analyze", "/api/tokens/count"]) expect(find("POST", p).scope).toBe("read");
    expect(find("POST", "/api/sessions/:name/exec").scope).toBe("exec");
    expect(find("GET", "/api/sessions/:name/read").scope).toBe("read");
  });

  test("each WebSocket operation has the scope of its HTTP twin, and every bus operation is declared", () => {
    const bus = find("GET", "/api/bus/stream").frames!;
    expect(Object.keys(bus).sort()).toEqual([...BUS_OPS].sort());
    expect(bus.publish as string).toBe(find("POST", "/api/bus/messages").scope);
    expect(bus.ack as string).toBe(find("POST", "/api/bus/inbox/:agent/ack").scope);
    const terminal = find("GET", "/api/sessions/:name/stream").frames!;
    expect(terminal.input as string).toBe(find("POST", "/api/sessions/:name/send").scope);
    expect(terminal.resize as string).toBe(find("POST", "/api/sessions/:name/resize").scope);
  });

  test("what the API document says each route needs is its declaration", async () => {
    const doc = (await s.call("GET", "/api/openapi.json")).json as { paths: Record<string, Record<string, { "x-scope": string }>> };
    for (const r of table) {
      if (!r.path.startsWith("/api/") || r.method === "ALL") continue;
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
      expect([r.method, r.path, op?.["x-scope"]]).toEqual([r.method, r.path, r.access!.scope]);
    }
    // and what a module documents by hand agrees with what its route declares
    for (const d of documentedRoutes()) {
      const r = table.find((x) => x.method === d.method.toUpperCase() && openApiPath(x.path) === d.path);
      if (r) expect([d.method, d.path, d.scope]).toEqual([d.method, d.path, r.access!.scope as never]);
    }
  });
});
