/**
 * Redaction of well-known secret shapes from output before it is stored (command history,
 * snapshots). On by default; `AI_SESSION_REDACT=0` turns it off. What the live terminal shows is
 * untouched: only the copy written to disk loses the secret, replaced by `[redacted:KIND]`.
 */

interface SecretShape {
  kind: string;
  /** Text every match contains: the pattern only runs over output that contains one of them. */
  hints: string[];
  pattern: RegExp;
  /** Replacement; `$1`-style groups keep the non-secret parts (a URL's user, a variable's name). */
  replace?: string;
}

const SHAPES: SecretShape[] = [
  {
    kind: "private-key",
    hints: ["PRIVATE KEY"],
    pattern: /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----[\s\S]*?-----END \1PRIVATE KEY\2-----/g,
  },
  {
    kind: "aws-access-key",
    hints: ["AKIA", "ASIA", "AIDA", "AROA", "AGPA", "ANPA", "ANVA", "AIPA"],
    pattern: /\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
  },
  {
    kind: "aws-secret-key",
    hints: ["aws_secret_access_key", "AWS_SECRET_ACCESS_KEY"],
    pattern: /(aws_secret_access_key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}\b/gi,
    replace: "$1[redacted:aws-secret-key]",
  },
  { kind: "github-token", hints: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"], pattern: /\bgh[pousr]_[A-Za-z0-9]{36,255}\b/g },
  { kind: "github-token", hints: ["github_pat_"], pattern: /\bgithub_pat_[A-Za-z0-9_]{22,255}\b/g },
  { kind: "gitlab-token", hints: ["glpat-", "gldt-", "glrt-", "glptt-", "glcbt-"], pattern: /\bgl(?:pat|dt|rt|ptt|cbt)-[A-Za-z0-9_-]{20,}/g },
  { kind: "slack-token", hints: ["xox"], pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g },
  { kind: "slack-webhook", hints: ["hooks.slack.com"], pattern: /https:\/\/hooks\.slack\.com\/services\/[A-Za-z0-9/_-]{20,}/g },
  { kind: "api-key", hints: ["sk-"], pattern: /\bsk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/g },
  { kind: "stripe-key", hints: ["_live_", "_test_"], pattern: /\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}\b/g },
  { kind: "google-api-key", hints: ["AIza"], pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  { kind: "jwt", hints: ["eyJ"], pattern: /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g },
  {
    kind: "url-password",
    hints: ["://"],
    // Anchored at "://" (cheap to find) rather than at every word start: the user stays, the password goes.
    pattern: /(?<=[A-Za-z0-9+.-]):\/\/([^\s:/@'"]+):([^\s@/'"]{1,200})@/g,
    replace: "://$1:[redacted:password]@",
  },
];

const ALL_HINTS = SHAPES.flatMap((x) => x.hints);

/** True unless AI_SESSION_REDACT is "0", "false", "off" or "no". */
export function redactionEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.AI_SESSION_REDACT ?? "").trim().toLowerCase();
  return !["0", "false", "off", "no"].includes(v);
}

/** Replaces every known secret shape in `text`; returns the text and how many were replaced. */
export function redactText(text: string): { text: string; count: number } {
  let count = 0;
  let out = text;
  for (const shape of SHAPES) {
    if (!shape.hints.some((h) => out.includes(h))) continue;
    shape.pattern.lastIndex = 0;
    out = out.replace(shape.pattern, (...args: unknown[]) => {
      count++;
      if (!shape.replace) return `[redacted:${shape.kind}]`;
      return shape.replace.replace(/\$(\d)/g, (_, n: string) => String(args[Number(n)] ?? ""));
    });
  }
  return { text: out, count };
}


/**
 * Redacts raw terminal bytes. Bytes are read as latin1 so every non-ASCII byte (UTF-8, escape
 * sequences) passes through unchanged; only the ASCII secret shapes are rewritten.
 */
export function redactBytes(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  if (!ALL_HINTS.some((h) => text.includes(h))) return bytes;
  const r = redactText(text);
  return r.count === 0 ? bytes : new Uint8Array(Buffer.from(r.text, "latin1"));
}
