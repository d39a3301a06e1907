/**
 * Thinning: kept lines that say the same thing again (retry warnings, repeated notices, failures
 * printed twice) give way to their first telling; the fold markers around them lead back.
 */
import type { Role } from "./roles.ts";
import { findLocation } from "./shape/location.ts";

/** A line's shape with numbers and hex ids blurred: near-identical lines share one. */
export function shapeOf(line: string): string {
  return line.replace(/0x[0-9a-f]+|[0-9a-f]{7,}|\d+(?:\.\d+)?/gi, "#");
}

/** Lines never thinned: each says something of its own (where, what was expected, how many). */
const OWN: ReadonlySet<Role> = new Set<Role>(["finding", "assertion", "summary", "result", "failure", "patch-file", "patch-hunk", "frame"]);

/** A location in a line (`file.c:12`, `12:5`, `[9,16]`, `(3,4)`): lines that differ in one are different facts. */
const LOCATION = /\d+[:,(]\d+|\.\w{1,5}:\d+/;

/**
 * A run of 4+ kept lines that differ only in their numbers (retry counters, hex addresses) keeps
 * its first and last line. Lines with a location stay: each says where (group.ts tells those).
 */
export function thinNearDuplicates(lines: string[], keep: boolean[], roles: Role[]): void {
  let i = 0;
  while (i < lines.length) {
    if (!keep[i] || OWN.has(roles[i]!) || LOCATION.test(lines[i]!)) {
      i++;
      continue;
    }
    const shape = shapeOf(lines[i]!);
    let j = i + 1;
    while (j < lines.length && keep[j] && !OWN.has(roles[j]!) && lines[j] !== lines[i] && !LOCATION.test(lines[j]!) && shapeOf(lines[j]!) === shape) j++;
    if (j - i >= 4) for (let k = i + 1; k < j - 1; k++) keep[k] = false;
    i = Math.max(j, i + 1);
  }
}

/**
 * A notice that recurs all through the output (same first 40 characters, numbers aside: retry
 * warnings between downloads, repeated deprecation notes) keeps its first and its last
 * occurrence. Lines that carry a location (file:line, line:col) or a must-keep needle stay.
 */
export function thinRecurringNotices(lines: string[], keep: boolean[], roles: Role[], needleRe: RegExp | null): void {
  const byShape = new Map<string, number[]>();
  for (let i = 0; i < lines.length; i++) {
    if (!keep[i] || (roles[i] !== "problem" && roles[i] !== "warning")) continue;
    const line = lines[i]!;
    if (LOCATION.test(line) || needleRe?.test(line)) continue;
    const shape = shapeOf(line).slice(0, 40);
    const at = byShape.get(shape);
    if (at) at.push(i);
    else byShape.set(shape, [i]);
  }
  for (const at of byShape.values()) {
    if (at.length < 4) continue;
    for (const i of at.slice(1, -1)) keep[i] = false;
  }
}

/**
 * Tools that print each failure twice (in place and again in a closing summary) repeat whole
 * blocks: a run of 3 or more kept lines that all appeared earlier (indentation aside) is folded;
 * the first telling stays.
 */
export function dropRepeatedBlocks(lines: string[], keep: boolean[], roles: Role[]): void {
  const seen = new Set<string>();
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 3) for (const i of run) keep[i] = false;
    run = [];
  };
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    if (roles[i] === "section") heading = lines[i]!;
    if (!keep[i] || roles[i] === "summary" || roles[i] === "result") continue;
    // A finding at another column is another finding, however alike its words; a row that names
    // no file (`✖ 1:1 Do not use "use strict"`) is another finding under another file's heading.
    const t = roles[i] === "finding" ? (findLocation(lines[i]!) ? lines[i]! : `${heading}\n${lines[i]}`) : lines[i]!.trim();
    if (t.length < 8) continue;
    if (seen.has(t)) run.push(i);
    else {
      flush();
      seen.add(t);
    }
  }
  flush();
}

/** The header of a process table (top, ps): it names the %CPU and %MEM columns. */
const PROCESS_HEADER = /^\s*(?:\S+\s+)*PID\s.*%CPU\s+%MEM\b|^\s*(?:\S+\s+)*PID\s.*%MEM\s+%CPU\b/;
const ZERO = /^0(?:\.0+)?$/;
const SHORT_TABLE = 12;
/** A process table folds its idle rows only when there are at least this many. */
const MIN_IDLE_ROWS = 3;

export const IDLE = 1;
export const BUSY = 2;

/**
 * The rows of a process table (`top -b`, `ps aux`): IDLE for those that use no CPU and no memory
 * (0.0 in both columns and, where the table shows it, nothing resident in RSS or RES: kernel
 * threads, not a server asleep on a 24 GiB machine whose 22 MB round to 0.0 %MEM), when there are
 * at least 3; BUSY for the others, which stay with the header and the summary lines above it.
 */
export function processRows(lines: string[]): Uint8Array | null {
  let rowsOf: Uint8Array | null = null;
  for (let h = 0; h < lines.length; h++) {
    const header = lines[h]!;
    if (!header.includes("%CPU") || !header.includes("PID") || !PROCESS_HEADER.test(header)) continue;
    const cols = header.trim().split(/\s+/);
    const cpu = cols.indexOf("%CPU");
    const mem = cols.indexOf("%MEM");
    const resident = cols.findIndex((c) => c === "RSS" || c === "RES");
    const idle: number[] = [];
    const busy: number[] = [];
    let i = h + 1;
    for (; i < lines.length; i++) {
      const cells = lines[i]!.trim().split(/\s+/);
      if (cells.length < cols.length || !/^\d+$/.test(cells[cols.indexOf("PID")]!)) break;
      (ZERO.test(cells[cpu]!) && ZERO.test(cells[mem]!) && (resident === -1 || cells[resident] === "0") ? idle : busy).push(i);
    }
    // A short table (a few services) is read whole.
    if (idle.length >= MIN_IDLE_ROWS && idle.length + busy.length > SHORT_TABLE) {
      rowsOf ??= new Uint8Array(lines.length);
      for (const r of idle) rowsOf[r] = IDLE;
      for (const r of busy) rowsOf[r] = BUSY;
    }
    h = i - 1;
  }
  return rowsOf;
}
