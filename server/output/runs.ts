/**
 * Floods of one line (`yes`, a spinner's frames, a loop printing the same warning): a run of
 * identical lines longer than 2 × EDGE + 1 is read as EDGE copies, one line that stands for its
 * middle (weighted by how many lines it stands for), and EDGE copies. Every pass that reads a
 * line's neighbours looks at most EDGE lines away, so each copy reads as it did in the whole run
 * and the middle line as every line of the middle did; the passes that count lines count weights.
 * Line numbers shown (fold markers, locations) are the original ones, mapped back through `start`.
 */
import type { LineInfo } from "./roles.ts";

/** Lines kept as themselves at each end of a long run (more than any pass's reach: 40 lines). */
const EDGE = 64;

export interface LineRuns {
  /** The lines the passes read. */
  lines: string[];
  /** The 0-based original index of each of them. */
  start: Int32Array;
  /** How many original lines each stands for. */
  weight: Uint32Array;
  /** How many original lines there are. */
  total: number;
}

/** The runs folded, or null when no run is long enough to fold (the lines are read as they are). */
export function foldRuns(lines: string[]): LineRuns | null {
  const long = 2 * EDGE + 1;
  let found = false;
  for (let i = 1, run = 1; i < lines.length && !found; i++) {
    run = lines[i] === lines[i - 1] ? run + 1 : 1;
    found = run > long;
  }
  if (!found) return null;
  const out: string[] = [];
  const start: number[] = [];
  const weight: number[] = [];
  const push = (line: string, at: number, w: number) => {
    out.push(line);
    start.push(at);
    weight.push(w);
  };
  for (let i = 0; i < lines.length; ) {
    const line = lines[i]!;
    let j = i + 1;
    while (j < lines.length && lines[j] === line) j++;
    if (j - i <= long) for (let k = i; k < j; k++) push(line, k, 1);
    else {
      for (let k = 0; k < EDGE; k++) push(line, i + k, 1);
      push(line, i + EDGE, j - i - 2 * EDGE);
      for (let k = j - EDGE; k < j; k++) push(line, k, 1);
    }
    i = j;
  }
  return { lines: out, start: Int32Array.from(start), weight: Uint32Array.from(weight), total: lines.length };
}

/** Values of the folded lines, one per original line again. */
function expand<T, A extends { [k: number]: T; length: number }>(runs: LineRuns, values: ArrayLike<T>, into: A): A {
  for (let k = 0; k < runs.lines.length; k++) {
    const v = values[k]!;
    const from = runs.start[k]!;
    const to = from + runs.weight[k]!;
    for (let i = from; i < to; i++) into[i] = v;
  }
  return into;
}

/** The roles read from the folded lines, for every original line (what the analysis reads). */
export function expandInfo(info: LineInfo, runs: LineRuns): LineInfo {
  const n = runs.total;
  return {
    roles: expand(runs, info.roles, new Array(n)),
    bodies: expand(runs, info.bodies, new Array<string>(n)),
    trace: expand(runs, info.trace, new Int32Array(n)),
    snippet: expand(runs, info.snippet, new Uint8Array(n)),
    locations: expand(runs, info.locations, new Array(n)),
  };
}
