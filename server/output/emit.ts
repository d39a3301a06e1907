/**
 * Writing the compacted text: kept lines verbatim (exact repeats told by their count, giant lines
 * clipped), the rest folded into one-line markers that say what they fold and name the command
 * that shows those lines again. Folds close to each other share one marker for their region.
 */
import type { Role } from "./roles.ts";
import type { LineRuns } from "./runs.ts";
import type { Selection } from "./select.ts";
import { isPassing } from "./shape/words.ts";

export interface Fold {
  /** 1-based, inclusive lines of the rendered text that this marker stands for. */
  from: number;
  to: number;
  reason: string;
}

export type ExpandHint = (fromLine: number, toLine: number) => string;

/** What emitting needs of a selection: which lines stay, why the others go, what to print after a line. */
export type EmitPlan = Pick<Selection, "keep" | "roles" | "hidden" | "after" | "snippet" | "similar" | "quiet" | "idle">;

const MIN_FOLD_LINES = 3;
const LONG_LINE = 2000;
const LONG_LINE_HEAD = 600;
const LONG_LINE_TAIL = 300;
/** Folds with at most this many lines between them share one marker. */
const MERGE_KEPT = 10;
/** Small stretches fold together once they hold this many characters (a marker's worth, twice). */
const TINY_REGION_CHARS = 240;

interface Gap {
  from: number;
  to: number;
  kind: "blank" | "tiny" | "fold";
  chars: number;
  /** For the fold that opens a region, the index of the region's last gap; -2 for the others in it. */
  last: number;
}

/**
 * Kept lines verbatim, the rest folded into markers. Folds close to each other (the snippet under
 * each error, the author and date of each commit, the stack under each failure) share one marker
 * for their whole region instead of a marker each: it sits where the first of them was and names
 * the range that holds them all.
 */
export function emitWithFolds(lines: string[], plan: EmitPlan, hint: ExpandHint, runs: LineRuns | null = null): { out: string[]; folds: Fold[] } {
  const { keep, roles, hidden, after } = plan;
  const out: string[] = [];
  const folds: Fold[] = [];
  const n = lines.length;
  // `lines` may be the output's runs folded (runs.ts): counts are of the lines each stands for, line numbers the output's own
  const w = (k: number) => runs?.weight[k] ?? 1;
  const at = (k: number) => (runs ? (k < n ? runs.start[k]! : runs.total) : k);
  const gaps: Gap[] = [];
  for (let i = 0; i < n; ) {
    if (keep[i]) {
      i++;
      continue;
    }
    let j = i;
    let chars = 0;
    let nonBlank = 0;
    for (; j < n && !keep[j]; j++) {
      chars += (lines[j]!.length + 1) * w(j);
      if (roles[j] !== "blank") nonBlank += w(j);
    }
    const kind = nonBlank === 0 ? "blank" : at(j) - at(i) < MIN_FOLD_LINES && chars < 160 ? "tiny" : "fold";
    gaps.push({ from: i, to: j, kind, chars, last: -1 });
    i = j;
  }
  // Regions: each fold that opens one notes the index of the last fold it covers. Stretches too
  // small for a marker of their own join a region when together they are worth one.
  const foldable = (x: Gap) => x.kind === "fold" || x.kind === "tiny";
  for (let g = 0; g < gaps.length; g++) {
    if (!foldable(gaps[g]!)) continue;
    let last = g;
    let chars = gaps[g]!.chars;
    let big = gaps[g]!.kind === "fold";
    for (let h = g + 1; h < gaps.length && at(gaps[h]!.from) - at(gaps[last]!.to) <= MERGE_KEPT; h++) {
      if (!foldable(gaps[h]!)) continue;
      last = h;
      chars += gaps[h]!.chars;
      big ||= gaps[h]!.kind === "fold";
    }
    if (!big && chars < TINY_REGION_CHARS) continue;
    for (let h = g; h <= last; h++) {
      if (gaps[h]!.kind === "tiny") gaps[h]!.kind = "fold";
      if (gaps[h]!.kind === "fold") gaps[h]!.last = -2;
    }
    gaps[g]!.last = last;
    g = last;
  }
  let g = 0;
  for (let i = 0; i < n; ) {
    if (keep[i]) {
      const j = hidden?.[i] ? i + 1 : emitKept(lines, i, keep, out, folds, hint, w, at);
      if (after.size) for (let k = i; k < j; k++) if (after.has(k)) out.push(after.get(k)!);
      i = j;
      continue;
    }
    const gap = gaps[g]!;
    if (gap.kind === "blank") {
      if (out.length > 0 && out[out.length - 1]!.trim() !== "") out.push("");
    } else if (gap.kind === "tiny") {
      for (let k = gap.from; k < gap.to; k++) out.push(lines[k]!);
    } else if (gap.last >= 0) {
      const region = gaps.slice(g, gap.last + 1).filter((x) => x.kind === "fold");
      const from = at(gap.from) + 1;
      const to = at(gaps[gap.last]!.to);
      // the lines it stands for, without the blank ones between them
      let folded = 0;
      for (const x of region) for (let k = x.from; k < x.to; k++) if (roles[k] !== "blank") folded += w(k);
      const reason = describe(lines, plan, region, w);
      folds.push({ from, to, reason: region.length > 1 ? `${folded} lines in ${region.length} stretches: ${reason}` : reason });
      out.push(marker(folded, reason, hint(from, to)));
    }
    g++;
    i = gap.to;
  }
  return { out, folds };
}

/** A line and its `count - 1` exact repeats: told by their count when that is shorter. */
export function pushRepeats(out: string[], line: string, count: number): void {
  const told = `… previous line repeated ${count - 1} more times`;
  if (count > 2 && told.length < (count - 1) * (line.length + 1)) {
    out.push(line, told);
    return;
  }
  for (let k = 0; k < count; k++) out.push(line);
}

/** Emits a kept line, folding exact repeats of it losslessly; returns the next index. */
function emitKept(lines: string[], i: number, keep: boolean[], out: string[], folds: Fold[], hint: ExpandHint, w: (k: number) => number, at: (k: number) => number): number {
  let j = i + 1;
  let count = w(i);
  for (; j < lines.length && keep[j] && lines[j] === lines[i]; j++) count += w(j);
  let line = lines[i]!;
  if (line.trim() === "" && out.length > 0 && out[out.length - 1]!.trim() === "") return j;
  line = clipLong(line, at(i), folds, hint);
  pushRepeats(out, line, count);
  return j;
}

/**
 * A JSON document on one long line (`--format json`): its values without the fields that say
 * little (true, false, null, empty), each element of its top arrays on a line of its own, written
 * as the tool wrote them (compact JSON), so that `"message":"…","path":"…"` reads as in the line.
 */
function jsonExcerpt(line: string): string | null {
  const t = line.trim();
  if (!((t.startsWith("{") && t.endsWith("}")) || (t.startsWith("[") && t.endsWith("]")))) return null;
  let doc: unknown;
  try {
    doc = JSON.parse(t);
  } catch {
    return null;
  }
  const slim = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(slim).filter((x) => x !== undefined);
    if (v && typeof v === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const s = slim(x);
        if (s === undefined || typeof s === "boolean" || s === null || (Array.isArray(s) && s.length === 0) || (typeof s === "object" && s !== null && Object.keys(s).length === 0) || s === "") continue;
        out[k] = s;
      }
      return out;
    }
    return v;
  };
  const lines: string[] = [];
  const walk = (v: unknown, depth: number) => {
    // Arrays of objects near the top are listed element by element; the rest as one line.
    if (depth < 3 && v && typeof v === "object" && !Array.isArray(v)) {
      const scalars: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (Array.isArray(x) && x.some((e) => e && typeof e === "object")) {
          if (Object.keys(scalars).length) lines.push(JSON.stringify(scalars).slice(1, -1));
          for (const k2 of Object.keys(scalars)) delete scalars[k2];
          lines.push(`${JSON.stringify(k)}:`);
          for (const e of x) walk(e, depth + 1);
        } else scalars[k] = x;
      }
      if (Object.keys(scalars).length) lines.push(JSON.stringify(scalars).slice(1, -1));
      return;
    }
    lines.push(JSON.stringify(v));
  };
  walk(slim(doc), 0);
  const text = lines.join("\n");
  return text.length < t.length ? text : null;
}

/** A giant line (minified code, a base64 blob) keeps its start and end around a marker. */
function clipLong(line: string, i: number, folds: Fold[], hint: ExpandHint): string {
  if (line.length <= LONG_LINE) return line;
  const excerpt = jsonExcerpt(line);
  if (excerpt) {
    folds.push({ from: i + 1, to: i + 1, reason: "the true/false/null and empty fields of one JSON document" });
    return `${excerpt}\n… JSON without its true/false/null and empty fields, one element a line (${hint(i + 1, i + 1)})`;
  }
  const cut = line.length - LONG_LINE_HEAD - LONG_LINE_TAIL;
  folds.push({ from: i + 1, to: i + 1, reason: `${cut} characters of one long line` });
  return `${line.slice(0, LONG_LINE_HEAD)} … ${cut} characters folded (${hint(i + 1, i + 1)}) … ${line.slice(-LONG_LINE_TAIL)}`;
}

/**
 * `… 19 lines folded · CMD`, `… 8 library stack frames folded · CMD`, `… 40 lines folded (…) · CMD`.
 * A marker for several stretches (kept lines between them) says only how many lines it folded: the
 * kept lines follow it, and its command's range covers them all (the fold's reason has the count).
 */
function marker(folded: number, reason: string, expand: string): string {
  if (reason === OUTPUT) return `… ${folded} lines folded · ${expand}`;
  const whole = new RegExp(`^${folded} [^,]+$`).test(reason);
  return whole ? `… ${reason} folded · ${expand}` : `… ${folded} lines folded (${reason}) · ${expand}`;
}

const OUTPUT = "output";
const LABELS: Array<[string, string]> = [
  ["commit", "more commits"],
  ["passing", "passing-test lines"],
  ["chatter", "progress lines"],
  ["library-frame", "library stack frames"],
  ["snippet", "code-frame lines"],
  ["patch-line", "patch lines"],
  ["similar", "near-repeats of kept lines"],
  ["help", "help-text lines"],
  ["quiet", "table rows of the common status"],
  ["idle", "idle processes (0.0 %CPU and %MEM)"],
];

/** `1 progress line`, `1 library stack frame`, `1 idle process (…)`. */
const singular = (label: string) => label.replace(/^(more commit|[\w -]*?(?:line|frame|row|repeat))s\b|^(idle process)es\b/, "$1$2");

function describe(lines: string[], plan: EmitPlan, ranges: Array<{ from: number; to: number }>, w: (k: number) => number): string {
  const counts = new Map<string, number>();
  let total = 0;
  let weight = 1;
  const bump = (k: string) => counts.set(k, (counts.get(k) ?? 0) + weight);
  for (const { from, to } of ranges) {
    for (let k = from; k < to; k++) {
      const role: Role = plan.roles[k]!;
      // blank lines between the folded ones are no kind of line worth telling
      if (role === "blank") continue;
      weight = w(k);
      total += weight;
      if (plan.similar?.[k]) bump("similar");
      else if (plan.quiet?.[k]) bump("quiet");
      else if (plan.idle?.[k]) bump("idle");
      else if (role === "chatter") bump(isPassing(lines[k]!) ? "passing" : "chatter");
      else if (role === "library-frame" || role === "snippet" || role === "patch-line" || role === "commit" || role === "help") bump(role);
      else if (plan.snippet[k]) bump("snippet");
    }
  }
  const parts: string[] = [];
  let told = 0;
  for (const [key, label] of LABELS) {
    const c = counts.get(key);
    if (!c) continue;
    parts.push(`${c} ${c === 1 ? singular(label) : label}`);
    told += c;
  }
  const other = total - told;
  if (other > 0) parts.push(parts.length ? `${other} other` : OUTPUT);
  return parts.join(", ");
}
