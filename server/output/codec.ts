import { AppError } from "../errors.ts";
import { platform } from "../platform/index.ts";
import { configuredKey, decryptSync, encryptSync, isEncrypted } from "../security/crypto.ts";
import { redactBytes, redactionEnabled } from "../security/redact.ts";

/**
 * How raw command output is stored: secrets of well-known shapes redacted (unless
 * AI_SESSION_REDACT=0), compressed with the runtime's own gzip (server/platform), then encrypted with AES-256-GCM
 * when AI_SESSION_KEY (or AI_SESSION_KEY_FILE) is set. Reading detects each layer by its magic
 * bytes, so rows written before a key was set stay readable.
 */
export function encodeOutput(bytes: Uint8Array): Uint8Array {
  const clean = redactionEnabled() ? redactBytes(bytes) : bytes;
  const packed = platform.gzipSync(clean, 6);
  const key = configuredKey();
  return key ? encryptSync(packed, key) : new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
}

export function decodeOutput(stored: Uint8Array): Uint8Array {
  const packed = isEncrypted(stored) ? decryptSync(stored, configuredKey()) : stored;
  if (packed.length === 0) return packed;
  if (packed[0] !== 0x1f || packed[1] !== 0x8b) {
    throw new AppError("invalid", "stored output is neither gzip nor encrypted (the database row is damaged)");
  }
  return platform.gunzipSync(packed);
}
