/**
 * Which rendered lines compaction keeps verbatim, from their roles (roles.ts): every fact (finding,
 * problem, warning, summary, assertion, failing test, patch file header), the lines that explain a
 * fact (the rest of its block, the header of the section it belongs to, the first frame of its
 * trace and the frames in the project's own files), small sections whole (git status's file
 * lists), the subject of each commit, the first lines and the last ones (more of them when the
 * command failed). Routine lines, whose template recurs through the output, fold.
 */
import { isFrameSource } from "./shape/codeframe.ts";
import { frameKind } from "./shape/frames.ts";
import { groupFileLines, groupFindings, mergeGroupings } from "./group.ts";
import { FACT_ROLES, indentOf, type LineInfo, type Role } from "./roles.ts";
import { summaryCounts } from "./shape/summary.ts";
import { isPassing } from "./shape/words.ts";
import { mineTemplates, oddInstances, type TemplateMining } from "./shape/templates.ts";
import { statusRows } from "./shape/table.ts";
import { BUSY, dropRepeatedBlocks, IDLE, processRows, thinNearDuplicates, thinRecurringNotices } from "./thin.ts";
import { SCRIPT_BANNER } from "./types.ts";

/** Lines that never stay where the rules choose: rules, bare log tags, a tool's help text after a usage error. */
const isNoise = (r: Role) => r === "noise" || r === "help";

export interface Selection {
  keep: boolean[];
  roles: Role[];
  /** Kept lines that a group line tells instead of themselves (see group.ts). */
  hidden: Uint8Array | null;
  /** Group lines, each printed after the line at its index. */
  after: Map<number, string>;
  /** Lines of code frames. */
  snippet: Uint8Array;
  /** Kept lines let go because a line kept nearby says the same (see thin.ts). */
  similar: Uint8Array | null;
  /** Rows of a table that fold because their status is the common one. */
  quiet: Uint8Array | null;
  /** Rows of a process table that use no CPU and no memory. */
  idle: Uint8Array | null;
  /** Template counts of each line (how routine it is). */
  routine: Uint8Array;
}

export interface SelectOptions {
  /** Where each finding is, for findings whose line does not say it (see Parser.locate). */
  locations?: Array<string | null> | null;
  exitCode?: number | null;
  /** The output is a listing (ls, tree, a search): its lines are entries. */
  listing?: boolean;
  /** Strings whose presence makes a line a fact (the analysis's error locations and failing tests). */
  needles?: string[];
}

const HEAD_LINES = 2;
const TAIL_OK = 3;
const TAIL_FAILED = 8;
const LISTING_HEAD = 5;
const LISTING_TAIL = 8;
/** The lines after a fact that explain it (its block) stay for the first few blocks. */
const CONTEXT_AFTER = 8;
const BLOCKS_WITH_CONTEXT = 12;
/** Code frames under the first few blocks stay; past them the file itself shows the code. */
const BLOCKS_WITH_SNIPPET = 3;
/** A section this small is kept whole (a list of files under a git status header). */
const SMALL_SECTION = 12;
/** A listing of sizes keeps this many of its largest. */
const LARGEST = 8;
/** At most this many titles are kept all. */
const TITLES = 80;
/** At most this many small sections are kept whole. */
const WHOLE_SECTIONS = 8;
/** A section listing files stays whole up to this many. */
const FILE_SECTION = 40;
/** A titled paragraph this small is kept whole (terraform's `Outputs:`). */
const SMALL_PARAGRAPH = 8;
/** A trace keeps at most this many of the project's frames (the first ones and the last). */
const PROJECT_FRAMES = 10;
/** Commits whose header lines stay in a long log (the subject of every commit stays). */
const HEAD_COMMITS = 5;
/** A template with this many lines is routine. */
const ROUTINE = 4;
/** Lines that begin and end alike (`* test <any words> (12ms) [L#3]`) are routine when this many. */
const LOOSE_ROUTINE = 8;
/** A summary printed this many times (per commit, per package) is routine. */
const ROUTINE_SUMMARY = 10;
/** An output that is mostly routine keeps its one-of-a-kind lines when there are at most this many. */
const RARE_LINES = 12;
/** A template seen at most this often is rare (`ar: creating lib.a` once per library among hundreds of compiles). */
const RARE_INSTANCES = 2;
/** A patch with at most this many lines is kept whole; a larger one keeps its headers and changes. */
const SMALL_PATCH = 60;
/** Up to this many changed lines a patch keeps them all; past it, the first few of each hunk. */
const PATCH_CHANGES = 400;
const CHANGES_PER_HUNK = 6;

export function selectLines(info: LineInfo, options: SelectOptions = {}): Selection {
  const { roles, snippet, trace } = info;
  // Shapes are read without the log prefix every line may carry.
  const lines = info.bodies;
  const n = lines.length;
  const keep = new Array<boolean>(n).fill(false);
  const failed = options.exitCode !== undefined && options.exitCode !== null && options.exitCode !== 0;
  const needleRe = options.needles?.length ? new RegExp(options.needles.map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")) : null;
  const templates = mineTemplates(lines, info.weight ?? null);
  const routine = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const id = templates.ids[i]!;
    if (id >= 0 && (templates.counts[id]! >= ROUTINE || templates.loose(i) >= LOOSE_ROUTINE)) routine[i] = 1;
  }

  // A routine line with a rare value in its varying word (a task `skipping` among tasks `changed`).
  const odd = options.listing ? new Uint8Array(n) : oddInstances(templates, ROUTINE);
  for (let i = 0; i < n; i++) {
    const r = roles[i]!;
    if (FACT_ROLES.has(r) || (odd[i] && (r === "plain" || r === "match" || r === "chatter"))) keep[i] = true;
    else if (needleRe && r !== "blank" && !isNoise(r) && r !== "library-frame" && r !== "snippet" && r !== "patch-line" && needleRe.test(lines[i]!)) keep[i] = true;
  }
  // In a listing, names are entries: `error-ex@1.3.4` or `errors.go` make no fact.
  if (options.listing) for (let i = 0; i < n; i++) if (keep[i] && (roles[i] === "problem" || roles[i] === "warning" || roles[i] === "finding")) keep[i] = !routineAt(templates, i);

  const verdicts = fileVerdicts(lines, roles);
  if (verdicts) for (let i = 0; i < n; i++) if (verdicts[i]) keep[i] = true;
  thinRoutineSummaries(roles, templates, keep, lines);
  const files = keepCountedFiles(lines, roles, templates, keep);
  keepFrames(roles, trace, keep);
  if (!options.listing) keepBlockContext(lines, roles, snippet, keep, locatedFrames(lines, roles, snippet));
  const sections = keepSections(lines, roles, keep, !options.listing);
  keepCommits(lines, roles, keep);
  keepPatch(lines, roles, keep, info.weight);
  const { quiet, idle } = keepTables(lines, roles, keep);
  if (!options.listing) keepRare(roles, snippet, templates, routine, keep);
  keepRunStarts(lines, roles, keep, info.weight);
  keepLargest(lines, roles, keep, info.weight);
  if (failed) keepLeadIn(lines, roles, keep);
  if (failed) keepWorkingOn(lines, roles, keep);
  if (!options.listing) keepSettings(lines, roles, keep);
  keepNotRunReasons(lines, roles, keep);
  if (failed) keepPlannedCount(lines, roles, keep);
  keepFailedProgressRows(lines, roles, keep);
  keepFewPasses(lines, roles, keep);
  keepFailingPartHeads(lines, roles, keep);
  keepSuggestedFixes(lines, roles, snippet, keep);

  // Runs of near-identical facts (retry warnings, repeated notices) keep their first and last line.
  const before = keep.slice();
  thinNearDuplicates(lines, keep, roles);
  thinRecurringNotices(lines, keep, roles, needleRe);
  dropRepeatedBlocks(lines, keep, roles);
  keepRepeatedRuns(lines, roles, keep);
  // what the tests printed is kept after that thinning: values a loop printed differ in what was asked
  if (failed) keepTestPrints(lines, roles, keep);
  const similar = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (before[i] && !keep[i]) similar[i] = 1;

  // The first lines and the last ones: what ran, how it ended.
  const head = options.listing ? LISTING_HEAD : HEAD_LINES;
  for (let i = 0, seen = 0; i < n && seen < head; i++) {
    const r = roles[i]!;
    if (r === "blank" || r === "chatter" || r === "snippet" || isNoise(r) || r === "library-frame" || similar[i]) continue;
    keep[i] = true;
    seen++;
  }
  const tail = failed ? TAIL_FAILED : options.listing ? LISTING_TAIL : TAIL_OK;
  let tailFrom = n;
  for (let i = n - 1, seen = 0; i >= 0 && seen < tail; i--) {
    const r = roles[i]!;
    if (r === "blank") continue;
    tailFrom = i;
    // The very last line always; before it, progress and routine lines are no ending.
    if (r !== "library-frame" && r !== "snippet" && !isNoise(r) && (seen === 0 || (r !== "chatter" && !routine[i]) || FACT_ROLES.has(r))) keep[i] = true;
    seen++;
  }

  // Findings of one kind repeated many times: the first few stay, a group line tells the others.
  const grouping = mergeGroupings(
    groupFindings(lines, (i) => keep[i]! && roles[i] === "finding", (i) => i >= tailFrom, options.locations ?? null, (i) => roles[i] === "section", info.locations),
    files ? groupFileLines(lines, (i) => keep[i]! && files[i] === 1, (i) => i >= tailFrom) : null,
  );
  const after = new Map<number, string>();
  if (grouping) {
    // A section whose every kept line is told by a group line goes with them.
    for (const [header, end] of sections) {
      // Titles (`************* Module app.cli`) stay: they name what their findings are in.
      if (!keep[header] || (indentOf(lines[header]!) === 0 && !lines[header]!.trimEnd().endsWith(":") && !/^In .+ line \d+:$/.test(lines[header]!))) continue;
      let told = false;
      let other = false;
      for (let k = header + 1; k < end && !other; k++) {
        if (!keep[k] || roles[k] === "blank") continue;
        if (grouping.hidden[k]) told = true;
        else if (roles[k] !== "snippet") other = true;
      }
      if (told && !other) grouping.hidden[header] = 1;
    }
    // What explained a finding told by a group line (its code frame, its notes) goes with it.
    for (let i = 0; i < n; i++) {
      if (!grouping.hidden[i] || roles[i] !== "finding") continue;
      for (let k = i + 1; k < n && keep[k] && !grouping.hidden[k] && !FACT_ROLES.has(roles[k]!) && roles[k] !== "blank" && roles[k] !== "section"; k++) keep[k] = false;
    }
    for (const [at, text] of grouping.lines) {
      // A group line follows its last shown finding and what is kept under it.
      let j = at;
      for (let k = at + 1; k < n && keep[k] && !grouping.hidden[k] && roles[k] !== "finding" && roles[k] !== "failure"; k++) if (roles[k] !== "blank") j = k;
      after.set(j, after.has(j) ? `${after.get(j)}\n${text}` : text);
    }
  }
  return { keep, roles, hidden: grouping?.hidden ?? null, after, snippet, similar, quiet, idle, routine };
}

/** `Project name: wavstat`, `Build type: native build`, `C compiler for the host machine: cc (gcc 12.2.0)`. */
const SETTING = /^\s{0,4}[A-Z][\w+#.()/-]*(?: [\w+#.()/-]+){0,7} ?: +\S/;
const SETTING_BLOCK = { min: 4, max: 16, blocks: 3 };

/**
 * A short block of `Key: value` lines is what a tool says about its setup (a configure summary,
 * the versions it found): a few such blocks stay whole.
 */
function keepSettings(lines: string[], roles: Role[], keep: boolean[]): void {
  const blocks: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; ) {
    let end = i;
    while (end < lines.length && (roles[end] === "plain" || (FACT_ROLES.has(roles[end]!) && end > i)) && SETTING.test(lines[end]!)) end++;
    if (end - i >= SETTING_BLOCK.min) {
      if (end - i > SETTING_BLOCK.max || blocks.length === SETTING_BLOCK.blocks) return;
      blocks.push([i, end]);
    }
    i = Math.max(end, i + 1);
  }
  for (const [from, to] of blocks) for (let k = from; k < to; k++) keep[k] = true;
}

/** The flat run of lines before a failure is read whole up to this many lines. */
const LEAD_IN = 30;
/** Problems this close belong to one error. */
const PROBLEM_GAP = 6;

/**
 * What the run did just before the error that ended it: the flat run of lines that leads to the
 * last problem (terraform's `web-4: Creation complete` steps before `Error: local-exec provisioner
 * error`) when it is short; else the line right before it (`checking for zlib... yes` before
 * `checking for microhttpd.h... no`).
 */
function keepLeadIn(lines: string[], roles: Role[], keep: boolean[]): void {
  let i = roles.length - 1;
  while (i >= 0 && roles[i] !== "problem" && roles[i] !== "failure") i--;
  // The start of the last cluster of problems (a boxed error's lines, a failure and its notes).
  for (let k = i - 1; k >= 0 && k >= i - PROBLEM_GAP; k--) if (roles[k] === "problem" || roles[k] === "failure") i = k;
  let from = i;
  while (from > 0 && roles[from - 1] !== "blank" && roles[from - 1] !== "section" && indentOf(lines[from - 1]!) === 0 && i - from < LEAD_IN) from--;
  const whole = from > 0 && i - from < LEAD_IN && (roles[from - 1] === "blank" || roles[from - 1] === "section" || indentOf(lines[from - 1]!) > 0);
  for (let k = i - 1; k >= (whole ? from : 0); k--) {
    const r = roles[k]!;
    if (r === "blank") continue;
    if (r === "plain" || r === "match") keep[k] = true;
    if (!whole) return;
  }
}

/**
 * What a failed run was working on when it failed: the progress line right above its first error
 * (pip's `Processing /src/geo-utils` over `Preparing metadata (pyproject.toml) ... error`, cargo's
 * `Compiling crate v0.1.0`, ninja's `[1/5] Building C object …`).
 */
function keepWorkingOn(lines: string[], roles: Role[], keep: boolean[]): void {
  const first = roles.findIndex((r) => r === "problem" || r === "failure" || r === "finding");
  let k = first - 1;
  while (k >= 0 && roles[k] === "blank") k--;
  // a test that passed before the one that failed is no work in progress
  if (k >= 0 && roles[k] === "chatter" && !isPassing(lines[k]!)) keep[k] = true;
}

/** `PASS  test/tax.test.js`, `✓ src/a.test.ts (5 tests) 3ms`: a passing verdict for a whole file. */
const FILE_VERDICT = /^\s*(?:PASS|OK|ok|[✓✔√])\s+(?:[\w@+~.$-]*\/)*[\w@+~$-][\w@+~.$-]*\.[A-Za-z][\w+-]{0,9}(?:\s+\([^)]*\))?(?:\s+[\d.]+\s*m?s)?\s*$/;
const FILE_VERDICTS = 6;

/**
 * A few passing verdicts of whole files say which files ran and passed (jest's `PASS  path`); many
 * of them are a green run's bulk, told by its summary.
 */
function fileVerdicts(lines: string[], roles: Role[]): Uint8Array | null {
  let marked: Uint8Array | null = null;
  let count = 0;
  for (let i = 0; i < lines.length; i++) {
    if (roles[i] !== "chatter" || !FILE_VERDICT.test(lines[i]!)) continue;
    if (++count > FILE_VERDICTS) return null;
    (marked ??= new Uint8Array(lines.length))[i] = 1;
  }
  return marked;
}

/** The words of a line made of letters alone (`ok`, `tests`, `files changed`): what a summary counts. */
function countedWords(line: string): string {
  return line.split(/\s+/).map((w) => w.replace(/[,;:.()]+$/, "")).filter((w) => /^[A-Za-z]+$/.test(w)).join(" ");
}

/**
 * A summary printed for every unit (`2 files changed, 3 insertions(+)` under each commit, `ok pkg
 * 0.1s` for each package) is routine: the first and the last of its template stay, and every one
 * that counts a failure or an error.
 */
function thinRoutineSummaries(roles: Role[], templates: TemplateMining, keep: boolean[], lines: string[]): void {
  const byTemplate = new Map<string, number[]>();
  for (let i = 0; i < roles.length; i++) {
    if (roles[i] !== "summary") continue;
    const id = templates.ids[i]!;
    if (templates.counts[id]! < ROUTINE_SUMMARY) continue;
    // the words a summary counts by are its own: node's `ℹ tests 1` and `ℹ pass 1` under each package are two summaries, not one
    const key = `${id} ${countedWords(lines[i]!)}`;
    const at = byTemplate.get(key);
    if (at) at.push(i);
    else byTemplate.set(key, [i]);
  }
  for (const [key, at] of byTemplate) if (at.length < ROUTINE_SUMMARY) byTemplate.delete(key);
  for (const at of byTemplate.values()) {
    for (const i of at.slice(1, -1)) {
      const c = summaryCounts(lines[i]!);
      if (!(c.failed || c.errors)) keep[i] = false;
    }
  }
}

/**
 * Files a summary counts (`108 files would be reformatted`): the routine lines that each name one
 * file (`would reformat src/a.py`, `[warn] src/b.js`) are the findings it sums up, and stay.
 */
function keepCountedFiles(lines: string[], roles: Role[], templates: TemplateMining, keep: boolean[]): Uint8Array | null {
  const counted = lines.some(
    (l, i) => (roles[i] === "summary" || roles[i] === "problem" || roles[i] === "warning") && /\b\d+ files?\b(?! (?:changed|checked|inspected|scanned|left unchanged|unchanged))/.test(l) && !/\b0 files?\b/.test(l.split(",")[0]!),
  );
  if (!counted) return null;
  const files = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    if ((roles[i] !== "plain" && roles[i] !== "problem" && roles[i] !== "warning") || !routineAt(templates, i)) continue;
    const words = templates.lineWords[i];
    if (words && words.filter((w) => w === "<path>").length === 1 && words.length <= 6) {
      keep[i] = true;
      files[i] = 1;
    }
  }
  return files;
}

function routineAt(templates: TemplateMining, i: number): boolean {
  const id = templates.ids[i]!;
  return id >= 0 && templates.counts[id]! >= ROUTINE;
}

/**
 * A trace keeps its first frame (where the error was raised, or the outermost call) and the frames
 * in the project's own files; library and runtime frames fold.
 */
function keepFrames(roles: Role[], trace: Int32Array, keep: boolean[]): void {
  const byTrace = new Map<number, number[]>();
  for (let i = 0; i < roles.length; i++) {
    const t = trace[i]!;
    if (t < 0) continue;
    const at = byTrace.get(t);
    if (at) at.push(i);
    else byTrace.set(t, [i]);
  }
  for (const frames of byTrace.values()) {
    keep[frames[0]!] = true;
    // The line just above a trace says what went wrong (`Invalid read of size 8`, `TypeError: …`).
    // Above a section header that opens a trace (`freed by thread T0 here:`), the line before it.
    let above = frames[0]! - 1;
    if (above >= 0 && roles[above] !== "blank" && roles[above] !== "noise") keep[above] = true;
    if (above >= 1 && roles[above] === "section" && roles[above - 1] !== "blank" && roles[above - 1] !== "noise" && trace[above - 1]! < 0) keep[--above] = true;
    const own = frames.filter((i) => roles[i] === "frame");
    const shown = own.length > PROJECT_FRAMES ? [...own.slice(0, PROJECT_FRAMES - 2), ...own.slice(-2)] : own;
    for (const i of shown) keep[i] = true;
  }
}

/**
 * A failing test, a finding or a problem opens a block: the lines under it (up to a blank line or
 * the next fact) explain it and stay, for the first few blocks; code frames only for the first three.
 */
function keepBlockContext(lines: string[], roles: Role[], snippet: Uint8Array, keep: boolean[], located: Uint8Array): void {
  let blocks = 0;
  for (let i = 0; i < lines.length && blocks < BLOCKS_WITH_CONTEXT; i++) {
    const r = roles[i]!;
    if (r !== "failure" && r !== "finding" && r !== "problem") continue;
    const next = roles[i + 1];
    if (next === undefined || next === "blank" || FACT_ROLES.has(next)) continue;
    blocks++;
    const base = indentOf(lines[i]!);
    for (let k = i + 1; k < Math.min(lines.length, i + 1 + CONTEXT_AFTER); k++) {
      const rk = roles[k]!;
      if (rk === "blank" || FACT_ROLES.has(rk) || rk === "section") break;
      if (rk === "library-frame" || rk === "chatter" || isNoise(rk) || rk === "patch-line") continue;
      if (indentOf(lines[k]!) < base) break;
      if ((snippet[k] || rk === "snippet") && (blocks > BLOCKS_WITH_SNIPPET || located[k])) continue;
      keep[k] = true;
    }
  }
}

/** The source line a code frame points at, marked in its gutter: `> 14 |   ).join("\n");`. */
const MARKED_SOURCE = /^\s*>\s*\d+\s*[|│]/;
/** Lines a frame's block may hold between its location and its code: a blank line, rustc's `help:`/`note:`, `= note: …`. */
const FRAME_NOTE = /^\s*(?:=\s*)?(?:help|note|hint|suggestion)(?:\[\w+\])?:\s/i;

/**
 * Code frames (a gutter `  12 | code`, the `^~~~` markers under it, fix-it lines) hung under a
 * diagnostic whose line names the location `file:line:col` (rustc's `--> file:line:col`, gcc's,
 * clang's and tsc's `file:line:col: error`): the location says where, the message says what, and
 * the file itself shows the code, so such a frame folds. A frame under a diagnostic without a
 * location (an assertion in a test's body) is the only place its code is shown, and stays.
 * One source line stays even so: the first one framed under a diagnostic placed in the project's
 * own code, the line the first fix starts from (its markers still fold).
 */
export function locatedFrames(lines: string[], roles: Role[], snippet: Uint8Array): Uint8Array {
  const out = new Uint8Array(lines.length);
  const isFrame = (k: number) => snippet[k] === 1 || roles[k] === "snippet";
  let located = false;
  let firstInProject = false;
  let sourceShown = false;
  for (let i = 0; i < lines.length; i++) {
    if (!isFrame(i)) {
      const r = roles[i]!;
      // a blank line or a note inside the frame's block leaves it as it was; any other line starts anew
      if (r === "blank" || (FRAME_NOTE.test(lines[i]!) && r !== "finding")) continue;
      located = r === "finding";
      firstInProject = located && !sourceShown && frameKind(lines[i]!) === "project";
      continue;
    }
    if (!located) continue;
    if (firstInProject && !sourceShown) {
      // the line the frame marks (`> 14 |   ).join("\n");`, Babel's and Jest's), else its first source line
      let end = i;
      while (end < lines.length && isFrame(end)) end++;
      let shown = -1;
      for (let k = i; k < end && shown < 0; k++) if (MARKED_SOURCE.test(lines[k]!)) shown = k;
      for (let k = i; k < end && shown < 0; k++) if (isFrameSource(lines[k]!)) shown = k;
      for (let k = i; k < end; k++) if (k !== shown) out[k] = 1;
      sourceShown = shown >= 0;
      i = end - 1;
      continue;
    }
    out[i] = 1;
  }
  return out;
}

/**
 * A short output is read whole but for its noise: passing tests, progress and download chatter,
 * library stack frames, the idle rows of a process table, and the many lines of one template
 * (a verbose runner's passing tests) outside a small section, when a summary line accounts for them,
 * and code frames under a diagnostic that names its location (locatedFrames).
 */
export function selectShort(info: LineInfo, failed = false): Selection {
  const { roles, snippet } = info;
  const lines = info.bodies;
  const n = lines.length;
  const templates = mineTemplates(lines);
  const routine = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (templates.ids[i]! >= 0 && templates.counts[templates.ids[i]!]! >= ROUTINE) routine[i] = 1;
  const inSection = new Array<boolean>(n).fill(false);
  keepSections(lines, roles, inSection);
  const processes = processRows(lines);
  const idle = processes ? processes.map((v) => (v === IDLE ? 1 : 0)) : null;
  // Many lines of one template fold only where a summary accounts for them.
  const summed = roles.includes("summary");
  const table = statusRows(lines);
  // The first frame of each trace stays: it says where the error was raised.
  const firstFrame = new Uint8Array(n);
  for (let i = 0; i < n; i++) if (info.trace[i]! >= 0 && (i === 0 || info.trace[i - 1] !== info.trace[i])) firstFrame[i] = 1;
  const verdicts = fileVerdicts(lines, roles);
  const located = locatedFrames(lines, roles, snippet);
  const keep = roles.map((r, i) => !located[i] && (r !== "chatter" || verdicts?.[i] === 1) && (r !== "library-frame" || firstFrame[i] === 1) && !isNoise(r) && !idle?.[i] && (processes?.[i] === BUSY || table?.odd[i] === 1 || !(summed && routine[i] && r === "plain" && !inSection[i])));
  // the last line says how it ended (`Finished dev profile in 0.4s`), progress-shaped or not
  let last = n - 1;
  while (last >= 0 && roles[last] === "blank") last--;
  if (last >= 0 && roles[last] === "chatter") keep[last] = true;
  if (failed) keepWorkingOn(lines, roles, keep);
  if (failed) keepTestPrints(lines, roles, keep);
  keepFewPasses(lines, roles, keep);
  keepNotRunReasons(lines, roles, keep);
  return { keep, roles, hidden: null, after: new Map(), snippet, similar: null, quiet: null, idle, routine };
}

/**
 * A section header stays when its section holds a kept line (the section a fact belongs to); a
 * small section stays whole, header and items (git status's lists of files).
 */
function keepSections(lines: string[], roles: Role[], keep: boolean[], whole = true): Array<[number, number]> {
  const sections: Array<[number, number]> = [];
  const small: Array<[number, number]> = [];
  for (let i = 0; i < lines.length; i++) {
    if (roles[i] !== "section") continue;
    const base = indentOf(lines[i]!);
    const banner = base === 0 && !lines[i]!.trimEnd().endsWith(":");
    // A header over lines indented deeper holds them; over lines that are not, its paragraph.
    let first = i + 1;
    while (first < lines.length && roles[first] === "blank" && first - i < 2) first++;
    const paragraph = !banner && first < lines.length && indentOf(lines[first]!) <= base;
    let end = paragraph ? first : i + 1;
    let items = 0;
    let anyKept = false;
    for (; end < lines.length; end++) {
      const r = roles[end]!;
      if (banner ? r === "section" && indentOf(lines[end]!) === 0 : paragraph ? r === "blank" : r !== "blank" && indentOf(lines[end]!) <= base) break;
      if (r === "blank") continue;
      items++;
      anyKept ||= keep[end]!;
    }
    sections.push([i, end]);
    if (anyKept) keep[i] = true;
    // A change block's head is its summary (`# aws_s3_bucket.logs will be destroyed`, and the comment under it).
    let h = i + 1;
    while (h < lines.length && roles[h] === "section") h++;
    if (roles[h] === "change" || roles[h] === "finding" && h > i + 1) keep[i] = true;
    // A list of files (untracked files, files to commit) stays whole when longer too.
    const limit = fileList(lines, i + 1, end) ? FILE_SECTION : SMALL_SECTION;
    if (!banner && items > 0 && (paragraph ? items <= SMALL_PARAGRAPH && !snippetIn(roles, i + 1, end) : items <= limit)) small.push([i, end]);
  }
  // Titles between decorations (`TASK [deploy] ****`, `***** Running db_test`) are the output's
  // structure: all of them stay when there are not too many.
  const titles = sections.filter(([i]) => indentOf(lines[i]!) === 0 && !lines[i]!.trimEnd().endsWith(":"));
  if (titles.length <= TITLES) for (const [i] of titles) keep[i] = true;
  // A few small sections stay whole, header and items (git status's lists of files); many of them
  // (a recursive listing's directories) are a listing, not a structure.
  if (whole && small.length <= WHOLE_SECTIONS) {
    for (const [i, end] of small) {
      keep[i] = true;
      for (let k = i + 1; k < end; k++) {
        const r = roles[k]!;
        if (r !== "blank" && r !== "chatter" && r !== "library-frame" && r !== "snippet" && r !== "patch-line" && r !== "data") keep[k] = true;
      }
    }
  }
  return sections;
}

/** Are the non-blank lines from..to each a path, perhaps after a word (`modified:   a.ts`)? */
function fileList(lines: string[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const t = lines[k]!.trim();
    if (t && !/^(?:[\w ]+:\s+)?(?:[\w.~-]*\/)*[\w.-]*[\w-](?:\.[A-Za-z][\w-]{0,7}|\/)(?: -> \S+)?$/.test(t) && !/^\(use /.test(t)) return false;
  }
  return true;
}

function snippetIn(roles: Role[], from: number, to: number): boolean {
  for (let k = from; k < to; k++) if (roles[k] === "snippet") return true;
  return false;
}

/** Each commit of a log keeps its subject; the first few keep their `commit <sha>` line too. */
function keepCommits(lines: string[], roles: Role[], keep: boolean[]): void {
  const commits: number[] = [];
  for (let i = 0; i < lines.length; i++) if (roles[i] === "commit") commits.push(i);
  commits.forEach((i, k) => {
    // The first commits, the last, and those a ref points at (`(HEAD -> main)`, `(tag: v1.2)`).
    const shown = k < HEAD_COMMITS || k === commits.length - 1 || lines[i]!.includes(" (");
    if (shown) keep[i] = true;
    // The files of the other commits (`--stat`) fold with them.
    else for (let j = i + 1; j < lines.length && roles[j] !== "commit"; j++) if (roles[j] === "patch-file" && lines[j]!.includes(" | ")) keep[j] = false;
    for (let j = i + 1; j < Math.min(lines.length, i + 8); j++) {
      if (roles[j] === "commit") break;
      if (/^ {4}\S/.test(lines[j]!)) {
        keep[j] = true;
        break;
      }
    }
  });
}

/**
 * A patch keeps its file and hunk headers and its changed lines; context lines stay in a small
 * patch only. A very large patch keeps the first changed lines of each hunk.
 */
function keepPatch(lines: string[], roles: Role[], keep: boolean[], weight?: Uint32Array): void {
  let total = 0;
  let changed = 0;
  for (let i = 0; i < roles.length; i++) {
    if (roles[i] !== "patch-line") continue;
    total += weight?.[i] ?? 1;
    if (isChange(lines[i]!)) changed += weight?.[i] ?? 1;
  }
  if (total === 0) return;
  let inHunk = 0;
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    if (r === "patch-hunk" || r === "patch-file") {
      keep[i] = true;
      inHunk = 0;
    } else if (r === "patch-line") {
      if (total <= SMALL_PATCH) keep[i] = true;
      else if (isChange(lines[i]!) && (changed <= PATCH_CHANGES || ++inHunk <= CHANGES_PER_HUNK)) keep[i] = true;
    }
  }
}

function isChange(line: string): boolean {
  const c = line.charCodeAt(0);
  return (c === 43 || c === 45) && !line.startsWith("+++ ") && !line.startsWith("--- ");
}

/**
 * A line of a rare template is evidence that it matters: in an output that is mostly routine (a
 * tree of packages, a run of compile steps), its few one-of-a-kind lines stay.
 */
function keepRare(roles: Role[], snippet: Uint8Array, templates: TemplateMining, routine: Uint8Array, keep: boolean[]): void {
  let routineLines = 0;
  let lines = 0;
  const rare: number[] = [];
  for (let i = 0; i < roles.length; i++) {
    const r = roles[i]!;
    if (r === "blank") continue;
    const w = templates.weight?.[i] ?? 1;
    lines += w;
    if (routine[i]) routineLines += w;
    else if (!keep[i] && !snippet[i] && (r === "plain" || r === "match" || r === "section") && templates.counts[templates.ids[i]!]! <= RARE_INSTANCES && templates.loose(i) < LOOSE_ROUTINE) rare.push(i);
  }
  if (routineLines * 2 < lines || rare.length > Math.max(RARE_LINES, lines / 40)) return;
  for (const i of rare) keep[i] = true;
}

/**
 * A test row that says why a test did not run or was not held to its result, in the runners'
 * own formats: pytest's verbose `SKIPPED (reason)`, `XFAIL (reason)`, `XPASS (reason)`, TAP's
 * `ok 3 - x # SKIP reason` / `# TODO reason`, libtest's `... ignored, reason`. The reason is
 * news a pass row does not carry; the bare outcome without a reason folds with the passes. automake's
 * harness gives no reasons, one verdict line per test: its `XFAIL:`, `XPASS:`, `SKIP:` lines name the
 * tests that counted neither as passed nor as failed, and stay.
 */
const NOT_RUN_REASON = /\b(?:SKIPPED|XFAIL|XPASS)\b:? +\(\S.*\)|^(?:XFAIL|XPASS|SKIP): \S+$|^\s*(?:not )?ok\b.*# (?:SKIP|TODO)\b\s*\S|\.\.\. ignored, \S/i;
function keepNotRunReasons(lines: string[], roles: Role[], keep: boolean[]): void {
  for (let i = 0; i < lines.length; i++) if (!keep[i] && (roles[i] === "plain" || roles[i] === "chatter") && NOT_RUN_REASON.test(lines[i]!)) keep[i] = true;
}

/** A line said this many times in a row is a line of its own. */
const REPEATED_RUN = 5;

/**
 * A line said again and again in a row (a server's `stock shelf=b slot=2` for each of 20 requests,
 * a worker's `retrying in 5s`): its first and last telling stay, the ones between fold, so what the
 * run did that many times is read, not only that lines were folded.
 */
function keepRepeatedRuns(lines: string[], roles: Role[], keep: boolean[]): void {
  for (let i = 0; i < lines.length; ) {
    let j = i + 1;
    while (j < lines.length && lines[j] === lines[i]) j++;
    const r = roles[i]!;
    if (j - i >= REPEATED_RUN && r !== "blank" && !isNoise(r) && r !== "library-frame" && r !== "snippet" && lines[i]!.trim().length >= 8) keep[i] = keep[j - 1] = true;
    i = j;
  }
}

/**
 * The pass lines of a run that names few tests at its top level (`--- PASS: TestFormat (0.00s)`, a
 * `test x ... ok`, `tests/a.py::test_b PASSED`): they say which tests ran, for the price of a line
 * each (a run of many folds them with the other passes).
 */
const FEW_PASSES = 3;
const NOT_A_TEST_PASS = /^(?:=== |RUN\b|PAUSE\b|CONT\b|PASS\s*$|ok\s*$|OK\b)/;
function keepFewPasses(lines: string[], roles: Role[], keep: boolean[]): void {
  const passes: number[] = [];
  for (let i = 0; i < lines.length && passes.length <= FEW_PASSES; i++) {
    const line = lines[i]!;
    if (roles[i] === "chatter" && line.length > 0 && line.charCodeAt(0) !== 32 && isPassing(line) && !NOT_A_TEST_PASS.test(line)) passes.push(i);
  }
  if (passes.length <= FEW_PASSES) for (const i of passes) keep[i] = true;
}

/**
 * A file's row of progress marks with a failure among them (pytest's `tests/test_queue.py ..F   [100%]`,
 * an `E` for an error): it says which file failed, where a row of dots alone is passes.
 */
const FAILED_PROGRESS_ROW = /^\S+\.\w+ [.sxX]*[FE][.sxXFE]*\s+\[\s*\d+%\]\s*$/;
function keepFailedProgressRows(lines: string[], roles: Role[], keep: boolean[]): void {
  for (let i = 0; i < lines.length; i++) if (!keep[i] && (roles[i] === "chatter" || roles[i] === "plain") && FAILED_PROGRESS_ROW.test(lines[i]!)) keep[i] = true;
}

/** A test file as pytest finds them by default (`test_*.py`, `*_test.py`), its marks, then printed text. */
const PRINTING_PROGRESS = /^(?:\S*\/)?(?:test_\S*|\S*_test)\.py [.sxXFE]*[^\s.sxXFE[]/;
const TESTS_RUNNING = /^running \d+ tests?\s*$/;
const PRINTS_END = /^\s*(?:failures:|test result: |successes:|={3,}|_{3,})/;
const BARE_MARKS = /^[.sxXFE]+\s*(?:\[\s*\d+%\])?\s*$/;
const MARKS_WITH_FAILURE = /^(?:\S+\.py )?[.sxX]*[FE]/;
const TEST_PRINTS = 30;
/**
 * What the tests printed, in a failing run that shows it as they run: pytest with `-s` writes a
 * test's prints among its progress marks (`tests/test_cart.py .DEBUG subtotal=44.98`, `FDEBUG …`),
 * libtest with `--nocapture` between `running 3 tests` and its `test x ... ok` rows. They are the
 * values the person debugging asked to see (no rule knows their templates), so the lines of such a
 * part stay up to its first report (`=== FAILURES ===`, `failures:`, `test result:`), at most
 * TEST_PRINTS of them, the ones printed last before the first failure when there are more, near
 * repeats too (a loop's values differ where it matters). Bare progress marks, a line said again
 * right after itself, and the runner's own rows fold as before.
 */
function keepTestPrints(lines: string[], roles: Role[], keep: boolean[]): void {
  const n = lines.length;
  for (let i = 0; i < n; i++) {
    const pytest = PRINTING_PROGRESS.test(lines[i]!);
    if (!pytest && !TESTS_RUNNING.test(lines[i]!)) continue;
    const printed: number[] = [];
    let failedAt = -1;
    let end = pytest ? i : i + 1;
    for (; end < n && !PRINTS_END.test(lines[end]!); end++) {
      const r = roles[end]!;
      if (failedAt < 0 && (pytest ? MARKS_WITH_FAILURE.test(lines[end]!) : FAILED_ROLES.has(r) || r === "finding")) failedAt = printed.length;
      if ((r === "plain" || r === "data" || r === "match" || r === "summary") && !BARE_MARKS.test(lines[end]!) && lines[end] !== lines[end - 1]) printed.push(end);
    }
    if (failedAt >= 0) {
      const to = printed.length <= TEST_PRINTS ? printed.length : Math.max(TEST_PRINTS, failedAt + 1);
      for (const k of printed.slice(Math.max(0, to - TEST_PRINTS), to)) keep[k] = true;
    }
    i = end;
  }
}

/**
 * How many tests a run set out to run: pytest's `collected 10 items` (`… / 2 deselected / 8 selected`),
 * TAP's plan `1..10`. Beside a failed run's summary it says how many never ran (`-x`, a bail, a crash).
 */
const PLANNED_COUNT = /^\s*(?:collecting \.\.\. )?collected \d+ items?\b|^1\.\.\d+\s*$/;
function keepPlannedCount(lines: string[], roles: Role[], keep: boolean[]): void {
  for (let i = 0; i < lines.length; i++) {
    if (keep[i] || (roles[i] !== "plain" && roles[i] !== "chatter") || !PLANNED_COUNT.test(lines[i]!)) continue;
    keep[i] = true;
    return;
  }
}

/**
 * A compiler's suggested fix: `help: consider cloning the value …` and the frame under it that
 * shows the changed code (rustc's `26 |  *out.entry(e.account.clone())` over `++++++++`, its
 * `22 + pub fn total_line(total: i64) -> String {`). The file holds the code as it is, not the fix,
 * so unlike the frame of the error itself this one stays, for the first few suggestions.
 */
const SUGGESTION = /^\s*(?:=\s*)?(?:help|suggestion)(?:\[\w+\])?:\s/i;
const SUGGESTIONS_KEPT = 12;
const SUGGESTION_LINES = 8;
function keepSuggestedFixes(lines: string[], roles: Role[], snippet: Uint8Array, keep: boolean[]): void {
  let kept = 0;
  for (let i = 0; i < lines.length && kept < SUGGESTIONS_KEPT; i++) {
    if (!SUGGESTION.test(lines[i]!) || (roles[i] !== "plain" && roles[i] !== "warning")) continue;
    const frame: number[] = [];
    for (let k = i + 1; k < lines.length && k <= i + SUGGESTION_LINES && (snippet[k] === 1 || roles[k] === "snippet"); k++) frame.push(k);
    // only a suggestion that shows code: a changed line (`22 + …`, `26 | …` over `+++`/`~~~`)
    if (!frame.some((k) => /^\s*\d+\s*[+~|-]\s/.test(lines[k]!))) continue;
    keep[i] = true;
    for (const k of frame) if (lines[k]!.trim() !== "|") keep[k] = true;
    kept++;
  }
}

/**
 * The step that heads a part of the run in which something failed (cargo's `Running unittests
 * src/lib.rs (target/debug/deps/geo_core-…)` before each test binary, a `Running tests/x.rs` of
 * another crate): it says whose failure follows. The heads of parts that passed fold as progress.
 */
const PART_HEAD = /^\s*(?:Running|Testing|Checking|Compiling|Building)\s+\S/;
const FAILED_ROLES = new Set<Role>(["failure", "problem", "assertion"]);
/**
 * The banner npm, pnpm and bun print before a package script runs: `> pkg@1.0.0 test`, then the
 * script's command `> node --test test/`. In a chain (`npm run lint && npm test`) or a run over
 * workspaces it heads each script's part.
 */
const SCRIPT_COMMAND = /^> \S/;
function keepFailingPartHeads(lines: string[], roles: Role[], keep: boolean[]): void {
  const banners: number[] = [];
  for (let i = 0; i + 1 < lines.length; i++) if (SCRIPT_BANNER.test(lines[i]!) && SCRIPT_COMMAND.test(lines[i + 1]!)) banners.push(i);
  keepHeadsOfFailedParts(banners, 2, roles, keep);
  const heads: number[] = [];
  for (let i = 0; i < lines.length; i++) if (roles[i] === "chatter" && PART_HEAD.test(lines[i]!)) heads.push(i);
  // only a run of several parts: one head says nothing the rest does not
  if (heads.length >= 2) keepHeadsOfFailedParts(heads, 1, roles, keep);
}

/** Each head (of `size` lines) whose part, up to the next head, holds a failure, stays. */
function keepHeadsOfFailedParts(heads: number[], size: number, roles: Role[], keep: boolean[]): void {
  heads.forEach((h, k) => {
    const end = heads[k + 1] ?? roles.length;
    for (let j = h + size; j < end; j++) {
      if (!FAILED_ROLES.has(roles[j]!)) continue;
      for (let i = h; i < h + size; i++) keep[i] = true;
      return;
    }
  });
}

/**
 * Lines that begin with an id repeated in runs (`git blame`'s commit, an annotated listing): the
 * first line of each run says where the next stretch comes from.
 */
function keepRunStarts(lines: string[], roles: Role[], keep: boolean[], weight?: Uint32Array): void {
  const id = (l: string) => /^\^?([0-9a-f]{7,40})\b/.exec(l)?.[1] ?? null;
  let withId = 0;
  let nonBlank = 0;
  for (let i = 0; i < lines.length; i++) {
    if (roles[i] === "blank") continue;
    nonBlank += weight?.[i] ?? 1;
    if (id(lines[i]!)) withId += weight?.[i] ?? 1;
  }
  if (nonBlank < 10 || withId * 10 < nonBlank * 8) return;
  // A run's first line that holds text (blame's `abc123 (who date 45)` may be an empty line).
  const empty = (l: string) => /^\^?[0-9a-f]{7,40}\b[^)]*\)\s*$/.test(l);
  let last: string | null = null;
  let owed = false;
  for (let i = 0; i < lines.length; i++) {
    const current = id(lines[i]!);
    if (current && (current !== last || owed)) {
      owed = empty(lines[i]!);
      if (!owed) keep[i] = true;
    } else owed = false;
    last = current;
  }
}

/** Sizes a listing leads with (`441M    java`, `7.2K  notes`): the largest say where the space goes. */
function keepLargest(lines: string[], roles: Role[], keep: boolean[], weight?: Uint32Array): void {
  const SIZE = /^\s*(\d+(?:[.,]\d+)?)([KMGTP]i?B?|B)?\s+\S/;
  const unit: Record<string, number> = { "": 1, B: 1, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15 };
  const sized: Array<[number, number]> = [];
  let sizedLines = 0;
  for (let i = 0; i < lines.length; i++) {
    if (roles[i] === "blank") continue;
    const m = SIZE.exec(lines[i]!);
    if (!m) continue;
    sized.push([i, Number(m[1]!.replace(",", ".")) * (unit[m[2]?.[0] ?? ""] ?? 1)]);
    sizedLines += weight?.[i] ?? 1;
  }
  let nonBlank = 0;
  for (let i = 0; i < roles.length; i++) if (roles[i] !== "blank") nonBlank += weight?.[i] ?? 1;
  if (sizedLines < 10 || sizedLines * 10 < nonBlank * 8) return;
  for (const [i] of sized.sort((a, b) => b[1] - a[1]).slice(0, LARGEST)) keep[i] = true;
}

/** Tables: the header and every row whose status is not the common one stay; the common rows fold. */
function keepTables(lines: string[], roles: Role[], keep: boolean[]): { quiet: Uint8Array | null; idle: Uint8Array | null } {
  const processes = processRows(lines);
  const rows = statusRows(lines);
  if (!processes && !rows) return { quiet: null, idle: null };
  const quiet = new Uint8Array(lines.length);
  const idle = new Uint8Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    if (processes?.[i] === IDLE || rows?.common[i]) {
      (processes?.[i] === IDLE ? idle : quiet)[i] = 1;
      if (roles[i] !== "finding" && roles[i] !== "problem") keep[i] = false;
    } else if (processes?.[i] || rows?.odd[i] || rows?.header[i]) keep[i] = true;
    // A table's title, centred above its header (`      Table "public.orders"`), names it.
    if (rows?.header[i] && i > 0 && indentOf(lines[i - 1]!) >= 4 && lines[i - 1]!.trim().length <= 80) keep[i - 1] = true;
  }
  return { quiet, idle };
}
