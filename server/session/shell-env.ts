import { chmodSync, closeSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { redactEnv, redactionEnabled, secretName, SECRET_HINTS } from "../security/redact.ts";

/** The last complete listing read per file, for a read that catches the shell mid-write. */
const lastComplete = new Map<string, { text: string; env: Record<string, string> }>();
const REMEMBERED_FILES = 512;

/** Reads without a torn copy: the whole listing, ended by a newline, the same on a second read. */
function readWhole(file: string): string | null | undefined {
  for (let attempt = 0; attempt < 4; attempt++) {
    let first: string;
    let second: string;
    try {
      first = readFileSync(file, "utf8");
      if (first.length === 0 || !first.endsWith("\n")) continue; // truncated, or still being written
      second = readFileSync(file, "utf8");
    } catch {
      return undefined; // no such file
    }
    if (first === second) return first;
  }
  return null; // being rewritten right now
}

/**
 * The shell's exported environment, from the `export -p` listing the shell integration writes at
 * every prompt (bash's `declare -x K="v"`, zsh's and sh's `export K=v` / `export K='v'`). Returns
 * undefined when the file is missing (no integration, or no prompt yet).
 *
 * The shell writes the file before it announces a command's end, so once a command has ended the
 * file is whole; a read that races the next rewrite (empty, cut short, changing under us) never
 * returns a torn environment: it gets the last complete one read from that file. Never sleeps.
 */
export function readShellEnv(file: string): Record<string, string> | undefined {
  const text = readWhole(file);
  if (text === undefined) {
    lastComplete.delete(file);
    return undefined;
  }
  const known = lastComplete.get(file);
  if (text === null) return known ? { ...known.env } : undefined;
  if (known && known.text === text) return { ...known.env };
  const env = parseExportListing(text);
  if (Object.keys(env).length === 0) return known ? { ...known.env } : env;
  lastComplete.delete(file);
  lastComplete.set(file, { text, env });
  if (lastComplete.size > REMEMBERED_FILES) lastComplete.delete(lastComplete.keys().next().value!);
  return { ...env };
}

export function parseExportListing(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lineEnd = text.indexOf("\n", i);
    const head = /^(?:declare -[a-zA-Z-]+ |export |typeset -x )?([A-Za-z_][A-Za-z0-9_]*)(=?)/.exec(text.slice(i, lineEnd === -1 ? n : lineEnd));
    if (!head) {
      i = lineEnd === -1 ? n : lineEnd + 1;
      continue;
    }
    const name = head[1]!;
    i += head[0].length;
    if (head[2] !== "=") {
      // declared but without a value
      i = lineEnd === -1 ? n : lineEnd + 1;
      continue;
    }
    let value = "";
    while (i < n && text[i] !== "\n") {
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === "\\" && i + 1 < n && '"\\$`'.includes(text[i + 1]!)) i++;
          value += text[i++];
        }
        i++;
      } else if (ch === "'") {
        i++;
        while (i < n && text[i] !== "'") value += text[i++];
        i++;
      } else if (ch === "$" && text[i + 1] === "'") {
        i += 2;
        while (i < n && text[i] !== "'") {
          if (text[i] === "\\" && i + 1 < n) {
            const e = text[i + 1]!;
            value += e === "n" ? "\n" : e === "t" ? "\t" : e === "e" ? "\x1b" : e;
            i += 2;
          } else value += text[i++];
        }
        i++;
      } else if (ch === "\\" && i + 1 < n) {
        value += text[i + 1];
        i += 2;
      } else {
        value += ch;
        i++;
      }
    }
    env[name] = value;
    i++;
  }
  return env;
}

/** A value as a single-quoted shell word (what parseExportListing reads back). */
function quoted(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/** The last listing each environment file held, and what it was scrubbed to (null: nothing to scrub). */
const lastScrub = new Map<string, { text: string; listing: string | null }>();
const SCRUB_MEMO_FILES = 1024;

/** The listing without its secrets, or null when it holds none. */
function scrubbedListing(text: string): string | null {
  if (!(secretName(text) || SECRET_HINTS.some((h) => text.includes(h)))) return null;
  const env = parseExportListing(text);
  const redacted = redactEnv(env, true);
  if (redacted === env) return null;
  let listing = "";
  for (const [name, value] of Object.entries(redacted)) listing += `export ${name}=${quoted(value)}\n`;
  return listing;
}

/**
 * Redacts the secrets in the shell's environment file: the value of a variable whose name looks
 * secret (`GITHUB_TOKEN`) or whose value has a known secret shape is replaced, as snapshots and the
 * database store it (a restore leaves such a variable unset, so nothing needs the real value).
 * Called when the shell has just written the file (a command's end), so the plain text lives on
 * disk only between the shell's write and this rewrite. The file is replaced whole (written 0600
 * beside it, then renamed), so no reader sees half of it. Unchanged when redaction is off.
 */
export function scrubShellEnv(file: string): void {
  if (!redactionEnabled()) return;
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return;
  }
  if (!text.endsWith("\n")) return;
  // the shell writes the same listing at every prompt: parsed and judged once
  const last = lastScrub.get(file);
  const listing = last?.text === text ? last.listing : scrubbedListing(text);
  if (last?.text !== text) {
    if (lastScrub.size >= SCRUB_MEMO_FILES) lastScrub.delete(lastScrub.keys().next().value!);
    lastScrub.set(file, { text, listing });
  }
  if (listing === null) return;
  const tmp = `${file}.scrub`;
  try {
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, listing);
    } finally {
      closeSync(fd);
    }
    chmodSync(tmp, 0o600);
    renameSync(tmp, file);
  } catch {
    // the session is ending (its directory is going away)
  }
}
