import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  configuredKey,
  decrypt,
  decryptSync,
  encrypt,
  encryptSync,
  isEncrypted,
  keyFromSecret,
} from "../../server/security/crypto.ts";

const text = new TextEncoder().encode("build finished: 42 tests passed\n");
const key = keyFromSecret("a".repeat(64));
const otherKey = keyFromSecret("b".repeat(64));

describe("encryption at rest", () => {
  test("what WebCrypto encrypts, node:crypto decrypts, and back", async () => {
    const a = await encrypt(text, key);
    expect(isEncrypted(a)).toBe(true);
    expect(decryptSync(a, key)).toEqual(text);
    const b = encryptSync(text, key);
    expect(await decrypt(b, key)).toEqual(text);
  });

  test("the ciphertext does not contain the plaintext", () => {
    const enc = Buffer.from(encryptSync(text, key)).toString("latin1");
    expect(enc.includes("42 tests passed")).toBe(false);
  });

  test("a wrong key is named as such, never garbage", async () => {
    const enc = encryptSync(text, key);
    expect(() => decryptSync(enc, otherKey)).toThrow(/different key/);
    await expect(decrypt(enc, otherKey)).rejects.toThrow(/different key/);
  });

  test("no key gives a clear error", () => {
    expect(() => decryptSync(encryptSync(text, key), null)).toThrow(/no key is set/);
  });

  test("tampered bytes fail the integrity check", () => {
    const enc = encryptSync(text, key);
    enc[enc.length - 20]! ^= 1;
    expect(() => decryptSync(enc, key)).toThrow(/integrity check/);
  });

  test("a future envelope version is refused with a way out", () => {
    const enc = encryptSync(text, key);
    enc[4] = 9;
    expect(() => decryptSync(enc, key)).toThrow(/version 9.*upgrade/);
  });

  test("the key comes from AI_SESSION_KEY or AI_SESSION_KEY_FILE; a passphrase works too", () => {
    expect(configuredKey({})).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), "ais-key-"));
    writeFileSync(join(dir, "key"), "correct horse battery staple\n");
    const fromFile = configuredKey({ AI_SESSION_KEY_FILE: join(dir, "key") })!;
    const fromEnv = configuredKey({ AI_SESSION_KEY: "correct horse battery staple" })!;
    expect(fromFile.raw).toEqual(fromEnv.raw);
    expect(() => configuredKey({ AI_SESSION_KEY_FILE: join(dir, "missing") })).toThrow(/cannot read the key file/);
  });
});
