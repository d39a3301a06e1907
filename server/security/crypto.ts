import { createCipheriv, createDecipheriv, createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { AppError } from "../errors.ts";

/**
 * Encryption at rest: AES-256-GCM with a key from AI_SESSION_KEY (or the file named by
 * AI_SESSION_KEY_FILE). Everything encrypted is wrapped in one versioned envelope:
 *
 *   "AISE" | version (1) | key id (4 bytes, SHA-256 of the key) | IV (12) | ciphertext | GCM tag (16)
 *
 * so a reader can tell encrypted from plain bytes, name a wrong key before trying it, and the GCM
 * tag still catches tampering. The async functions use WebCrypto; the sync ones (needed by the sync
 * output codec) use node:crypto over the very same envelope, and each reads what the other wrote.
 */

export const ENVELOPE_MAGIC = new Uint8Array([0x41, 0x49, 0x53, 0x45]); // "AISE"
export const ENVELOPE_VERSION = 1;
const HEADER = 4 + 1 + 4 + 12;
const TAG = 16;

export interface AtRestKey {
  raw: Uint8Array;
  /** First 4 bytes of SHA-256(raw): stored in each envelope to tell a wrong key from damage. */
  id: Uint8Array;
}

let cached: { source: string; key: AtRestKey | null } | undefined;

/** A passphrase becomes a key through PBKDF2; 64 hex digits or base64 of 32 bytes are used as is. */
export function keyFromSecret(secret: string): AtRestKey {
  const s = secret.trim();
  if (!s) throw new AppError("invalid", "the encryption key is empty (set AI_SESSION_KEY to 64 hex digits or a passphrase)");
  let raw: Uint8Array;
  if (/^[0-9a-fA-F]{64}$/.test(s)) raw = new Uint8Array(Buffer.from(s, "hex"));
  else if (/^[A-Za-z0-9+/]{43}=$/.test(s)) raw = new Uint8Array(Buffer.from(s, "base64"));
  else raw = new Uint8Array(pbkdf2Sync(s, "ai-session/at-rest/v1", 200_000, 32, "sha256"));
  const id = new Uint8Array(createHash("sha256").update(raw).digest().subarray(0, 4));
  return { raw, id };
}

/** The configured key, or null when encryption at rest is off. Read once per distinct setting. */
export function configuredKey(env: NodeJS.ProcessEnv = process.env): AtRestKey | null {
  const file = env.AI_SESSION_KEY_FILE;
  const inline = env.AI_SESSION_KEY;
  const source = inline ? `env:${inline}` : file ? `file:${file}` : "";
  if (cached && cached.source === source) return cached.key;
  let key: AtRestKey | null = null;
  if (inline) key = keyFromSecret(inline);
  else if (file) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      throw new AppError("invalid", `cannot read the key file ${file} named by AI_SESSION_KEY_FILE (check the path and its permissions)`);
    }
    key = keyFromSecret(text);
  }
  cached = { source, key };
  return key;
}

export function isEncrypted(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x41 && bytes[1] === 0x49 && bytes[2] === 0x53 && bytes[3] === 0x45;
}

function parseEnvelope(bytes: Uint8Array, key: AtRestKey | null) {
  if (bytes.length < HEADER + TAG) throw new AppError("invalid", "the encrypted data is truncated (the stored copy is damaged)");
  const version = bytes[4];
  if (version !== ENVELOPE_VERSION) {
    throw new AppError("invalid", `the data was encrypted with envelope version ${version}, which this ai-session does not know (upgrade ai-session)`);
  }
  if (!key) {
    throw new AppError("denied", "this data is encrypted and no key is set (set AI_SESSION_KEY or AI_SESSION_KEY_FILE to the key it was written with)");
  }
  const id = bytes.subarray(5, 9);
  if (!id.every((b, i) => b === key.id[i])) {
    throw new AppError("denied", "this data was encrypted with a different key (set AI_SESSION_KEY to the key it was written with)");
  }
  return { iv: bytes.subarray(9, HEADER), body: bytes.subarray(HEADER) };
}

function header(key: AtRestKey, iv: Uint8Array): Uint8Array {
  const h = new Uint8Array(HEADER);
  h.set(ENVELOPE_MAGIC, 0);
  h[4] = ENVELOPE_VERSION;
  h.set(key.id, 5);
  h.set(iv, 9);
  return h;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const tampered = () =>
  new AppError("denied", "the encrypted data failed its integrity check: wrong key or damaged data (check AI_SESSION_KEY)");

/** Synchronous AES-256-GCM (node:crypto), for the output codec. */
export function encryptSync(plain: Uint8Array, key: AtRestKey): Uint8Array {
  const iv = randomBytes(12);
  const c = createCipheriv("aes-256-gcm", key.raw, iv);
  const body = Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
  return concat(header(key, iv), body);
}

export function decryptSync(bytes: Uint8Array, key: AtRestKey | null): Uint8Array {
  const { iv, body } = parseEnvelope(bytes, key);
  const d = createDecipheriv("aes-256-gcm", key!.raw, iv);
  d.setAuthTag(body.subarray(body.length - TAG));
  try {
    return new Uint8Array(Buffer.concat([d.update(body.subarray(0, body.length - TAG)), d.final()]));
  } catch {
    throw tampered();
  }
}

async function webKey(key: AtRestKey): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", key.raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** AES-256-GCM through WebCrypto (snapshots and anything else off the hot path). */
export async function encrypt(plain: Uint8Array, key: AtRestKey): Promise<Uint8Array> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const body = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await webKey(key), plain as BufferSource));
  return concat(header(key, iv), body);
}

export async function decrypt(bytes: Uint8Array, key: AtRestKey | null): Promise<Uint8Array> {
  const { iv, body } = parseEnvelope(bytes, key);
  try {
    return new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv: iv as BufferSource }, await webKey(key!), body as BufferSource));
  } catch {
    throw tampered();
  }
}
