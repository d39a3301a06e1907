import { describe, expect, test, beforeEach } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDatabase, type Db } from "../../db/client.ts";
import { createToken, listTokens, resolveToken, revokeToken, canTouchSession } from "../../server/security/tokens.ts";
import { isAllowedOrigin } from "../../server/routes/tokens.ts";

let db: Db;
let dbPath: string;
beforeEach(() => {
  const home = mkdtempSync(join(tmpdir(), "ais-tokens-"));
  dbPath = join(home, "state.db");
  db = openDatabase(dbPath);
});

describe("scoped API tokens", () => {
  test("a created token authenticates with exactly its scopes", () => {
    const { token, info } = createToken(db, { name: "ci", scopes: ["read", "exec"] });
    expect(token.startsWith("ais_")).toBe(true);
    expect(info.scopes).toEqual(["read", "exec"]);
    const caller = resolveToken(db, token)!;
    expect(caller.kind).toBe("token");
    expect(caller.name).toBe("ci");
    expect([...caller.scopes].sort()).toEqual(["exec", "read"]);
  });

  test("only a hash of the token is stored", () => {
    const { token } = createToken(db, { name: "ci", scopes: ["read"] });
    db.$client.exec("PRAGMA wal_checkpoint(FULL)");
    const bytes = readFileSync(dbPath).toString("latin1");
    expect(bytes.includes(token)).toBe(false);
    expect(bytes.includes(token.slice(4))).toBe(false);
  });

  test("a revoked token stops working and leaves the list", () => {
    const { token } = createToken(db, { name: "ci", scopes: ["read"] });
    revokeToken(db, "ci");
    expect(resolveToken(db, token)).toBeUndefined();
    expect(listTokens(db).map((t) => t.name)).toEqual([]);
    expect(listTokens(db, { includeRevoked: true })[0]!.revoked_at).toBeNumber();
    // the name is free again
    expect(() => createToken(db, { name: "ci", scopes: ["read"] })).not.toThrow();
  });

  test("a wrong token, a forged prefix or a huge string resolves to nobody", () => {
    createToken(db, { name: "ci", scopes: ["admin"] });
    expect(resolveToken(db, "ais_nottherealone")).toBeUndefined();
    expect(resolveToken(db, "x".repeat(100_000))).toBeUndefined();
    expect(resolveToken(db, "")).toBeUndefined();
  });

  test("a taken name, an unknown scope and no scope are refused with a way out", () => {
    createToken(db, { name: "ci", scopes: ["read"] });
    expect(() => createToken(db, { name: "ci", scopes: ["read"] })).toThrow(/token revoke ci/);
    expect(() => createToken(db, { name: "x", scopes: ["root" as never] })).toThrow(/unknown scope "root"/);
    expect(() => createToken(db, { name: "x", scopes: [] })).toThrow(/at least one scope/);
    expect(() => revokeToken(db, "nope")).toThrow(/no token named "nope"/);
  });

  test("a session-limited token touches only its sessions", () => {
    const { token } = createToken(db, { name: "one", scopes: ["exec"], sessions: ["build"], role: "tester" });
    const caller = resolveToken(db, token)!;
    expect(canTouchSession(caller, "build")).toBe(true);
    expect(canTouchSession(caller, "prod")).toBe(false);
    expect(caller.role).toBe("tester");
  });
});

// The scope each route needs is its own declaration: test/security/routes.test.ts lists them.
describe("which origins may call", () => {
  test("which origins may call", () => {
    expect(isAllowedOrigin(undefined)).toBe(true);
    expect(isAllowedOrigin("http://127.0.0.1:7447")).toBe(true);
    expect(isAllowedOrigin("http://localhost:5173")).toBe(true);
    expect(isAllowedOrigin("https://evil.example")).toBe(false);
    expect(isAllowedOrigin("http://127.0.0.1.evil.example")).toBe(false);
    expect(isAllowedOrigin("null")).toBe(false);
  });
});
