import { afterAll, describe, expect, test } from "bun:test";
import { realpathSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { documentFromFileText } from "../../server/persist/document.ts";
import { latestSnapshot, snapshotSession } from "../../server/persist/snapshot.ts";
import { isRedactedValue, redactCommandText, redactEnv } from "../../server/security/redact.ts";
import { bash, startRuntime, type TestRuntime } from "./runtime-fixture.ts";

// made-up secrets: one of a known shape under an innocent name, one plain under a secret name
const GH = "ghp_" + "0123456789abcdefghijABCDEFGHIJ012345";
const PLAIN = "correct-horse-battery-staple";

const open: TestRuntime[] = [];
afterAll(async () => {
  for (const t of open) await t.close().catch(() => {});
}, 30_000);

describe("secrets in snapshots, with redaction on (the default)", () => {
  test("env values, command lines and the screen keep no secret, in state.db and in the file", async () => {
    delete process.env.AI_SESSION_REDACT;
    const t = startRuntime();
    open.push(t);
    const cwd = realpathSync(mkdtempSync(join(tmpdir(), "ais-secret-")));
    const s = await t.rt.sessions.create({ name: "sec", cwd, shell: bash, cols: 120, rows: 30 });
    await s.commands.exec(`export GH=${GH} DB_PASSWORD=${PLAIN} GREETING=hello`, { timeoutMs: 10_000 });
    await s.commands.exec(`echo "token is $GH"`, { timeoutMs: 10_000 });
    const snap = await snapshotSession(t.rt, "sec", { withFile: true });

    const stored = latestSnapshot(t.rt.db, "sec").doc;
    const fromFile = documentFromFileText(snap.file_text!, "sec.json");
    for (const doc of [stored, fromFile]) {
      const all = JSON.stringify(doc) + Buffer.from(doc.scrollback.data_b64, "base64").toString("latin1");
      expect(all).not.toContain(GH);
      expect(all).not.toContain(PLAIN);
      expect(doc.session.env.GH).toBe("[redacted:github-token]");
      expect(doc.session.env.DB_PASSWORD).toBe("[redacted:secret]");
      expect(doc.session.env.GREETING).toBe("hello"); // the rest stays as it was
      const cmd = doc.history.find((h) => h.command.startsWith("export GH="))!.command;
      expect(cmd).toBe("export GH=[redacted:github-token] DB_PASSWORD=[redacted:secret] GREETING=hello");
      expect(doc.screen.text).toContain("token is [redacted:github-token]");
    }
  }, 30_000);

  test("with AI_SESSION_REDACT=0 the snapshot keeps the values", async () => {
    process.env.AI_SESSION_REDACT = "0";
    try {
      const t = startRuntime();
      open.push(t);
      const s = await t.rt.sessions.create({ name: "plain", shell: bash });
      await s.commands.exec(`export DB_PASSWORD=${PLAIN}`, { timeoutMs: 10_000 });
      await snapshotSession(t.rt, "plain");
      const doc = latestSnapshot(t.rt.db, "plain").doc;
      expect(doc.session.env.DB_PASSWORD).toBe(PLAIN);
      expect(doc.history.map((h) => h.command)).toContain(`export DB_PASSWORD=${PLAIN}`);
    } finally {
      delete process.env.AI_SESSION_REDACT;
    }
  }, 30_000);
});

describe("redaction helpers for state.db's columns", () => {
  test("redactCommandText: known shapes, and values assigned to secret-looking names", () => {
    expect(redactCommandText(`curl -H "Authorization: token ${GH}" https://api.github.com`, true)).toBe(
      `curl -H "Authorization: token [redacted:github-token]" https://api.github.com`,
    );
    expect(redactCommandText(`API_TOKEN='a b' SECRET_KEY=xyz ./deploy && echo done`, true)).toBe(
      `API_TOKEN=[redacted:secret] SECRET_KEY=[redacted:secret] ./deploy && echo done`,
    );
    expect(redactCommandText("ls -la; make KEYBOARD=us", false)).toBe("ls -la; make KEYBOARD=us");
    expect(redactCommandText("git status", true)).toBe("git status");
  });

  test("redactEnv: secret names and secret shapes, the rest untouched, off when redaction is off", () => {
    const env = { HOME: "/root", GITHUB_TOKEN: "abc", aws_secret: "x", GH: GH, NPM_CONFIG_PASSWD: "p", GOOGLE_APPLICATION_CREDENTIALS: "/k.json", EMPTY_TOKEN: "" };
    expect(redactEnv(env, true)).toEqual({
      HOME: "/root",
      GITHUB_TOKEN: "[redacted:secret]",
      aws_secret: "[redacted:secret]",
      GH: "[redacted:github-token]",
      NPM_CONFIG_PASSWD: "[redacted:secret]",
      GOOGLE_APPLICATION_CREDENTIALS: "[redacted:secret]",
      EMPTY_TOKEN: "",
    });
    expect(env.GITHUB_TOKEN).toBe("abc"); // a copy: the caller's object is left alone
    const clean = { HOME: "/root" };
    expect(redactEnv(clean, true)).toBe(clean);
    expect(redactEnv(env, false)).toBe(env);
    expect(redactEnv(null, true)).toBeNull();
    expect(Object.entries(redactEnv(env, true)).filter(([, v]) => isRedactedValue(v)).map(([k]) => k)).toEqual([
      "GITHUB_TOKEN", "aws_secret", "GH", "NPM_CONFIG_PASSWD", "GOOGLE_APPLICATION_CREDENTIALS",
    ]);
  });
});
