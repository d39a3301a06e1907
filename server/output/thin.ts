/**
 * Thinning: kept lines that say the same thing again (retry warnings, repeated notices, failures
 * printed twice) give way to their first telling; the fold markers around them lead back.
 */
import { type LineClass, shapeOf } from "./classify.ts";

/** A run of 4+ kept lines that differ only in their numbers keeps its first and last line. */
export function thinNearDuplicates(lines: string[], keep: boolean[]): void {
  let i = 0;
  while (i < lines.length) {
    if (!keep[i]) {
      i++;
      continue;
    }
    const shape = shapeOf(lines[i]!);
    let j = i + 1;
    while (j < lines.length && keep[j] && lines[j] !== lines[i] && shapeOf(lines[j]!) === shape) j++;
    if (j - i >= 4) for (let k = i + 1; k < j - 1; k++) keep[k] = false;
    i = Math.max(j, i + 1);
  }
}

/**
 * A notice that recurs all through the output (same first 40 characters, numbers aside: retry
 * warnings between downloads, repeated deprecation notes) keeps its first two and its last
 * occurrence. Lines that carry a location (file:line, line:col) or a must-keep needle stay.
 */
export function thinRecurringNotices(lines: string[], keep: boolean[], classes: LineClass[], needleRe: RegExp | null): void {
  const byShape = new Map<string, number[]>();
  for (let i = 0; i < lines.length; i++) {
    if (!keep[i] || classes[i] !== "fact") continue;
    const line = lines[i]!;
    if (/\d+[:,(]\d+|\.\w{1,5}:\d+/.test(line) || needleRe?.test(line)) continue;
    const shape = shapeOf(line).slice(0, 40);
    const at = byShape.get(shape);
    if (at) at.push(i);
    else byShape.set(shape, [i]);
  }
  for (const at of byShape.values()) {
    if (at.length < 4) continue;
    for (const i of at.slice(2, -1)) keep[i] = false;
  }
}

/**
 * Tools that print each failure twice (in place and again in a closing summary) repeat whole
 * blocks: a run of 3 or more kept lines that all appeared earlier (indentation aside) is folded;
 * the first telling stays.
 */
export function dropRepeatedBlocks(lines: string[], keep: boolean[]): void {
  const seen = new Set<string>();
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 3) for (const i of run) keep[i] = false;
    run = [];
  };
  for (let i = 0; i < lines.length; i++) {
    if (!keep[i]) continue;
    const t = lines[i]!.trim();
    if (t.length < 8) continue;
    if (seen.has(t)) run.push(i);
    else {
      flush();
      seen.add(t);
    }
  }
  flush();
}
