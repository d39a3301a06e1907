import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase } from "../../db/client.ts";
import { listAudit, parseSince, recordAudit } from "../../server/audit/log.ts";
import { auditMiddleware } from "../../server/routes/audit.ts";
import { ownerCaller } from "../../server/security/auth.ts";
import type { Runtime } from "../../server/runtime.ts";
import { createApp } from "../../server/app.ts";
import { createBusService } from "../../server/bus/index.ts";
import { startRuntime } from "../persist/runtime-fixture.ts";

function freshDb() {
  return openDatabase(join(mkdtempSync(join(tmpdir(), "ais-audit-")), "state.db"));
}

describe("audit log", () => {
  test("entries come back oldest first with actor, agent, target and outcome", () => {
    const db = freshDb();
    recordAudit(db, { actor: { kind: "owner", name: "owner" }, action: "create", target: "dev", outcome: "ok" });
    recordAudit(db, {
      actor: { kind: "token", name: "ci" },
      agent: "builder",
      action: "exec",
      target: "dev",
      outcome: "denied",
      detail: { command: "rm -rf /" },
    });
    const all = listAudit(db);
    expect(all.map((e) => [e.action, e.actor_name, e.agent, e.outcome])).toEqual([
      ["create", "owner", null, "ok"],
      ["exec", "ci", "builder", "denied"],
    ]);
    expect(JSON.parse(all[1]!.detail!)).toEqual({ command: "rm -rf /" });
    expect(listAudit(db, { agent: "builder" })).toHaveLength(1);
    expect(listAudit(db, { limit: 1 })[0]!.action).toBe("exec");
  });

  test("the log is append-only: rows cannot be changed or deleted", () => {
    const db = freshDb();
    recordAudit(db, { actor: { kind: "owner", name: "owner" }, action: "kill", target: "dev", outcome: "ok" });
    expect(() => db.$client.exec("UPDATE audit SET outcome = 'denied'")).toThrow(/append-only/);
    expect(() => db.$client.exec("DELETE FROM audit")).toThrow(/append-only/);
    expect(listAudit(db)).toHaveLength(1);
  });

  test("--since reads durations and dates, and rejects nonsense clearly", () => {
    expect(parseSince("2h", 10_000_000)).toBe(10_000_000 - 7_200_000);
    expect(parseSince("2026-01-01T00:00:00Z")).toBe(Date.UTC(2026, 0, 1));
    expect(() => parseSince("yesterday-ish")).toThrow(/15m, 2h, 7d/);
  });
});

describe("audit middleware", () => {
  function appWith(db: ReturnType<typeof freshDb>) {
    const rt = { db } as unknown as Runtime;
    const app = new Hono<any>();
    app.use("*", async (c, next) => {
      c.set("caller", ownerCaller(c.req.header("x-ai-session-agent") ?? undefined));
      await next();
    });
    app.use("*", auditMiddleware(rt));
    app.post("/api/sessions", async (c) => c.json({ name: "dev", id: "s1" }));
    app.post("/api/sessions/:name/exec", async (c) => c.json({ exit_code: 2, status: "failed" }));
    app.post("/api/sessions/:name/send", async (c) => c.json({ ok: true }));
    app.delete("/api/sessions/:name", (c) => c.json({ error: { code: "denied", message: "role reviewer may not kill" } }, 403));
    app.get("/api/sessions/:name/read", (c) => c.json({ data: "" }));
    return app;
  }

  test("state-changing requests are recorded with the caller and outcome; reads and secrets are not", async () => {
    const db = freshDb();
    const app = appWith(db);
    const post = (path: string, body: unknown, agent?: string) =>
      app.request(path, {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json", ...(agent ? { "x-ai-session-agent": agent } : {}) },
      });
    await post("/api/sessions", { cwd: "/tmp" });
    await post("/api/sessions/dev/exec", { command: "make test TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345" }, "builder");
    await post("/api/sessions/dev/send", { text: "hunter2", secret: true, enter: true });
    await app.request("/api/sessions/dev", { method: "DELETE" });
    await app.request("/api/sessions/dev/read");
    const log = listAudit(db);
    expect(log.map((e) => [e.action, e.target, e.outcome, e.agent])).toEqual([
      ["create", "dev", "ok", null],
      ["exec", "dev", "ok", "builder"],
      ["send", "dev", "ok", null],
      ["kill", "dev", "denied", null],
    ]);
    expect(JSON.parse(log[1]!.detail!)).toEqual({
      command: "make test TOKEN=[redacted:github-token]",
      exit_code: 2,
      status: "failed",
    });
    expect(log[2]!.detail).not.toContain("hunter2");
    expect(JSON.parse(log[3]!.detail!).error).toBe("role reviewer may not kill");
  });
});

describe("audit action names", () => {
  test("token use and management are named, reads and computations are not recorded", async () => {
    const { describeApiRequest } = await import("../../server/audit/actions.ts");
    expect(describeApiRequest("POST", "/api/tokens", { name: "ci", scopes: "exec" })).toEqual({
      action: "token.create",
      target: "ci",
      detail: { scopes: "exec" },
    });
    expect(describeApiRequest("DELETE", "/api/tokens/ci", null)?.action).toBe("token.delete");
    expect(describeApiRequest("POST", "/api/compact", { text: "x" })).toBeNull();
    expect(describeApiRequest("POST", "/api/tokens/count", { text: "x" })).toBeNull();
    expect(describeApiRequest("POST", "/api/restore", { name: "dev", new_name: "dev2" })?.target).toBe("dev2");
    expect(describeApiRequest("POST", "/api/server/shutdown", {})?.action).toBe("kill-server");
  });
});

describe("an audit log that cannot be written", () => {
  test("refuses the change with one sentence (503) and does not do it: the log fails closed", async () => {
    const t = startRuntime();
    t.rt.bus = createBusService({ db: t.rt.db, home: t.home, sessions: t.rt.sessions });
    try {
      const app = createApp(t.rt);
      const create = () =>
        app.request("/api/sessions", { method: "POST", body: JSON.stringify({ name: "unrecorded", shell: "/bin/bash", cwd: "/" }), headers: { "content-type": "application/json" } });
      t.rt.db.$client.exec("CREATE TRIGGER refuse_audit BEFORE INSERT ON audit BEGIN SELECT RAISE(ABORT, 'the audit disk is full'); END");
      const refused = await create();
      expect(refused.status).toBe(503);
      expect(await refused.json()).toEqual({
        error: { code: "unavailable", message: 'the audit log cannot be written (the audit disk is full), so "create" was refused, as every change is until it can' },
      });
      expect(t.rt.sessions.has("unrecorded")).toBe(false);
      // reads go on; once the log takes entries again, so do changes, and they are recorded
      expect((await app.request("/api/sessions")).status).toBe(200);
      t.rt.db.$client.exec("DROP TRIGGER refuse_audit");
      expect((await create()).status).toBe(201);
      expect(listAudit(t.rt.db).map((e) => [e.action, e.target, e.outcome])).toEqual([["create", "unrecorded", "ok"]]);
    } finally {
      t.rt.bus.close();
      await t.close();
    }
  });
});
