/**
 * Redaction of well-known secret shapes from output before it is stored (command history,
 * snapshots) and from the live terminal a viewer watches (stream-redact.ts). On by default;
 * `AI_SESSION_REDACT=0` turns it off. A secret is replaced by `[redacted:KIND]`.
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
/** Text every known secret shape contains (what a stream must not split unseen: stream-redact.ts). */
export const SECRET_HINTS: readonly string[] = ALL_HINTS;

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

/**
 * Names of environment variables whose values are secrets whatever they look like
 * (`GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD`, `GOOGLE_APPLICATION_CREDENTIALS`).
 */
const SECRET_NAME = /TOKEN|SECRET|KEY|PASSWORD|PASSWD|CREDENTIAL/i;

export function secretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

const SECRET_WORD = /TOKEN|SECRET|KEY|PASSW(?:OR)?D|CREDENTIAL/gi;

function nameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

/** Where an unquoted value ends: at blanks, control bytes (escape sequences) and shell operators. */
function valueChar(c: number): boolean {
  return c > 32 && c !== 127 && c !== 59 /* ; */ && c !== 38 /* & */ && c !== 124 /* | */ && c !== 41 /* ) */;
}

/**
 * `NAME=value` where NAME looks secret (`export API_TOKEN=abc`, `DB_PASSWORD='x y' ./run`, a
 * line of `env`): the name stays, the value goes. Finds the secret words first (one fast scan),
 * so a long text without them costs little.
 */
export function redactAssignments(text: string): string {
  const n = text.length;
  let out = "";
  let last = 0;
  SECRET_WORD.lastIndex = 0;
  for (let m = SECRET_WORD.exec(text); m; m = SECRET_WORD.exec(text)) {
    let eq = m.index + m[0].length;
    while (eq < n && nameChar(text.charCodeAt(eq))) eq++;
    SECRET_WORD.lastIndex = eq;
    if (text.charCodeAt(eq) !== 61 /* = */) continue;
    const from = eq + 1;
    let to = from;
    const q = text[from];
    if (q === '"' || q === "'") {
      const close = text.indexOf(q, from + 1);
      const nl = text.indexOf("\n", from + 1);
      to = close === -1 || (nl !== -1 && nl < close) ? (nl === -1 ? n : nl) : close + 1;
    } else {
      while (to < n && valueChar(text.charCodeAt(to))) to++;
    }
    if (to === from || text.startsWith("[redacted:", from)) continue;
    out += text.slice(last, from) + "[redacted:secret]";
    last = to;
    SECRET_WORD.lastIndex = to;
  }
  return last === 0 ? text : out + text.slice(last);
}

/**
 * A command line as it is stored (state.db's `commands.command`, a snapshot's history): every known
 * secret shape, and the value of every assignment to a secret-looking name, replaced. Unchanged
 * when redaction is off (AI_SESSION_REDACT=0).
 */
export function redactCommandText(text: string, enabled = redactionEnabled()): string {
  if (!enabled || !text) return text;
  return redactAssignments(redactText(text).text);
}

/**
 * Terminal bytes a snapshot stores (scrollback): the known shapes, and secret-named assignments
 * (the typed `export DB_PASSWORD=...` a screen echoes). Bytes are read as latin1, as `redactBytes`.
 */
export function redactTerminalBytes(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
  const shaped = ALL_HINTS.some((h) => text.includes(h)) ? redactText(text).text : text;
  const out = redactAssignments(shaped);
  return out === text ? bytes : new Uint8Array(Buffer.from(out, "latin1"));
}

/**
 * An environment as it is stored (state.db's `sessions.env`, a snapshot's session.env): the value
 * of a variable whose name looks secret, or whose value has a known secret shape, is replaced.
 * Returns the same object when nothing changed; unchanged when redaction is off.
 */
export function redactEnv<T extends Record<string, string> | null | undefined>(env: T, enabled = redactionEnabled()): T {
  if (!enabled || !env) return env;
  let out: Record<string, string> | undefined;
  for (const [name, value] of Object.entries(env)) {
    if (typeof value !== "string" || value === "") continue;
    let next = value;
    if (secretName(name)) next = "[redacted:secret]";
    else if (ALL_HINTS.some((h) => value.includes(h))) next = redactText(value).text;
    if (next !== value) (out ??= { ...env })[name] = next;
  }
  return (out ?? env) as T;
}

/**
 * True for a value redaction rewrote (whole or in part). A restore leaves such a variable unset
 * rather than handing the shell a placeholder in place of the secret.
 */
export function isRedactedValue(value: string): boolean {
  return value.includes("[redacted:");
}
