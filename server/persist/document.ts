import { gunzipSync } from "node:zlib";
import { z } from "zod";
import { AppError } from "../errors.ts";
import { platform } from "../platform/index.ts";
import { configuredKey, decryptSync, encryptSync, isEncrypted } from "../security/crypto.ts";

/**
 * The snapshot document: everything needed to bring a session back, as versioned JSON. Stored in
 * SQLite zstd-compressed (and encrypted when a key is set; older gzip rows still read); written to a file as JSON, where an
 * encrypted snapshot is a small JSON wrapper around the sealed bytes.
 */
export const SNAPSHOT_FORMAT = "ai-session-snapshot";
export const SNAPSHOT_VERSION = 1;

const HistoryEntry = z.object({
  command_id: z.number().int(),
  command: z.string(),
  cwd: z.string(),
  agent: z.string().nullable(),
  status: z.string(),
  exit_code: z.number().int().nullable(),
  started_at: z.number(),
  ended_at: z.number().nullable(),
  duration_ms: z.number().nullable(),
  raw_bytes: z.number(),
  tool: z.string().nullable().optional(),
  tokens_raw: z.number().nullable().optional(),
  tokens_compacted: z.number().nullable().optional(),
  completion_method: z.string().nullable().optional(),
  completion_confidence: z.string().nullable().optional(),
  /** base64 of the stored (redacted) output, when the snapshot carries outputs */
  output_b64: z.string().nullable().optional(),
});

export const SnapshotDocument = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  version: z.literal(SNAPSHOT_VERSION),
  created_at: z.string(),
  reason: z.string(),
  session: z.object({
    id: z.string(),
    name: z.string(),
    shell: z.string(),
    cwd: z.string(),
    env: z.record(z.string(), z.string()),
    cols: z.number().int().positive(),
    rows: z.number().int().positive(),
    role: z.string().nullable().optional(),
    owner_agent: z.string().nullable().optional(),
    created_at: z.number().optional(),
  }),
  history: z.array(HistoryEntry),
  scrollback: z.object({
    /** base64 of the raw terminal bytes (escape sequences and all), secrets redacted */
    data_b64: z.string(),
    start_offset: z.number(),
    end_offset: z.number(),
    dropped: z.number(),
  }),
  screen: z.object({
    text: z.string(),
    cols: z.number(),
    rows: z.number(),
    cursor: z.object({ x: z.number(), y: z.number() }).optional(),
  }),
});

export type SnapshotDoc = z.infer<typeof SnapshotDocument>;

/** Checks a parsed document: wrong format, newer version and damaged fields each get their own sentence. */
export function validateDocument(value: unknown, source: string): SnapshotDoc {
  const v = value as { format?: unknown; version?: unknown } | null;
  if (!v || typeof v !== "object" || v.format !== SNAPSHOT_FORMAT) {
    throw new AppError("invalid", `${source} is not an ai-session snapshot (expected "format": "${SNAPSHOT_FORMAT}")`);
  }
  if (typeof v.version === "number" && v.version > SNAPSHOT_VERSION) {
    throw new AppError(
      "invalid",
      `${source} is snapshot version ${v.version}, newer than this ai-session reads (${SNAPSHOT_VERSION}); upgrade ai-session`,
    );
  }
  const r = SnapshotDocument.safeParse(value);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError("invalid", `${source} is damaged: ${issue?.path.join(".") || "document"}: ${issue?.message}`);
  }
  return r.data;
}

/** For the database: JSON, zstd (fast), then AES-GCM when a key is set. Synchronous, so shutdown can wait for it. */
export function sealDocument(doc: SnapshotDoc): Uint8Array {
  const packed = platform.zstdCompressSync(Buffer.from(JSON.stringify(doc)), 3);
  const key = configuredKey();
  return key ? encryptSync(packed, key) : new Uint8Array(packed.buffer, packed.byteOffset, packed.byteLength);
}

export function openDocument(stored: Uint8Array, source: string): SnapshotDoc {
  const packed = isEncrypted(stored) ? decryptSync(stored, configuredKey()) : stored;
  let json: unknown;
  try {
    const isZstd = packed[0] === 0x28 && packed[1] === 0xb5 && packed[2] === 0x2f && packed[3] === 0xfd;
    json = JSON.parse((isZstd ? Buffer.from(platform.zstdDecompressSync(packed)) : gunzipSync(packed)).toString("utf8"));
  } catch {
    throw new AppError("invalid", `${source} is damaged and cannot be read (take a new snapshot)`);
  }
  return validateDocument(json, source);
}

/** The text of a snapshot file: the JSON document, or, with a key, a JSON wrapper around the sealed bytes. */
export function documentToFileText(doc: SnapshotDoc): string {
  if (!configuredKey()) return JSON.stringify(doc, null, 1) + "\n";
  return (
    JSON.stringify({
      format: SNAPSHOT_FORMAT,
      version: SNAPSHOT_VERSION,
      encrypted: true,
      name: doc.session.name,
      created_at: doc.created_at,
      sealed_b64: Buffer.from(sealDocument(doc)).toString("base64"),
    }) + "\n"
  );
}

export function documentFromFileText(text: string, file: string): SnapshotDoc {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new AppError("invalid", `${file} is not valid JSON, so it is not a snapshot (was it cut short?)`);
  }
  const w = json as { format?: unknown; version?: unknown; encrypted?: unknown; sealed_b64?: unknown } | null;
  if (w && w.format === SNAPSHOT_FORMAT && w.encrypted === true) {
    if (typeof w.version === "number" && w.version > SNAPSHOT_VERSION) validateDocument(json, file);
    if (typeof w.sealed_b64 !== "string") throw new AppError("invalid", `${file} is damaged: the encrypted data is missing`);
    return openDocument(new Uint8Array(Buffer.from(w.sealed_b64, "base64")), file);
  }
  return validateDocument(json, file);
}
