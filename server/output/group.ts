/**
 * Grouping of repeated diagnostics: compilers and linters that report the same error many times
 * (`TS7006 Parameter 'x' implicitly has an 'any' type.` at 200 places) print the first of each kind
 * verbatim and the others as one line under it: the same code and message shape, then every
 * other location with the part of the message that varies (the quoted names). Every location,
 * code and varying word stays; only the words repeated on every line go, so each original line can
 * be rebuilt from the group line and the one printed above it.
 */

/** One diagnostic line: where, how bad, which code, and its message. */
export interface Diagnostic {
  /** The file (for rows under a file heading, the heading). */
  file: string;
  line: string;
  col: string;
  severity: string;
  code: string;
  message: string;
}

/** `file:line:col - error TS1234: msg` (tsc), `file(line,col): error TS1234: msg`, `file:line:col: warning: msg [-Wflag]` (gcc, clang). */
const LOCATED = /^([^\s:()]+?)(?::(\d+):(\d+)(?: -|:)|\((\d+),(\d+)\):) (fatal error|error|warning) ?([A-Z]+\d+)?: (.+?)(?: \[(-W[\w=-]+)\])?$/;
/** eslint stylish rows under a file heading: `  12:5  error  'x' is not defined  no-undef`. */
const STYLISH_ROW = /^ +(\d+):(\d+) +(error|warning) +(.+?) {2,}([@\w/-]+)$/;
/** A file heading of eslint's stylish format. */
const FILE_HEADING = /^(?:\/|\.{0,2}\/?[\w@.-]+\/)?[\w@.+/-]*\.\w{1,6}$/;
import { SHELLCHECK_FINDING, SHELLCHECK_LOCATION } from "./classify.ts";

/** Quoted names in a message: '…', ‘…’, "…", `…`. */
const QUOTED = /'[^'\n]*'|‘[^’\n]*’|"[^"\n]*"|`[^`\n]*`/g;

/** A quoted name shown without its quotes in a group line (the shape shows them). */
const BARE = /^['‘"`][\w$.]+['’"`]$/;

/** Below this many of one kind, the lines stay as they are: a group line would not be shorter. */
const MIN_GROUP = 3;
/** A group line's message shape is cut after the part that varies when it is this long. */
const LONG_SHAPE = 60;

/**
 * `heading` is the line a row belongs to: eslint's file heading, or shellcheck's `In FILE line N:`
 * above a caret line (the caret's position is the column).
 */
export function parseDiagnostic(line: string, heading: string | null): Diagnostic | null {
  if (line.length > 1000) return null;
  if (heading !== null && line.includes("^ SC")) {
    const f = SHELLCHECK_FINDING.exec(line);
    const at = f ? SHELLCHECK_LOCATION.exec(heading) : null;
    if (f && at) return { file: at[1]!, line: at[2]!, col: String(f[1]!.length + 1), severity: f[3]!, code: f[2]!, message: f[4]! };
  }
  if (!line.includes("error") && !line.includes("warning")) return null;
  const m = LOCATED.exec(line);
  if (m) {
    const code = m[7] ?? m[9] ?? "";
    return { file: m[1]!, line: m[2] ?? m[4]!, col: m[3] ?? m[5]!, severity: m[6]!, code, message: m[8]! };
  }
  if (heading !== null) {
    const s = STYLISH_ROW.exec(line);
    if (s) return { file: heading, line: s[1]!, col: s[2]!, severity: s[3]!, code: s[5]!, message: s[4]! };
  }
  return null;
}

export interface Grouping {
  /** Lines told by a group line: they are not printed themselves. */
  hidden: Uint8Array;
  /** The first line of each group → the group line that lists the others. */
  lines: Map<number, string>;
}

interface Member {
  at: number;
  loc: string;
  values: string[];
}

interface Group {
  first: number;
  members: Member[];
  parts: string[]; // the message around its quoted parts
  code: string;
  severity: string;
}

/**
 * Finds the diagnostics that repeat one kind (same file, severity, code and message with its
 * quoted parts blurred) at least MIN_GROUP times. `keepWhole(i)` marks lines that must stay as
 * they are (the last lines of the output): they are left out of their group.
 */
export function groupDiagnostics(lines: string[], keepWhole: (i: number) => boolean): Grouping | null {
  const groups = new Map<string, Group>();
  let lastUnindented = -1; // the line that may be the file heading of indented rows
  let shellcheckAt = -1; // the last `In FILE line N:`
  const findingsAt = new Map<number, number[]>(); // each `In FILE line N:` → its findings' lines
  let found = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.length === 0) continue;
    const c = line.charCodeAt(0);
    if (c !== 32 && c !== 9) lastUnindented = i;
    if (c === 73 /* I */ && SHELLCHECK_LOCATION.test(line)) shellcheckAt = i;
    const finding = shellcheckAt >= 0 && line.includes("^ SC");
    if (!finding && line.indexOf("error") === -1 && line.indexOf("warning") === -1) continue;
    const heading = finding
      ? lines[shellcheckAt]!
      : c === 32 && lastUnindented >= 0 && FILE_HEADING.test(lines[lastUnindented]!)
        ? lines[lastUnindented]!
        : null;
    const d = parseDiagnostic(line, heading);
    if (!d) continue;
    found++;
    if (finding) {
      const at = findingsAt.get(shellcheckAt);
      if (at) at.push(i);
      else findingsAt.set(shellcheckAt, [i]);
    }
    // The message's shape: its quoted parts blurred. Only the first quoted name varies within a
    // group (the subject: a parameter, a property); the later ones (a type) stay in the shape.
    const msg = d.message;
    const values: string[] = [];
    let shape = "";
    let last = 0;
    QUOTED.lastIndex = 0;
    for (let q = QUOTED.exec(msg); q; q = QUOTED.exec(msg)) {
      shape += values.length === 0 ? `${msg.slice(last, q.index)}\u0001` : msg.slice(last, q.index + q[0].length);
      values.push(q[0]);
      last = q.index + q[0].length;
    }
    const key = `${d.file}\u0000${d.severity}\u0000${d.code}\u0000${shape}${msg.slice(last)}`;
    const g = groups.get(key);
    if (g) {
      if (!keepWhole(i)) g.members.push({ at: i, loc: `${d.line}:${d.col}`, values });
    } else groups.set(key, { first: i, members: [], parts: msg.split(QUOTED), code: d.code, severity: d.severity });
  }
  if (found < MIN_GROUP) return null;
  const hidden = new Uint8Array(lines.length);
  const out = new Map<number, string>();
  for (const g of groups.values()) {
    if (g.members.length + 1 < MIN_GROUP) continue;
    for (const m of g.members) hidden[m.at] = 1;
    out.set(g.first, groupLine(g, lines[g.first]!));
  }
  // A shellcheck `In FILE line N:` whose every finding is told by a group line goes with them.
  for (const [at, findings] of findingsAt) if (findings.every((i) => hidden[i])) hidden[at] = 1;
  return out.size ? { hidden, lines: out } : null;
}

/**
 * `  └ 207 more TS2339 (Property '…' does not exist on type '{}'.) at line:col by '…': A 89:34 90:32 · B 76:7,40`
 * Quoted parts that are the same in every member stay in the shape; the others become '…' and
 * each member is listed under its own values, in order of first appearance.
 */
function groupLine(g: Group, firstLine: string): string {
  const firstValues = [...(parseDiagnostic(firstLine, null)?.message ?? firstLine).matchAll(QUOTED)].map((q) => q[0]);
  const slots = g.parts.length - 1;
  const varies: boolean[] = [];
  for (let s = 0; s < slots; s++) varies.push(g.members.some((m) => m.values[s] !== firstValues[s]));
  const what = g.code || g.severity;
  const count = `  └ ${g.members.length} more ${what}`;
  if (!varies.includes(true)) return `${count} at line:col: ${joinLocations(g.members.map((m) => m.loc))}`;
  let shape = "";
  let lastVarying = 0;
  for (let s = 0; s < g.parts.length; s++) {
    shape += g.parts[s];
    if (s < slots) {
      shape += varies[s] ? "'…'" : firstValues[s];
      if (varies[s]) lastVarying = shape.length;
    }
  }
  if (shape.length > LONG_SHAPE && shape.length - lastVarying > 10) shape = `${shape.slice(0, lastVarying)} …`;
  const byValue = new Map<string, string[]>();
  for (const m of g.members) {
    const key = m.values
      .filter((_, s) => varies[s])
      .map((v) => (BARE.test(v) ? v.slice(1, -1) : v))
      .join(" ");
    const at = byValue.get(key);
    if (at) at.push(m.loc);
    else byValue.set(key, [m.loc]);
  }
  const list = [...byValue].map(([value, at]) => `${value} ${joinLocations(at)}`).join(" · ");
  return `${count} (${shape}) at line:col by '…': ${list}`;
}

/** `12:5 12:9 40:1` → `12:5,9 40:1`: more columns on one line follow its first after a comma. */
function joinLocations(locs: string[]): string {
  let out = "";
  let line = "";
  for (const loc of locs) {
    const colon = loc.indexOf(":");
    const l = loc.slice(0, colon);
    if (l === line) out += `,${loc.slice(colon + 1)}`;
    else {
      out += out ? ` ${loc}` : loc;
      line = l;
    }
  }
  return out;
}
