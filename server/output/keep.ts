/**
 * Which rendered lines compaction keeps verbatim: errors, warnings, failures, summaries, the lines
 * that explain an error, each must-keep location and failing test the analysis found, the first
 * lines and the last ones (more of them when the command failed).
 */
import { classifyLine, type LineClass } from "./classify.ts";
import { dropRepeatedBlocks, thinNearDuplicates, thinRecurringNotices } from "./thin.ts";
import type { Analysis } from "./types.ts";

const CONTEXT_AFTER_HEADER = 8;
const BLOCKS_WITH_CONTEXT = 12;
const HEAD_LINES = 2;
const COMMIT = /^commit [0-9a-f]{40}\b/;

export function keepMask(lines: string[], analysis: Analysis, exitCode: number | null | undefined): { keep: boolean[]; classes: LineClass[] } {
  const n = lines.length;
  const keep = new Array<boolean>(n).fill(false);
  const classes: LineClass[] = new Array(n);
  const needles = factNeedles(analysis);
  const needleRe = needles.length ? new RegExp(needles.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")) : null;
  for (let i = 0; i < n; i++) {
    const line = lines[i]!;
    const cls = classifyLine(line);
    classes[i] = cls;
    if (cls === "fact" || cls === "header") keep[i] = true;
    else if (cls !== "blank" && cls !== "frame" && needleRe && needleRe.test(line)) keep[i] = true;
  }
  // An error block keeps the lines that explain it: location, snippet, assertion, up to a blank line.
  // Past the first few blocks only their header lines stay (each error line with its location and
  // code); their snippets can be read back, or seen by opening the file.
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    if (classes[i] !== "header") continue;
    if (++blocks > BLOCKS_WITH_CONTEXT) break;
    let blanks = 0;
    for (let k = i + 1; k < Math.min(n, i + 1 + CONTEXT_AFTER_HEADER); k++) {
      if (classes[k] === "header") break;
      if (classes[k] === "blank" && k > i + 1 && ++blanks >= 2) break;
      if (classes[k] === "frame" || classes[k] === "chatter") continue;
      keep[k] = true;
    }
  }
  // A commit in a log keeps its header and its subject line; its author, date and body may fold.
  for (let i = 0; i < n; i++) {
    if (!COMMIT.test(lines[i]!)) continue;
    keep[i] = true;
    for (let k = i + 1; k < Math.min(n, i + 6); k++) {
      if (/^ {4}\S/.test(lines[k]!)) {
        keep[k] = true;
        break;
      }
    }
  }
  // Runs of near-identical facts (retry warnings, repeated notices) keep their first and last line.
  thinNearDuplicates(lines, keep);
  thinRecurringNotices(lines, keep, classes, needleRe);
  dropRepeatedBlocks(lines, keep);
  for (let i = 0, seen = 0; i < n && seen < HEAD_LINES; i++) {
    if (classes[i] === "blank") continue;
    keep[i] = true;
    seen++;
  }
  const tail = exitCode !== undefined && exitCode !== null && exitCode !== 0 ? 8 : 3;
  for (let i = n - 1, seen = 0; i >= 0 && seen < tail; i--) {
    if (classes[i] === "blank") continue;
    if (classes[i] !== "frame") keep[i] = true;
    seen++;
  }
  return { keep, classes };
}

/** Strings whose presence makes a line a must-keep fact: error locations and failing tests. */
function factNeedles(analysis: Analysis): string[] {
  const needles = new Set<string>();
  for (const e of analysis.errors.slice(0, 100)) {
    if (e.file && e.line !== null) needles.add(`${e.file.replace(/^\.\//, "")}:${e.line}`);
    if (e.file && e.line === null) needles.add(e.file);
  }
  for (const t of analysis.tests_failed.slice(0, 100)) {
    const leaf = t.split(/ [›>] |::/).pop();
    if (leaf && leaf.length >= 6) needles.add(leaf);
  }
  return [...needles];
}
